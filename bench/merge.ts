/**
 * `npm run bench:merge -- --events 1e6`: what a late batch costs once gold is an Iceberg table
 * (issue 5). Loads the seeded dataset into a fresh warehouse, then feeds one late batch whose
 * events touch `--share` (default 1%) of the sessions, as its own `goldsmith run`, and times it;
 * then `goldsmith compact`. Each step is a separate process, measured like the main bench.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { numberView, stringView } from '../src/columns/column-views.js';
import { localWarehouse } from '../src/io/local-warehouse.js';
import { readTable } from '../src/lakehouse/warehouse.js';
import { formatTimestamp } from '../src/time/index.js';
import { parseCount, parseShare } from './args.js';
import { ensureDist } from './build.js';
import { ensureDataset } from './datasets.js';
import { measureNode, type ProcessMeasurement, pickMeasureMethod } from './measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);
const decoder = new TextDecoder();

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1e6' },
    share: { type: 'string', default: '0.01' },
    keep: { type: 'boolean' },
  },
});
const events = parseCount(values.events, 'events');
const share = parseShare(values.share, 'share');

const dist = await ensureDist(ROOT, log);
const dataset = await ensureDataset(join(ROOT, 'bench', 'data'), events, 'single', log);
const method = pickMeasureMethod();
const scratch = await mkdtemp(join(tmpdir(), 'goldsmith-bench-merge-'));
const warehouse = join(scratch, 'wh');

async function step(name: string, args: string[]): Promise<{ m: ProcessMeasurement; report?: unknown }> {
  log(`${name} …`);
  const m = await measureNode([dist.cli, ...args], { method, cwd: ROOT, timeoutMs: 1_800_000 });
  if (m.exitCode !== 0) throw new Error(`${name} failed (exit ${m.exitCode}): ${m.stderr}`);
  const report = args.includes('--json') ? JSON.parse(m.stdout) : undefined;
  return { m, report };
}

try {
  const initial = await step('initial load', [
    'run',
    '--input',
    dataset.dir,
    '--warehouse',
    warehouse,
    '--json',
  ]);

  // The late batch: one new event for every 1/share-th session, a second before its start.
  const gold = await readTable(localWarehouse(warehouse), 'gold.user_session_analysis');
  const sessions = stringView(gold.getChild('session_id')!);
  const users = stringView(gold.getChild('user_id')!);
  const starts = numberView(gold.getChild('session_start_time')!);
  const every = Math.max(1, Math.round(1 / share));
  const lines: string[] = [];
  for (let row = 0; row < gold.numRows; row += every) {
    const text = (v: typeof sessions) => decoder.decode(v.bytes.subarray(v.starts[row]!, v.ends[row]!));
    lines.push(
      JSON.stringify({
        event_id: `LATE_${row}`,
        session_id: text(sessions),
        user_id: text(users),
        event_type: 'page_view',
        event_timestamp: formatTimestamp(starts[row]! - 1_000_000),
        event_details: { page_url: '/late', referrer: 'bench' },
      }),
    );
  }
  const late = join(scratch, 'late');
  await mkdir(join(late, 'events'), { recursive: true });
  await writeFile(join(late, 'events', 'late.jsonl'), `${lines.join('\n')}\n`);

  const runLate = (name: string) => step(name, ['run', '--input', late, '--warehouse', warehouse, '--json']);
  const merge = await runLate('late batch (MERGE)');
  const compact = await step('compact', ['compact', '--warehouse', warehouse]);
  const again = await runLate('same batch again (no-op)');

  const mib = (m: ProcessMeasurement) => ((m.peakRssBytes ?? 0) / 2 ** 20).toFixed(0);
  const row = (name: string, m: ProcessMeasurement, note: string) =>
    `| ${name} | ${(m.wallMs / 1000).toFixed(2)} | ${mib(m)} | ${note} |`;
  const r = merge.report as {
    merge: { recomputed: number; gold: Record<string, number> };
    timings: { step: string; ms: number }[];
  };
  const timings = r.timings.map((t) => `${t.step} ${(t.ms / 1000).toFixed(2)} s`).join(', ');
  console.log(
    `\nMERGE cost at ${events.toLocaleString('en-US')} events (${gold.numRows.toLocaleString('en-US')} sessions), late batch touching ${(share * 100).toFixed(1)}% (${lines.length} sessions)\n`,
  );
  console.log('| step | wall s | peak RSS MiB | what it did |');
  console.log('|---|---|---|---|');
  console.log(row('initial load', initial.m, 'parse, dedup, gold, write 4 Iceberg tables'));
  console.log(
    row(
      'late batch',
      merge.m,
      `${r.merge.recomputed} sessions recomputed; gold +${r.merge.gold.inserted} ~${r.merge.gold.updated} -${r.merge.gold.deleted}`,
    ),
  );
  console.log(row('compact', compact.m, compact.m.stdout.trim()));
  console.log(row('same batch again', again.m, 'skipped: already ingested'));
  console.log(`\nlate batch steps: ${timings}`);
} finally {
  if (values.keep) log(`kept ${warehouse}`);
  else await rm(scratch, { recursive: true, force: true });
}
