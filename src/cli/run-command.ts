import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { parseRuleset } from '../dq/index.js';
import type { StepTiming } from '../engine/index.js';
import { inputsAt, warehouseAt } from '../io/locations.js';
import { createPlan } from '../plan/index.js';
import { runPipeline } from '../run/run-pipeline.js';
import { TimeZone } from '../time/index.js';
import { numberFlag, parseFlags, UsageError } from './args.js';
import { createEngine, ENGINE_NAMES } from './engines.js';
import { createLogger, type LogFormat } from './logger.js';
import { formatSummary } from './summary.js';

export const RUN_HELP = `Usage: goldsmith run --input DIR --warehouse DIR [options]

Runs bronze → silver → gold over the files under --input that no earlier run ingested: new
rows are merged into the silver Iceberg tables, and the sessions they touch are recomputed and
merged into gold (SPEC §6). Re-running over the same input changes nothing.

Options:
  --input DIR               a folder or s3://bucket/prefix of bronze files: users.csv,
                            events.jsonl, transactions.csv and/or
                            folders users/, events/, transactions/ of such files
  --warehouse DIR           a folder or s3://bucket/prefix: the Iceberg tables, quarantine and
                            run reports (S3 honours AWS_ENDPOINT_URL and the standard credentials)
  --lookback DUR            silver window read to recompute touched sessions (default 2d; 36h, 90m)
  --full-refresh            recompute every gold row from silver and replace gold
  --max-line-bytes N        longer input lines are quarantined as line_too_long (default 64 MiB)
  --max-file-bytes N        a larger input file fails the run, naming it (default: no limit)
  --engine NAME             ${ENGINE_NAMES.join(' | ')} (default arrow)
  --threads N               worker threads for --engine workers (default: all cores)
  --time-zone IANA          zone of timestamps without offset and of derived dates (default UTC)
  --rules FILE              DQDL rule set (Rules = [ ... ]); default: the seed's four rules
  --corrupt-threshold X     raise an alarm when quarantined/read > X (default 0.01)
  --data-version N          gold data_version (default 1)
  --source-system S         gold source_system (default digital-services)
  --run-id ID               run id (default: time-based)
  --json                    print the run report as JSON instead of the summary
  --log-format json|pretty  log lines on stderr (default: pretty on a terminal, else json)
  --log-level LEVEL         info, warn, error, silent (default warn; info shows every step)
  -h, --help                this help

Exit codes: 0 ok, 1 failure, 2 usage, 3 data-quality rule failed (nothing written).`;

/** Common logging flags. */
export const LOG_FLAGS = {
  'log-format': { type: 'string' },
  'log-level': { type: 'string', default: 'warn' },
} as const;

/** Builds the CLI logger from the common flags. */
export function loggerFrom(values: { 'log-format'?: string | undefined; 'log-level'?: string | undefined }) {
  const format = values['log-format'] ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format !== 'json' && format !== 'pretty')
    throw new UsageError(`--log-format ${format}: expected json or pretty`);
  return createLogger(format as LogFormat, values['log-level'] ?? 'warn');
}

/** Prints each step as it finishes when stderr is a terminal. */
export function progressPrinter(): ((t: StepTiming) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (t) => {
    const rate =
      t.bytes !== undefined && t.ms > 0 ? `  ${(t.bytes / 1e6 / (t.ms / 1000)).toFixed(1)} MB/s` : '';
    process.stderr.write(
      `  ${t.step.padEnd(34)} ${t.rows.toLocaleString('en-US').padStart(12)} rows ${(t.ms / 1000).toFixed(2).padStart(7)} s${rate}\n`,
    );
  };
}

/**
 * Memory a run may use: the machine's (or the cgroup's, in a container), or
 * `GOLDSMITH_MEMORY_LIMIT` (bytes) when set.
 */
export function memoryLimit(): number {
  const set = Number(process.env.GOLDSMITH_MEMORY_LIMIT);
  if (Number.isFinite(set) && set > 0) return set;
  let limit = totalmem();
  try {
    const cgroup = Number(readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim());
    if (Number.isFinite(cgroup) && cgroup > 0) limit = Math.min(limit, cgroup);
  } catch {
    // not in a cgroup v2 container
  }
  return limit;
}

/** `goldsmith run`. */
export async function runCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, {
    input: { type: 'string' },
    warehouse: { type: 'string' },
    engine: { type: 'string', default: 'arrow' },
    threads: { type: 'string' },
    'time-zone': { type: 'string', default: 'UTC' },
    rules: { type: 'string' },
    'corrupt-threshold': { type: 'string' },
    'data-version': { type: 'string' },
    'source-system': { type: 'string' },
    'run-id': { type: 'string' },
    lookback: { type: 'string' },
    'full-refresh': { type: 'boolean' },
    'max-line-bytes': { type: 'string' },
    'max-file-bytes': { type: 'string' },
    json: { type: 'boolean' },
    ...LOG_FLAGS,
  });
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  if (!values.input || !values.warehouse) throw new UsageError('run needs --input DIR and --warehouse DIR');
  const timeZone = values['time-zone'];
  try {
    TimeZone.of(timeZone);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  let rules: string | undefined;
  if (values.rules) {
    rules = await readFile(values.rules, 'utf8').catch(() => {
      throw new UsageError(`--rules ${values.rules}: cannot read the file`);
    });
    try {
      parseRuleset(rules);
    } catch (error) {
      throw new UsageError(`--rules ${values.rules}: ${(error as Error).message}`);
    }
  }
  const threshold = numberFlag(
    values['corrupt-threshold'],
    'corrupt-threshold',
    (n) => n >= 0 && n <= 1,
    'a share between 0 and 1',
  );
  const dataVersion = numberFlag(
    values['data-version'],
    'data-version',
    (n) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
    'an integer',
  );
  const byteLimit = (name: 'max-line-bytes' | 'max-file-bytes') =>
    numberFlag(values[name], name, (n) => Number.isSafeInteger(n) && n > 0, 'a positive number of bytes');
  const maxLineBytes = byteLimit('max-line-bytes');
  const maxFileBytes = byteLimit('max-file-bytes');
  const logger = loggerFrom(values);
  const threads = numberFlag(
    values.threads,
    'threads',
    (n) => Number.isInteger(n) && n >= 1 && n <= 256,
    'a whole number of threads ≥ 1',
  );
  const engine = await createEngine(values.engine, threads !== undefined ? { threads } : {});
  try {
    const plan = createPlan({
      timeZone,
      ...(dataVersion !== undefined ? { dataVersion } : {}),
      ...(values['source-system'] !== undefined ? { sourceSystem: values['source-system'] } : {}),
      ...(rules !== undefined ? { rules } : {}),
      ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
      ...(maxFileBytes !== undefined ? { maxFileBytes } : {}),
    });
    const onStep = progressPrinter();
    const { report } = await runPipeline({
      inputs: await inputsAt(values.input),
      warehouse: warehouseAt(values.warehouse),
      memoryLimitBytes: memoryLimit(),
      engine,
      plan,
      logger,
      ...(threshold !== undefined ? { corruptThreshold: threshold } : {}),
      ...(values['run-id'] ? { runId: values['run-id'] } : {}),
      ...(values.lookback ? { lookback: values.lookback } : {}),
      ...(values['full-refresh'] ? { fullRefresh: true } : {}),
      ...(onStep ? { onStep } : {}),
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatSummary(report, values.warehouse));
    return 0;
  } finally {
    await engine.close();
  }
}
