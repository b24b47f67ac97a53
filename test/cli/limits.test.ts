import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunReport } from '../../schemas/index.js';
import { goldsmith } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'goldsmith-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (id: string, details: unknown) =>
  JSON.stringify({
    event_id: id,
    session_id: 'S1',
    user_id: 'U1',
    event_type: 'click',
    event_timestamp: '2025-01-01T00:00:00Z',
    event_details: details,
  });

describe('input limits from the CLI (issue 7: configurable, a clear error or quarantine)', () => {
  const input = join(dir, 'in');
  mkdirSync(input);
  writeFileSync(
    join(input, 'events.jsonl'),
    `${event('E1', { blob: 'x'.repeat(500) })}\n${event('E2', null)}\n`,
  );

  it('--max-line-bytes quarantines a longer line as line_too_long, keeping its first bytes', () => {
    const warehouse = join(dir, 'w1');
    const run = goldsmith([
      'run',
      '--input',
      input,
      '--warehouse',
      warehouse,
      '--max-line-bytes',
      '200',
      '--json',
      '--corrupt-threshold',
      '1',
    ]);
    expect(run.status, run.stderr).toBe(0);
    const report = RunReport.parse(JSON.parse(run.stdout));
    expect(report.sources.events).toMatchObject({ read: 2, valid: 1, quarantined: 1 });
    const [record] = readFileSync(join(warehouse, 'quarantine/events', `${report.run_id}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(record).toMatchObject({ line: 1, reason: 'line_too_long' });
    expect(record.raw.startsWith('{"event_id":"E1"')).toBe(true);
  });

  it('--max-file-bytes fails the run naming the file, and writes nothing', () => {
    const warehouse = join(dir, 'w2');
    const run = goldsmith(['run', '--input', input, '--warehouse', warehouse, '--max-file-bytes', '100']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('events.jsonl');
    expect(run.stderr).toContain('maxFileBytes (100)');
    expect(() =>
      readFileSync(join(warehouse, 'gold/user_session_analysis/metadata/version-hint.text')),
    ).toThrow();
  });

  it('rejects a limit that is not a positive number of bytes', () => {
    const run = goldsmith([
      'run',
      '--input',
      input,
      '--warehouse',
      join(dir, 'w3'),
      '--max-line-bytes',
      '-5',
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('max-line-bytes');
  });

  it('a --run-id that is not a plain name is refused: run ids name files, never paths', () => {
    const run = goldsmith([
      'run',
      '--input',
      input,
      '--warehouse',
      join(dir, 'w4'),
      '--run-id',
      '../../escaped',
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('run id "../../escaped"');
    expect(() => readFileSync(join(dir, 'escaped.json'))).toThrow();
  });

  it('a run that would not fit in memory fails at once with a clear message, before reading', () => {
    const warehouse = join(dir, 'w5');
    process.env.GOLDSMITH_MEMORY_LIMIT = String(64 * 2 ** 20); // below the model's fixed part
    try {
      const run = goldsmith(['run', '--input', input, '--warehouse', warehouse]);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/this run needs about [\d.]+ GiB \(1 new input files/);
      expect(run.stderr).toContain('smaller batches');
      expect(() =>
        readFileSync(join(warehouse, 'gold/user_session_analysis/metadata/version-hint.text')),
      ).toThrow();
    } finally {
      delete process.env.GOLDSMITH_MEMORY_LIMIT;
    }
    // The machine's own memory is plenty for this input.
    expect(
      goldsmith(['run', '--input', input, '--warehouse', warehouse, '--corrupt-threshold', '1']).status,
    ).toBe(0);
  });
});
