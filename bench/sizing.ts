/**
 * The sizing report: from what the bench measured (events/s, peak RSS per event, bytes per
 * event), how big a Lambda the daily job needs, how long it runs, whether it fits 15 minutes and
 * 10 GB, what a month of it costs, and how that compares with the seed's Glue job. Pure functions
 * over plain numbers, so `test/bench/sizing.test.ts` can check them by hand.
 *
 * The model (also in `bench/README.md`):
 * - **Memory** is linear in events: `peak RSS = base + perEvent × events`, fitted by least squares
 *   over the measured sizes plus a tiny probe run (the fixed cost of Node + modules). The Lambda
 *   needs that times a headroom factor (default 1.25; Lambda counts the whole runtime).
 * - **CPU** follows memory: `vCPU(m) = min(6, m / 1769)` (1,769 MB is one vCPU of CPU time;
 *   10,240 MB gives 5.79 by that ratio, which AWS rounds to "6 vCPUs"). One Lambda vCPU is taken
 *   to be as fast as one core of the bench machine (`cpuSpeedFactor`, default 1).
 * - **Throughput** is the measured events/s, scaled by the vCPUs the engine can use relative to
 *   the cores it used here: `E × min(vCPU, P) / min(cores, P)`, where `P` is the engine's
 *   parallelism. For an engine that computes on one thread, `P` is the cores' worth of CPU it
 *   kept busy here ({@link busyCores}: CPU ÷ wall, about 1.4 for `arrow`, whose GC helpers and
 *   second Parquet lane use part of the other core), so a 1-vCPU Lambda is predicted to take its
 *   CPU time, not its wall time. Parallel engines scale with vCPUs (`P = ∞`); beyond the measured
 *   core count this is linear extrapolation, i.e. optimistic; plans that rely on it are flagged.
 * - **Memory setting** is the smallest multiple of 64 MB that holds the predicted peak with
 *   headroom and gives the engine the vCPUs it used on the bench machine; for a parallel engine
 *   that would overrun the time budget (default 80% of 15 min), more vCPUs (memory) are added.
 * - **Does not fit** (peak over 10,240 MB or time over 15 min): the day is split into `k` equal
 *   partitions of whole sessions (a Step Functions Distributed Map, one Lambda each), `k` the
 *   smallest count whose partition fits both limits at 10,240 MB.
 */
import {
  GLUE_PRICES,
  LAMBDA_LIMITS,
  LAMBDA_PRICES,
  PRICE_REGION,
  PRICES_AS_OF,
  RUNS_PER_MONTH,
} from './pricing.js';

const MIB = 1024 * 1024;

/** Peak RSS as a linear function of input event lines. */
export interface MemoryModel {
  /** Fixed part, bytes (runtime, modules, buffers). */
  readonly baseBytes: number;
  /** Bytes per input event line. */
  readonly bytesPerEvent: number;
}

/** A measured point of peak RSS. */
export interface MemoryPoint {
  readonly events: number;
  readonly peakRssBytes: number;
}

/** What the bench measured for one engine, as the sizing model needs it. */
export interface EngineProfile {
  readonly engine: string;
  /** Input event lines per second of wall time, at {@link measuredAtEvents}. */
  readonly eventsPerSecond: number;
  readonly measuredAtEvents: number;
  /** Cores of the bench machine. */
  readonly measuredCores: number;
  /**
   * Cores' worth of CPU the engine keeps busy: {@link busyCores} of its runs for an engine that
   * computes on one thread (≥ 1), `Infinity` when it scales with cores.
   */
  readonly parallelism: number;
  readonly memory: MemoryModel;
  /** Bronze input bytes (all sources) per event line. */
  readonly inputBytesPerEvent: number;
}

/** Knobs of the model, with the defaults in {@link DEFAULT_ASSUMPTIONS}. */
export interface SizingAssumptions {
  /** Memory to configure per byte of predicted peak RSS. */
  readonly headroom: number;
  /** Share of the 15-minute limit a plan may use (margin for cold start, S3 latency, skew). */
  readonly timeBudgetShare: number;
  /** Memory settings are rounded up to a multiple of this (MB). */
  readonly memoryStepMb: number;
  /** Speed of one Lambda vCPU relative to one core of the bench machine. */
  readonly cpuSpeedFactor: number;
  readonly runsPerMonth: number;
}

/** Default assumptions of the report. */
export const DEFAULT_ASSUMPTIONS: SizingAssumptions = {
  headroom: 1.25,
  timeBudgetShare: 0.8,
  memoryStepMb: 64,
  cpuSpeedFactor: 1,
  runsPerMonth: RUNS_PER_MONTH,
};

/** One Lambda configuration for a given number of events. */
export interface LambdaPlan {
  readonly events: number;
  readonly predictedPeakRssBytes: number;
  /** Memory needed for the predicted peak with headroom, MB (may exceed the limit). */
  readonly requiredMemoryMb: number;
  /** Memory setting to choose, MB (capped at the limit). */
  readonly memoryMb: number;
  readonly vcpus: number;
  readonly durationSeconds: number;
  readonly fitsMemory: boolean;
  readonly fitsTime: boolean;
  /** True when the plan counts on more parallel vCPUs than the engine used on the bench machine. */
  readonly extrapolatesParallelism: boolean;
  readonly costPerRunUsd: number;
}

/** The Glue comparison for one engine's Lambda cost. */
export interface GlueComparison {
  readonly dpus: number;
  /** Cheapest possible Glue run: the 1-minute minimum at the default DPUs. */
  readonly minimumCostPerRunUsd: number;
  readonly minimumMonthlyUsd: number;
  /** The seed's reported usage (DPU-hours a month) at list price. */
  readonly seedMonthlyUsd: number;
  readonly seedQuotedMonthlyUsd: number;
  /** Glue run time (s, at the default DPUs) at which Glue would cost what the Lambda plan costs. */
  readonly breakEvenSeconds: number;
  /** Whether Glue can be as cheap at all (break-even at or above its 1-minute minimum). */
  readonly canBeCheaper: boolean;
}

/** The sizing of one engine for the daily volume. */
export interface EngineSizing {
  readonly engine: string;
  readonly dailyEvents: number;
  readonly dailyInputBytes: number;
  /** One Lambda for the whole day. */
  readonly single: LambdaPlan;
  readonly fitsOneLambda: boolean;
  /** Most events a day one Lambda can take, and the limit that binds first. */
  readonly maxEventsPerLambda: number;
  readonly limitedBy: 'memory' | 'time';
  /** Lambdas needed (1 when it fits; `Infinity` when even one event per partition would not fit). */
  readonly partitions: number;
  /** The plan of each partition when `partitions > 1`. */
  readonly partitionPlan?: LambdaPlan;
  readonly costPerRunUsd: number;
  readonly monthlyUsd: number;
  readonly glue: GlueComparison;
}

/** The whole report, as printed and written to the results JSON. */
export interface SizingReport {
  readonly dailyEvents: number;
  readonly pricesAsOf: string;
  readonly region: string;
  readonly prices: { lambda: typeof LAMBDA_PRICES; limits: typeof LAMBDA_LIMITS; glue: typeof GLUE_PRICES };
  readonly assumptions: SizingAssumptions;
  readonly engines: EngineSizing[];
  /** Engine with the cheapest plan that fits one Lambda, if any. */
  readonly cheapestFitting?: string;
}

/**
 * Cores' worth of CPU a run kept busy: CPU seconds (all threads) ÷ wall seconds, from 1 to the
 * machine's cores; 1 when the CPU time was not measured.
 *
 * @example busyCores(7.7, 5.5, 2) // 1.4
 */
export function busyCores(cpuSeconds: number | undefined, wallSeconds: number, cores: number): number {
  if (cpuSeconds === undefined || !(wallSeconds > 0)) return 1;
  return Math.min(cores, Math.max(1, cpuSeconds / wallSeconds));
}

/** vCPUs of CPU time a Lambda gets at a memory setting: `min(6, memory / 1769)`. */
export function lambdaVcpus(memoryMb: number): number {
  return Math.min(LAMBDA_LIMITS.maxVcpus, memoryMb / LAMBDA_LIMITS.mbPerVcpu);
}

/**
 * Fits `peak RSS = base + perEvent × events` by least squares. One point gives a line through the
 * origin's base of 0; a negative slope or base (noise) is clamped to 0.
 */
export function fitMemoryModel(points: readonly MemoryPoint[]): MemoryModel {
  if (points.length === 0) throw new RangeError('fitMemoryModel needs at least one point');
  if (points.length === 1) {
    const [p] = points as [MemoryPoint];
    return { baseBytes: 0, bytesPerEvent: p.events > 0 ? p.peakRssBytes / p.events : 0 };
  }
  const n = points.length;
  const meanX = points.reduce((s, p) => s + p.events, 0) / n;
  const meanY = points.reduce((s, p) => s + p.peakRssBytes, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.events - meanX) ** 2;
    sxy += (p.events - meanX) * (p.peakRssBytes - meanY);
  }
  const slope = sxx === 0 ? 0 : Math.max(0, sxy / sxx);
  const base = Math.max(0, meanY - slope * meanX);
  return { baseBytes: base, bytesPerEvent: slope };
}

/** Predicted peak RSS for a number of events. */
export function predictPeakRss(model: MemoryModel, events: number): number {
  return model.baseBytes + model.bytesPerEvent * events;
}

/** Events per second on a Lambda with this memory setting (see the module's model). */
export function lambdaThroughput(
  profile: EngineProfile,
  memoryMb: number,
  assumptions: SizingAssumptions = DEFAULT_ASSUMPTIONS,
): number {
  const usedHere = Math.min(profile.measuredCores, profile.parallelism);
  const usable = Math.min(lambdaVcpus(memoryMb), profile.parallelism);
  return (profile.eventsPerSecond * assumptions.cpuSpeedFactor * usable) / usedHere;
}

/** Rounds a memory need up to the step, within Lambda's range. */
export function roundMemoryMb(memoryMb: number, stepMb: number = DEFAULT_ASSUMPTIONS.memoryStepMb): number {
  const rounded = Math.ceil(memoryMb / stepMb - 1e-9) * stepMb;
  return Math.min(LAMBDA_LIMITS.maxMemoryMb, Math.max(LAMBDA_LIMITS.minMemoryMb, rounded));
}

/** Lambda cost of one invocation: GB-seconds (memory MB / 1024 × s) plus the request. */
export function lambdaCostUsd(memoryMb: number, durationSeconds: number): number {
  return (memoryMb / 1024) * durationSeconds * LAMBDA_PRICES.perGbSecond + LAMBDA_PRICES.perRequest;
}

/** Glue Spark job cost of one run: DPUs × hours (per second, 1-minute minimum) × price. */
export function glueCostUsd(durationSeconds: number, dpus: number = GLUE_PRICES.defaultDpus): number {
  const billed = Math.max(GLUE_PRICES.minimumBilledSeconds, durationSeconds);
  return (dpus * GLUE_PRICES.perDpuHour * billed) / 3600;
}

/** The Lambda configuration to choose for `events` events (see the module's model). */
export function planLambda(
  profile: EngineProfile,
  events: number,
  assumptions: SizingAssumptions = DEFAULT_ASSUMPTIONS,
): LambdaPlan {
  const predictedPeakRssBytes = predictPeakRss(profile.memory, events);
  const requiredMemoryMb = (predictedPeakRssBytes * assumptions.headroom) / MIB;
  const usedHere = Math.min(profile.measuredCores, profile.parallelism);
  const budget = LAMBDA_LIMITS.timeoutSeconds * assumptions.timeBudgetShare;
  let want = Math.max(requiredMemoryMb, usedHere * LAMBDA_LIMITS.mbPerVcpu);
  if (profile.parallelism > usedHere && events / lambdaThroughput(profile, want, assumptions) > budget) {
    // a parallel engine over budget: buy the vCPUs that bring it within budget
    const vcpusNeeded = (events * usedHere) / (profile.eventsPerSecond * assumptions.cpuSpeedFactor * budget);
    want = Math.max(want, vcpusNeeded * LAMBDA_LIMITS.mbPerVcpu);
  }
  const memoryMb = roundMemoryMb(want, assumptions.memoryStepMb);
  const durationSeconds = events / lambdaThroughput(profile, memoryMb, assumptions);
  return {
    events,
    predictedPeakRssBytes,
    requiredMemoryMb,
    memoryMb,
    vcpus: lambdaVcpus(memoryMb),
    durationSeconds,
    fitsMemory: requiredMemoryMb <= LAMBDA_LIMITS.maxMemoryMb,
    fitsTime: durationSeconds <= LAMBDA_LIMITS.timeoutSeconds,
    extrapolatesParallelism: Math.min(lambdaVcpus(memoryMb), profile.parallelism) > usedHere + 1e-9,
    costPerRunUsd: lambdaCostUsd(memoryMb, durationSeconds),
  };
}

/**
 * Most events one Lambda can take at the largest memory setting, and which limit binds: memory
 * (peak × headroom ≤ 10,240 MB) or time (within the time budget).
 */
export function lambdaCapacity(
  profile: EngineProfile,
  assumptions: SizingAssumptions = DEFAULT_ASSUMPTIONS,
): { events: number; limitedBy: 'memory' | 'time' } {
  const { bytesPerEvent, baseBytes } = profile.memory;
  const memoryCap =
    bytesPerEvent > 0
      ? ((LAMBDA_LIMITS.maxMemoryMb * MIB) / assumptions.headroom - baseBytes) / bytesPerEvent
      : Number.POSITIVE_INFINITY;
  const timeCap =
    lambdaThroughput(profile, LAMBDA_LIMITS.maxMemoryMb, assumptions) *
    LAMBDA_LIMITS.timeoutSeconds *
    assumptions.timeBudgetShare;
  return {
    events: Math.max(0, Math.floor(Math.min(memoryCap, timeCap))),
    limitedBy: memoryCap <= timeCap ? 'memory' : 'time',
  };
}

/** {@link lambdaCapacity}'s event count: the most events one Lambda can take. */
export function eventsPerLambda(
  profile: EngineProfile,
  assumptions: SizingAssumptions = DEFAULT_ASSUMPTIONS,
): number {
  return lambdaCapacity(profile, assumptions).events;
}

/** Compares a Lambda cost per run with the seed's Glue job. */
export function compareGlue(lambdaCostPerRunUsd: number, runsPerMonth: number): GlueComparison {
  const dpus = GLUE_PRICES.defaultDpus;
  const perSecond = (dpus * GLUE_PRICES.perDpuHour) / 3600;
  const minimumCostPerRunUsd = glueCostUsd(0, dpus);
  const breakEvenSeconds = lambdaCostPerRunUsd / perSecond;
  return {
    dpus,
    minimumCostPerRunUsd,
    minimumMonthlyUsd: minimumCostPerRunUsd * runsPerMonth,
    seedMonthlyUsd: GLUE_PRICES.seedDpuHoursPerMonth * GLUE_PRICES.perDpuHour,
    seedQuotedMonthlyUsd: GLUE_PRICES.seedQuotedMonthlyUsd,
    breakEvenSeconds,
    canBeCheaper: breakEvenSeconds >= GLUE_PRICES.minimumBilledSeconds,
  };
}

/** Sizes one engine for a daily volume: one Lambda if it fits, else a partitioned fan-out. */
export function sizeEngine(
  profile: EngineProfile,
  dailyEvents: number,
  assumptions: SizingAssumptions = DEFAULT_ASSUMPTIONS,
): EngineSizing {
  const single = planLambda(profile, dailyEvents, assumptions);
  const fitsOneLambda = single.fitsMemory && single.fitsTime;
  const capacity = lambdaCapacity(profile, assumptions);
  let partitions = 1;
  let partitionPlan: LambdaPlan | undefined;
  let costPerRunUsd = single.costPerRunUsd;
  if (!fitsOneLambda) {
    const cap = capacity.events;
    partitions = cap >= 1 ? Math.ceil(dailyEvents / cap) : Number.POSITIVE_INFINITY;
    if (Number.isFinite(partitions)) {
      partitionPlan = planLambda(profile, Math.ceil(dailyEvents / partitions), assumptions);
      costPerRunUsd = partitions * partitionPlan.costPerRunUsd;
    } else {
      costPerRunUsd = Number.POSITIVE_INFINITY;
    }
  }
  return {
    engine: profile.engine,
    dailyEvents,
    dailyInputBytes: dailyEvents * profile.inputBytesPerEvent,
    single,
    fitsOneLambda,
    maxEventsPerLambda: capacity.events,
    limitedBy: capacity.limitedBy,
    partitions,
    ...(partitionPlan !== undefined ? { partitionPlan } : {}),
    costPerRunUsd,
    monthlyUsd: costPerRunUsd * assumptions.runsPerMonth,
    glue: compareGlue(costPerRunUsd, assumptions.runsPerMonth),
  };
}

/** Sizes every measured engine and picks the cheapest that fits one Lambda. */
export function sizingReport(
  profiles: readonly EngineProfile[],
  dailyEvents: number,
  assumptions: SizingAssumptions = DEFAULT_ASSUMPTIONS,
): SizingReport {
  const engines = profiles.map((p) => sizeEngine(p, dailyEvents, assumptions));
  const fitting = engines.filter((e) => e.fitsOneLambda).sort((a, b) => a.costPerRunUsd - b.costPerRunUsd);
  const cheapest = fitting[0]?.engine;
  return {
    dailyEvents,
    pricesAsOf: PRICES_AS_OF,
    region: PRICE_REGION,
    prices: { lambda: LAMBDA_PRICES, limits: LAMBDA_LIMITS, glue: GLUE_PRICES },
    assumptions,
    engines,
    ...(cheapest !== undefined ? { cheapestFitting: cheapest } : {}),
  };
}

function usd(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '$0';
  if (value < 0.01) return `$${value.toPrecision(2)}`;
  return `$${value.toFixed(2)}`;
}

function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function compactCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(0)}k`;
  return String(value);
}

function seconds(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value >= 120 ? `${(value / 60).toFixed(1)} min` : `${value.toFixed(1)} s`;
}

function pad(cells: string[][]): string[] {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length))) ?? [];
  return cells.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** The report as text, printed after the bench table. */
export function formatSizing(report: SizingReport, profiles: readonly EngineProfile[]): string {
  const lines: string[] = [];
  const first = report.engines[0];
  const gb = first !== undefined ? first.dailyInputBytes / 1e9 : 0;
  lines.push(
    `Sizing for ${count(report.dailyEvents)} events a day (≈ ${gb.toFixed(1)} GB of bronze input), ` +
      `${report.region} list prices as of ${report.pricesAsOf}, ${report.assumptions.runsPerMonth} runs a month`,
  );
  const header = [
    'engine',
    'events/s here',
    'peak RSS model',
    'Lambda MB',
    'vCPU',
    'duration',
    'fits 15 min / 10 GB',
    'one Lambda holds',
    'Lambdas',
    '$/run',
    '$/month',
  ];
  const rows = report.engines.map((e) => {
    const profile = profiles.find((p) => p.engine === e.engine);
    const plan = e.partitionPlan ?? e.single;
    const model = profile
      ? `${(profile.memory.baseBytes / MIB).toFixed(0)} MiB + ${profile.memory.bytesPerEvent.toFixed(0)} B/event`
      : '';
    const budget = LAMBDA_LIMITS.timeoutSeconds * report.assumptions.timeBudgetShare;
    const fits = e.fitsOneLambda
      ? e.single.durationSeconds > budget
        ? `yes, tight (> ${Math.round(report.assumptions.timeBudgetShare * 100)}% of 15 min)`
        : 'yes'
      : `no (${[
          e.single.fitsMemory ? '' : `needs ${count(e.single.requiredMemoryMb)} MB`,
          e.single.fitsTime ? '' : `${seconds(e.single.durationSeconds)}`,
        ]
          .filter(Boolean)
          .join(', ')})`;
    return [
      e.engine,
      profile ? count(profile.eventsPerSecond) : '',
      model,
      count(plan.memoryMb),
      `${plan.vcpus.toFixed(2)}${plan.extrapolatesParallelism ? '*' : ''}`,
      seconds(plan.durationSeconds),
      fits,
      `${compactCount(e.maxEventsPerLambda)} (${e.limitedBy})`,
      Number.isFinite(e.partitions) ? String(e.partitions) : '—',
      usd(e.costPerRunUsd),
      usd(e.monthlyUsd),
    ];
  });
  lines.push(...pad([header, ...rows]).map((l) => `  ${l}`));
  if (report.engines.some((e) => (e.partitionPlan ?? e.single).extrapolatesParallelism)) {
    lines.push('  * more vCPUs than the bench machine has: linear scaling assumed (optimistic)');
  }
  for (const e of report.engines) {
    if (e.fitsOneLambda) continue;
    if (!Number.isFinite(e.partitions)) {
      lines.push(`  ${e.engine}: does not fit a Lambda even for one event (fixed memory over the limit).`);
      continue;
    }
    lines.push(
      `  ${e.engine}: one Lambda is not enough — split the day into ${e.partitions} partitions of ~${count(
        e.dailyEvents / e.partitions,
      )} events (whole sessions: by hash of session_id, or by session_date when backfilling), ` +
        `a Step Functions Distributed Map with one Lambda each (users broadcast to every partition).`,
    );
  }
  const glue = first?.glue;
  if (glue !== undefined) {
    lines.push(
      `Glue alternative (the seed's): ${glue.dpus} DPU × $${GLUE_PRICES.perDpuHour}/DPU-hour, per second, 1-minute minimum → ` +
        `at least ${usd(glue.minimumCostPerRunUsd)} a run, ${usd(glue.minimumMonthlyUsd)} a month; ` +
        `the seed's ~${GLUE_PRICES.seedDpuHoursPerMonth} DPU-hours a month is ${usd(glue.seedMonthlyUsd)} at list price ` +
        `(the seed quotes ~$${glue.seedQuotedMonthlyUsd}).`,
    );
    for (const e of report.engines) {
      if (!Number.isFinite(e.costPerRunUsd)) continue;
      lines.push(
        `  vs ${e.engine}: Glue would have to finish each run in ${e.glue.breakEvenSeconds.toFixed(1)} s to cost the same` +
          (e.glue.canBeCheaper ? '.' : ' — below its 1-minute minimum, so Glue cannot be cheaper.'),
      );
    }
  }
  if (report.cheapestFitting !== undefined) {
    const best = report.engines.find((e) => e.engine === report.cheapestFitting);
    if (best !== undefined) {
      lines.push(
        `Choose: ${best.engine} on one Lambda with ${count(best.single.memoryMb)} MB, ~${seconds(best.single.durationSeconds)} a run, ` +
          `${usd(best.monthlyUsd)} a month (vs Glue ≥ ${usd(best.glue.minimumMonthlyUsd)}).`,
      );
    }
  } else {
    const best = report.engines
      .filter((e) => e.partitionPlan !== undefined && Number.isFinite(e.costPerRunUsd))
      .sort((a, b) => a.costPerRunUsd - b.costPerRunUsd)[0];
    if (best?.partitionPlan !== undefined) {
      lines.push(
        `No measured engine fits one Lambda at this volume. Cheapest: ${best.engine} as ${best.partitions} Lambdas of ` +
          `${count(best.partitionPlan.memoryMb)} MB, ~${seconds(best.partitionPlan.durationSeconds)} each, ` +
          `${usd(best.monthlyUsd)} a month (vs Glue ≥ ${usd(best.glue.minimumMonthlyUsd)}).`,
      );
    }
  }
  return lines.join('\n');
}
