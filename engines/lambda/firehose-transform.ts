import type {
  FirehoseTransformationEvent,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { bytesInput } from '../../src/read/input-file.js';
import { readEvents } from '../../src/read/read-events.js';
import type { Logger } from '../../src/run/notifier.js';
import { TimeZone } from '../../src/time/index.js';
import { type MetricsSink, metricsFor } from './emf.js';
import { lambdaLogger } from './lambda-logger.js';

/** Options of {@link createFirehoseTransformHandler}. */
export interface FirehoseTransformOptions {
  /** Zone of timestamps without offset (SPEC §1). Default `UTC`. */
  readonly timeZone?: string;
  readonly logger?: Logger;
  readonly metrics?: MetricsSink;
}

/**
 * A Firehose data-transformation Lambda for the events stream. Each record is checked against the
 * record contract (SPEC §2) by the same reader bronze→silver uses (`readEvents`); a valid record
 * comes back `Ok`, re-encoded as newline-terminated JSON Lines (so Firehose's S3 objects are valid
 * JSONL), a blank one `Dropped`, and one that breaks the contract `ProcessingFailed` — which
 * Firehose writes under the stream's error prefix, the quarantine of the streaming path. Records
 * are validated as one batch: one reader pass, each line mapped back to its record.
 *
 * Metrics (EMF): `Records`, `CorruptRecords`, `CorruptShare`.
 *
 * @example
 * export const handler = createFirehoseTransformHandler({ timeZone: 'America/Lima' });
 */
export function createFirehoseTransformHandler(options: FirehoseTransformOptions = {}) {
  const timeZone = TimeZone.of(options.timeZone ?? 'UTC');
  const logger = options.logger ?? lambdaLogger('firehose-transform');
  const metrics = metricsFor('firehose-transform', options.metrics);

  return async (event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> => {
    const lines: string[] = [];
    /** Record index of each physical line, 1-based as the reader numbers them. */
    const owner: number[] = [0];
    const texts = event.records.map((record, index) => {
      const text = Buffer.from(record.data, 'base64').toString('utf8');
      const own = text.replace(/\r?\n$/, '').split('\n');
      for (const line of own) {
        lines.push(line);
        owner.push(index);
      }
      return own;
    });
    const result = await readEvents([bytesInput('firehose', lines.join('\n'))], { timeZone });
    const failed = new Map<number, string>();
    for (const q of result.quarantined) {
      const index = owner[q.line]!;
      if (!failed.has(index)) failed.set(index, q.reason);
    }
    const records: FirehoseTransformationResultRecord[] = event.records.map((record, index) => {
      if (failed.has(index))
        return { recordId: record.recordId, result: 'ProcessingFailed', data: record.data };
      const kept = texts[index]!.filter((line) => line.trim() !== '');
      if (kept.length === 0) return { recordId: record.recordId, result: 'Dropped', data: record.data };
      const data = Buffer.from(kept.map((line) => `${line.replace(/\r$/, '')}\n`).join(''), 'utf8').toString(
        'base64',
      );
      return { recordId: record.recordId, result: 'Ok', data };
    });
    const corrupt = failed.size;
    metrics.publish([
      { name: 'Records', value: event.records.length, unit: 'Count' },
      { name: 'CorruptRecords', value: corrupt, unit: 'Count' },
      {
        name: 'CorruptShare',
        value: event.records.length ? corrupt / event.records.length : 0,
        unit: 'None',
      },
    ]);
    if (corrupt > 0) {
      logger.warn(
        { records: event.records.length, corrupt, reasons: [...new Set(failed.values())] },
        'records failed the record contract; Firehose routes them to the error prefix',
      );
    }
    return { records };
  };
}
