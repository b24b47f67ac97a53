/**
 * The results model of one bench run (what `bench/results/<timestamp>.json` holds) and the human
 * table printed on stdout.
 */
import type { GoldComparison } from './compare-gold.js';

/** One timed run of one engine on one dataset. */
export interface RunSample {
  wall_s: number;
  user_s?: number;
  sys_s?: number;
  cpu_s?: number;
  peak_rss_bytes?: number;
  /** Seconds waited for an idle machine before the run, and whether it was idle at the start. */
  waited_s?: number;
  idle_at_start?: boolean;
  /** Attempts this sample took (noisy attempts are repeated), and whether the kept one is still noisy. */
  attempts?: number;
  noisy?: boolean;
  /** CPU seconds other processes used during the run (machine busy time − the child's CPU time). */
  other_cpu_s?: number;
  /** Per-step timings the child reported (goldsmith's `timings`, or the baseline's). */
  timings?: ChildTiming[];
}

/** Median, minimum and maximum of a series. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** A step timing as reported by the child (goldsmith's `StepTiming`, or the baseline's). */
export interface ChildTiming {
  step: string;
  ms: number;
  rows?: number;
  bytes?: number;
}

/** One row of the table: an engine on a dataset size. */
export interface ResultRow {
  engine: string;
  events: number;
  event_lines: number;
  input_bytes: number;
  status: 'ok' | 'unavailable' | 'failed';
  reason?: string;
  runs: RunSample[];
  wall_s?: Spread;
  cpu_s?: Spread;
  /** Highest peak RSS over the timed runs. */
  peak_rss_bytes?: number;
  events_per_s?: number;
  mb_per_s?: number;
  /** Median wall time ÷ the baseline's at the same size. */
  ratio_to_baseline?: number;
  /** This engine's gold against the reference (arrow) gold; absent for arrow itself. */
  gold_check?: GoldComparison;
  /** Per-step timings of the median run (by wall time), from the child's JSON report. */
  timings?: ChildTiming[];
}

/** Median, min and max; `undefined` for an empty series. */
export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number };
}

/** Fills the derived columns of a row from its runs. */
export function summarizeRow(row: ResultRow): ResultRow {
  const wall = spread(row.runs.map((r) => r.wall_s));
  const cpu = spread(row.runs.flatMap((r) => (r.cpu_s !== undefined ? [r.cpu_s] : [])));
  const rss = row.runs.flatMap((r) => (r.peak_rss_bytes !== undefined ? [r.peak_rss_bytes] : []));
  const out: ResultRow = { ...row };
  if (wall !== undefined) {
    out.wall_s = wall;
    out.events_per_s = row.event_lines / wall.median;
    out.mb_per_s = row.input_bytes / 1e6 / wall.median;
  }
  if (cpu !== undefined) out.cpu_s = cpu;
  if (rss.length > 0) out.peak_rss_bytes = Math.max(...rss);
  const byWall = [...row.runs].sort((a, b) => a.wall_s - b.wall_s);
  const median = byWall[Math.floor((byWall.length - 1) / 2)];
  if (median?.timings !== undefined) out.timings = median.timings;
  return out;
}

/** Sets `ratio_to_baseline` on every row with a baseline row of the same size. */
export function addBaselineRatios(rows: ResultRow[]): void {
  for (const row of rows) {
    const base = rows.find(
      (r) => r.engine === 'baseline' && r.events === row.events && r.wall_s !== undefined,
    );
    if (base?.wall_s !== undefined && row.wall_s !== undefined)
      row.ratio_to_baseline = row.wall_s.median / base.wall_s.median;
  }
}

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '' : value.toFixed(digits);
}

function grouped(value: number | undefined): string {
  return value === undefined ? '' : Math.round(value).toLocaleString('en-US');
}

/**
 * Share of the machine's CPU capacity (wall × cores) that other processes used during the timed
 * runs of `rows`; above ~10% the wall times are noisy (CPU times much less so).
 */
export function otherLoadShare(rows: readonly ResultRow[], cores: number): number | undefined {
  let other = 0;
  let capacity = 0;
  for (const run of rows.flatMap((r) => r.runs)) {
    if (run.other_cpu_s === undefined) continue;
    other += Math.max(0, run.other_cpu_s);
    capacity += run.wall_s * cores;
  }
  return capacity > 0 ? other / capacity : undefined;
}

/** Renders rows as an aligned text table. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = [
    'engine',
    'events',
    'wall s (median [min–max])',
    'CPU s',
    'peak RSS MiB',
    'events/s',
    'MB/s',
    '× baseline',
    'gold = arrow',
  ];
  const body = rows.map((r) => {
    if (r.status !== 'ok') {
      return [r.engine, grouped(r.events), `${r.status}: ${r.reason ?? ''}`, '', '', '', '', '', ''];
    }
    const wall = r.wall_s;
    return [
      r.engine,
      grouped(r.events),
      wall ? `${wall.median.toFixed(2)} [${wall.min.toFixed(2)}–${wall.max.toFixed(2)}]` : '',
      fixed(r.cpu_s?.median, 2),
      r.peak_rss_bytes === undefined ? '' : (r.peak_rss_bytes / 2 ** 20).toFixed(0),
      grouped(r.events_per_s),
      fixed(r.mb_per_s, 1),
      fixed(r.ratio_to_baseline, 2),
      r.gold_check === undefined ? (r.engine === 'arrow' ? '(ref)' : '') : r.gold_check.match ? 'yes' : 'NO',
    ];
  });
  const all = [header, ...body];
  // a status message spans the numeric columns: do not let it widen them
  const widths = header.map((_, i) =>
    Math.max(
      ...all
        .filter((_row, k) => k === 0 || i !== 2 || rows[k - 1]?.status === 'ok')
        .map((row) => (row[i] ?? '').length),
    ),
  );
  const numeric = new Set([1, 3, 4, 5, 6, 7]);
  return all
    .map((row, k) => {
      if (k > 0 && rows[k - 1]?.status !== 'ok') {
        return `${(row[0] ?? '').padEnd(widths[0] ?? 0)}  ${(row[1] ?? '').padStart(widths[1] ?? 0)}  ${row[2]}`;
      }
      return row
        .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
    })
    .join('\n');
}
