import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GoldRow } from '../../schemas/index.js';
import { type CellValue, tableToRows } from '../../src/columns/table-rows.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { ROOT } from '../support/paths.js';

/** A fixture case folder: `input/` bronze files and `case.json` with hand-computed expectations. */
interface Case {
  description: string;
  options: { timeZone: string };
  report: Record<string, unknown>;
  quarantine: Array<[string, string, number, string]>;
  gold: Record<string, CellValue>[];
}

const CASES = join(ROOT, 'test/fixtures/cases');
const byKey = (a: Record<string, CellValue>, b: Record<string, CellValue>) =>
  `${a.session_id}|${a.user_id}` < `${b.session_id}|${b.user_id}` ? -1 : 1;

describe('fixture cases (hand-computed gold, SPEC §2–§5)', () => {
  for (const name of readdirSync(CASES).sort()) {
    const spec = JSON.parse(readFileSync(join(CASES, name, 'case.json'), 'utf8')) as Case;
    it(`${name}: ${spec.description.slice(0, 80)}…`, async () => {
      const { report, result } = await runPipeline({
        inputs: await discoverInputs(join(CASES, name, 'input')),
        plan: { timeZone: spec.options.timeZone },
        now: () => Date.UTC(2025, 11, 5, 12, 0, 0),
      });
      expect(report).toMatchObject(spec.report);
      const quarantine = result.quarantined.map((q) => [q.source, q.file, q.line, q.reason]);
      expect(quarantine).toEqual(spec.quarantine);
      for (const q of result.quarantined) {
        // SPEC §2: the raw text is kept unchanged (the line without its terminator and BOM).
        const lines = readFileSync(join(CASES, name, 'input', q.file), 'utf8')
          .replace(/^\uFEFF/, '')
          .split('\n');
        expect(q.raw).toBe(lines[q.line - 1]!.replace(/\r$/, ''));
        expect(q.message).toContain(`${q.line}`);
      }
      const gold = tableToRows(result.gold);
      for (const row of gold) {
        GoldRow.parse(row);
        expect(row.processing_timestamp).toBe('2025-12-05T12:00:00.000000Z');
        delete row.processing_timestamp;
      }
      expect(gold.sort(byKey)).toEqual([...spec.gold].sort(byKey));
    });
  }
});
