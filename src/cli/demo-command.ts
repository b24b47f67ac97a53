import { rm } from 'node:fs/promises';
import { tableToRows } from '../columns/table-rows.js';
import { inputsAt, warehouseAt } from '../io/locations.js';
import { createPlan } from '../plan/index.js';
import { runPipeline } from '../run/run-pipeline.js';
import { parseFlags } from './args.js';
import { createEngine } from './engines.js';
import { generateFromArgs } from './generate-command.js';
import { LOG_FLAGS, loggerFrom, progressPrinter } from './run-command.js';
import { formatSummary } from './summary.js';

export const DEMO_HELP = `Usage: goldsmith demo [--events N] [--data DIR] [--warehouse DIR] [--engine NAME]

Generates sample bronze data (with duplicates, late events, retries and 0.5% corrupt lines) and
runs the whole pipeline on it, then prints a summary and a few gold rows.

Options:
  --events N         distinct events to generate (default 200000)
  --data DIR         where the bronze files go (default ./demo-data, replaced)
  --warehouse DIR    where outputs go (default ./warehouse)
  --engine NAME      engine (default arrow)
  --time-zone IANA   run time zone (default America/Lima, the seed's users are in Latin America)
  -h, --help         this help`;

/** `goldsmith demo`. */
export async function demoCommand(argv: string[]): Promise<number> {
  const v = parseFlags(argv, {
    events: { type: 'string', default: '200000' },
    data: { type: 'string', default: 'demo-data' },
    warehouse: { type: 'string', default: 'warehouse' },
    engine: { type: 'string', default: 'arrow' },
    'time-zone': { type: 'string', default: 'America/Lima' },
    ...LOG_FLAGS,
  });
  if (v.help) {
    console.log(DEMO_HELP);
    return 0;
  }
  const events = Number(v.events);
  // Both folders are the demo's own: start from scratch, so a second demo is not a no-op re-run.
  await rm(v.data, { recursive: true, force: true });
  await rm(v.warehouse, { recursive: true, force: true });
  await generateFromArgs([
    '--out',
    v.data,
    '--events',
    String(events),
    '--sessions',
    String(Math.max(1, Math.round(events / 4))),
    '--users',
    String(Math.max(1, Math.round(events / 100))),
    '--transactions',
    String(Math.round(events / 10)),
    '--event-duplicate-rate',
    '0.01',
    '--corrupt-rate',
    '0.005',
    '--seed',
    '7',
  ]);
  const engine = await createEngine(v.engine);
  try {
    const onStep = progressPrinter();
    const { report, result } = await runPipeline({
      inputs: await inputsAt(v.data),
      warehouse: warehouseAt(v.warehouse),
      engine,
      plan: createPlan({ timeZone: v['time-zone'] }),
      logger: loggerFrom(v),
      ...(onStep ? { onStep } : {}),
    });
    console.log('');
    console.log(formatSummary(report, v.warehouse));
    const withTxn = tableToRows(result.gold)
      .filter((r) => r.has_transaction)
      .slice(0, 2);
    console.log('\ntwo gold rows with a transaction:');
    for (const row of withTxn) console.log(JSON.stringify(row));
    console.log(
      `\nquery it: duckdb -c "SELECT session_date, count(*) FROM '${v.warehouse}/gold/user_session_analysis/data/*/*.parquet' GROUP BY 1 ORDER BY 1"`,
    );
    console.log(
      `history:  npx goldsmith snapshots --warehouse ${v.warehouse}   (then: export --as-of, rollback --snapshot)`,
    );
    return 0;
  } finally {
    await engine.close();
  }
}
