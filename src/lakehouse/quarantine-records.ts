import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { QuarantineRecord } from '../../schemas/quarantine.js';
import type { QuarantinedLine } from '../read/index.js';

/**
 * A quarantined line as it is written to `quarantine/<source>/<run-id>.jsonl`: its exact bytes
 * kept (`raw`, plus `raw_base64` when they are not valid UTF-8), with its reason.
 */
export function quarantineRecord(line: QuarantinedLine, runId: string): QuarantineRecord {
  return {
    source: line.source,
    file: line.file,
    line: line.line,
    reason: line.reason,
    message: line.message,
    raw: line.raw,
    ...(line.rawBase64 === undefined ? {} : { raw_base64: line.rawBase64 }),
    run_id: runId,
  };
}

/** A run's quarantined lines as records, per source. */
export function quarantineRecordsBySource(
  lines: readonly QuarantinedLine[],
  runId: string,
): Record<SourceName, QuarantineRecord[]> {
  const out = Object.fromEntries(SOURCES.map((s) => [s, [] as QuarantineRecord[]])) as Record<
    SourceName,
    QuarantineRecord[]
  >;
  for (const line of lines) out[line.source].push(quarantineRecord(line, runId));
  return out;
}
