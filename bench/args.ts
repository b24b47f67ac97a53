import { parseArgs } from 'node:util';

/** Engines the harness knows: goldsmith's `--engine` names plus the DuckDB SQL `baseline`. */
export const KNOWN_ENGINES = [
  'arrow',
  'workers',
  'duckdb',
  'duckdb-native',
  'duckdb-wasm',
  'baseline',
] as const;

/** Bronze file layout of a bench dataset. */
export type Layout = 'single' | 'hourly';

/** Options of `npm run bench`. */
export interface BenchOptions {
  /** Dataset sizes, in distinct events. */
  events: number[];
  /** Engines to run, in table order (`baseline` = the DuckDB SQL script). */
  engines: string[];
  /** Timed runs per engine and size. */
  runs: number;
  /** Untimed runs per engine and size before the timed ones. */
  warmup: number;
  /** Daily volume the sizing report is for. */
  dailyEvents: number;
  /** Folder for `<timestamp>.json`, `latest.json` and `latest.svg`. */
  out: string;
  /** `single`: one file per source; `hourly`: one file per arrival hour (users: per day, with versions). */
  layout: Layout;
  /** A run slower than this is killed and reported as failed. */
  timeoutSeconds: number;
  /** Before each timed run, wait up to this many seconds for the machine to be idle (0: never wait). */
  waitIdleSeconds: number;
  /** A timed run during which other processes used more than this share of the CPU is repeated. */
  maxNoise: number;
  /** Repeats of a noisy run at most. */
  retries: number;
  /** Keep the last run's warehouse of every engine (under the OS temp folder). */
  keep: boolean;
  /** Recompute the sizing report from a saved results JSON instead of running anything. */
  from?: string;
}

export const BENCH_HELP = `Usage: npm run bench -- [options]

Runs every engine over seeded bronze datasets, each run as its own process, and prints a table,
a sizing report and writes bench/results/<timestamp>.json, latest.json and latest.svg.

Options:
  --events 1e6,5e6,1e7      dataset sizes in events (default 1e6,5e6,1e7); cached in bench/data/<events>/
  --engines LIST            default ${KNOWN_ENGINES.filter((e) => e !== 'duckdb').join(',')}
                            (baseline = the same job as one DuckDB SQL script)
  --runs N                  timed runs per engine and size (default 3)
  --warmup N                untimed runs first (default 1)
  --daily-events N          daily volume for the sizing report (default 5e7)
  --layout single|hourly    one file per source (default) or the seed's hourly files
  --timeout S               kill a run after S seconds (default 1800)
  --wait-idle S             before each timed run, wait up to S seconds for other processes
                            to leave the CPU idle (default 60; 0 = never wait)
  --max-noise X             repeat a timed run when other processes took more than this share
                            of the machine's CPU during it (default 0.1)
  --retries N               repeats of a noisy run at most (default 2; the quietest is kept)
  --out DIR                 results folder (default bench/results)
  --keep                    keep each engine's last warehouse (path printed)
  --from FILE               no runs: reprint the table of a saved results JSON and size it
                            for --daily-events (e.g. --from bench/results/latest.json)
  -h, --help                this help`;

/** Reads `1e6`, `5_000_000`, `2.5M`, `500k` as a whole number. */
export function parseCount(text: string, flag: string): number {
  const match = /^\s*([0-9][0-9_]*(?:\.[0-9]+)?(?:e[0-9]+)?)\s*([kKmMbB]?)\s*$/.exec(text);
  const scale = { '': 1, k: 1e3, m: 1e6, b: 1e9 } as const;
  const value =
    match === null
      ? Number.NaN
      : Number((match[1] ?? '').replaceAll('_', '')) *
        scale[(match[2] ?? '').toLowerCase() as keyof typeof scale];
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`--${flag} ${text}: expected a whole number like 1e6, 5000000 or 2.5M`);
  }
  return value;
}

/** Reads a share between 0 and 1. */
export function parseShare(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new RangeError(`--${flag} ${text}: expected a share between 0 and 1`);
  return value;
}

/** Parses the command line of `bench/run.ts`; returns `undefined` after printing help. */
export function parseBenchArgs(argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string', default: '1e6,5e6,1e7' },
      engines: { type: 'string', default: KNOWN_ENGINES.filter((e) => e !== 'duckdb').join(',') },
      runs: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '1' },
      'daily-events': { type: 'string', default: '5e7' },
      layout: { type: 'string', default: 'single' },
      timeout: { type: 'string', default: '1800' },
      'wait-idle': { type: 'string', default: '60' },
      'max-noise': { type: 'string', default: '0.1' },
      retries: { type: 'string', default: '2' },
      out: { type: 'string', default: 'bench/results' },
      keep: { type: 'boolean', default: false },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(BENCH_HELP);
    return undefined;
  }
  const list = (text: string) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const events = [...new Set(list(values.events).map((s) => parseCount(s, 'events')))].sort((a, b) => a - b);
  if (events.some((n) => n < 100))
    throw new RangeError('--events: at least 100 events (users = events / 100)');
  const engines = [...new Set(list(values.engines))];
  if (engines.length === 0) throw new RangeError('--engines: name at least one engine');
  const runs = parseCount(values.runs, 'runs');
  const warmup = values.warmup.trim() === '0' ? 0 : parseCount(values.warmup, 'warmup');
  const layout = values.layout;
  if (layout !== 'single' && layout !== 'hourly')
    throw new RangeError(`--layout ${layout}: single or hourly`);
  return {
    events,
    engines,
    runs,
    warmup,
    dailyEvents: parseCount(values['daily-events'], 'daily-events'),
    out: values.out,
    layout,
    timeoutSeconds: parseCount(values.timeout, 'timeout'),
    waitIdleSeconds: values['wait-idle'].trim() === '0' ? 0 : parseCount(values['wait-idle'], 'wait-idle'),
    maxNoise: parseShare(values['max-noise'], 'max-noise'),
    retries: values.retries.trim() === '0' ? 0 : parseCount(values.retries, 'retries'),
    keep: values.keep,
    ...(values.from !== undefined ? { from: values.from } : {}),
  };
}
