/**
 * `npm run bench`: every engine × dataset size, each run as its own process over the whole job
 * (bronze files in → silver + gold + quarantine + report out), a warm-up, several timed runs;
 * a DuckDB SQL baseline row checked against our gold; a table on stdout, a sizing report,
 * `bench/results/<timestamp>.json`, `latest.json` and `latest.svg`. See `bench/README.md`.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { type BenchOptions, parseBenchArgs } from './args.js';
import { type BaselineLauncher, type DistStatus, ensureDist, prepareBaseline } from './build.js';
import { renderChart } from './chart.js';
import { compareGold } from './compare-gold.js';
import { type Dataset, ensureDataset } from './datasets.js';
import {
  MEASURE_METHODS,
  type MeasureMethod,
  measureNode,
  type ProcessMeasurement,
  pickMeasureMethod,
  waitForIdle,
} from './measure.js';
import {
  addBaselineRatios,
  type ChildTiming,
  formatTable,
  otherLoadShare,
  type ResultRow,
  type RunSample,
  summarizeRow,
} from './results.js';
import {
  busyCores,
  type EngineProfile,
  fitMemoryModel,
  formatSizing,
  type SizingReport,
  sizingReport,
} from './sizing.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, 'bench', 'data');
/** Events of the probe dataset: availability check and the fixed part of each engine's memory. */
const PROBE_EVENTS = 2_000;
/** Engines that keep one core busy at most (the rest scale with cores). */
const SINGLE_THREADED = new Set(['arrow']);
const GOLD_DIR = join('gold', 'user_session_analysis');

const log = (line: string) => process.stderr.write(`${line}\n`);

interface Harness {
  options: BenchOptions;
  method: MeasureMethod;
  dist?: DistStatus;
  baseline?: BaselineLauncher;
}

/** A measured child that failed: is the engine missing (unavailable) or broken (failed)? */
function classifyFailure(m: ProcessMeasurement, engine: string, timeoutSeconds: number) {
  if (m.timedOut) return { status: 'failed' as const, reason: `timed out after ${timeoutSeconds} s` };
  const lines = m.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const text = (line: string): string => {
    try {
      const parsed = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      return parsed.err?.message ?? parsed.msg ?? line;
    } catch {
      return line;
    }
  };
  const messages = lines.map(text);
  if (m.exitCode === 2 && messages.some((l) => /unknown engine/i.test(l)))
    return { status: 'unavailable' as const, reason: `the CLI rejects --engine ${engine}` };
  const missing = messages.find((l) =>
    /ERR_MODULE_NOT_FOUND|Cannot find (module|package)|not (yet )?implemented|Unsupported|is not a function/i.test(
      l,
    ),
  );
  if (missing !== undefined) return { status: 'unavailable' as const, reason: missing.slice(0, 160) };
  const last =
    messages.filter((l) => !/^at |^\(see /.test(l)).at(-1) ?? `exit code ${m.exitCode ?? m.signal}`;
  return { status: 'failed' as const, reason: `exit ${m.exitCode ?? m.signal}: ${last.slice(0, 160)}` };
}

function nodeArgs(h: Harness, engine: string, input: string, warehouse: string): string[] {
  if (engine === 'baseline') {
    if (h.baseline === undefined) throw new Error('baseline launcher not prepared');
    return [...h.baseline.args, '--input', input, '--warehouse', warehouse, '--time-zone', 'UTC'];
  }
  if (h.dist === undefined) throw new Error('dist not prepared');
  return [h.dist.cli, 'run', '--input', input, '--warehouse', warehouse, '--engine', engine, '--json'];
}

interface Outcome {
  measurement: ProcessMeasurement;
  warehouse: string;
  ok: boolean;
  timings?: ChildTiming[];
  status?: 'unavailable' | 'failed';
  reason?: string;
}

/** Runs one engine once over a dataset into a fresh warehouse folder. */
async function runOnce(h: Harness, engine: string, dataset: Dataset): Promise<Outcome> {
  const warehouse = await mkdtemp(join(tmpdir(), `goldsmith-bench-${engine}-`));
  const measurement = await measureNode(nodeArgs(h, engine, dataset.dir, warehouse), {
    method: h.method,
    cwd: ROOT,
    timeoutMs: h.options.timeoutSeconds * 1000,
  });
  if (measurement.exitCode !== 0) {
    return {
      measurement,
      warehouse,
      ok: false,
      ...classifyFailure(measurement, engine, h.options.timeoutSeconds),
    };
  }
  try {
    const report = JSON.parse(measurement.stdout) as { status?: string; timings?: ChildTiming[] };
    if (report.status !== undefined && report.status !== 'succeeded') {
      return { measurement, warehouse, ok: false, status: 'failed', reason: `run status ${report.status}` };
    }
    return { measurement, warehouse, ok: true, ...(report.timings ? { timings: report.timings } : {}) };
  } catch {
    return { measurement, warehouse, ok: false, status: 'failed', reason: 'stdout is not the JSON report' };
  }
}

function sampleOf(m: ProcessMeasurement): RunSample {
  const sample: RunSample = { wall_s: m.wallMs / 1000 };
  if (m.userSeconds !== undefined) sample.user_s = m.userSeconds;
  if (m.systemSeconds !== undefined) sample.sys_s = m.systemSeconds;
  if (m.userSeconds !== undefined && m.systemSeconds !== undefined)
    sample.cpu_s = m.userSeconds + m.systemSeconds;
  if (m.peakRssBytes !== undefined) sample.peak_rss_bytes = m.peakRssBytes;
  if (m.machineBusySeconds !== undefined && sample.cpu_s !== undefined)
    sample.other_cpu_s = Math.max(0, Math.round((m.machineBusySeconds - sample.cpu_s) * 100) / 100);
  return sample;
}

function newRow(engine: string, dataset: Dataset): ResultRow {
  return {
    engine,
    events: dataset.events,
    event_lines: dataset.eventLines,
    input_bytes: dataset.bytes.total,
    status: 'ok',
    runs: [],
  };
}

const remove = (dir: string) => rm(dir, { recursive: true, force: true });

function gitState(): { commit?: string; dirty?: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return {};
  }
}

/** `--from FILE`: the saved table, and the sizing recomputed for another daily volume. */
async function resize(file: string, dailyEvents: number): Promise<number> {
  const saved = JSON.parse(await readFile(resolve(ROOT, file), 'utf8')) as {
    table?: string;
    started_at?: string;
    profiles?: (Omit<EngineProfile, 'parallelism'> & { parallelism: number | string })[];
  };
  const profiles: EngineProfile[] = (saved.profiles ?? []).map((p) => ({
    ...p,
    parallelism: p.parallelism === 'Infinity' ? Number.POSITIVE_INFINITY : Number(p.parallelism),
  }));
  if (profiles.length === 0) throw new Error(`${file}: no engine profiles to size from`);
  console.log(`Measured ${saved.started_at ?? ''} (${file}):\n\n${saved.table ?? ''}\n`);
  console.log(formatSizing(sizingReport(profiles, dailyEvents), profiles));
  return 0;
}

async function main(): Promise<number> {
  const options = parseBenchArgs(process.argv.slice(2));
  if (options === undefined) return 0;
  if (options.from !== undefined) return resize(options.from, options.dailyEvents);
  const startedAt = new Date();
  const method = pickMeasureMethod();
  const h: Harness = { options, method };
  const goldsmithEngines = options.engines.filter((e) => e !== 'baseline');
  // arrow is the reference every other gold is checked against; it runs untimed if not asked for
  const needsReference = options.engines.some((e) => e !== 'arrow');
  if (goldsmithEngines.length > 0 || needsReference) h.dist = await ensureDist(ROOT, log);
  if (options.engines.includes('baseline')) h.baseline = await prepareBaseline(ROOT);
  const cores = availableParallelism();
  log(
    `goldsmith bench: ${cores} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `node ${process.version}; CPU time and peak RSS by ${method === 'gnu-time' ? '/usr/bin/time' : 'the preload reporter'}`,
  );
  if (h.dist) log(`dist: ${h.dist.note}`);
  if (h.baseline) log(`baseline: ${h.baseline.note}`);

  // Probe: is each engine there at all, and its memory with (almost) no data.
  const probe = await ensureDataset(DATA, PROBE_EVENTS, options.layout, log);
  const available = new Map<string, { ok: boolean; status?: 'unavailable' | 'failed'; reason?: string }>();
  const probeRss = new Map<string, number>();
  const probeWall = new Map<string, number>();
  for (const engine of options.engines) {
    const outcome = await runOnce(h, engine, probe);
    await remove(outcome.warehouse);
    available.set(engine, {
      ok: outcome.ok,
      ...(outcome.status ? { status: outcome.status } : {}),
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    });
    if (outcome.measurement.peakRssBytes !== undefined)
      probeRss.set(engine, outcome.measurement.peakRssBytes);
    probeWall.set(engine, outcome.measurement.wallMs / 1000);
    log(`probe ${engine}: ${outcome.ok ? 'ok' : `${outcome.status} — ${outcome.reason}`}`);
  }

  const rows: ResultRow[] = [];
  const datasets: Dataset[] = [];
  const baselineChecks: { events: number; matches: boolean; comparison?: unknown; note?: string }[] = [];
  const instance = await DuckDBInstance.create(':memory:');
  const duck = await instance.connect();
  try {
    for (const events of options.events) {
      const dataset = await ensureDataset(DATA, events, options.layout, log);
      datasets.push(dataset);
      log(
        `\n${events.toLocaleString('en-US')} events: ${dataset.eventLines.toLocaleString('en-US')} event lines, ` +
          `${(dataset.bytes.total / 1e6).toFixed(1)} MB in ${dataset.files} files` +
          (dataset.generated ? ` (generated in ${dataset.generateSeconds?.toFixed(1)} s)` : ' (cached)'),
      );
      const sizeRows = new Map<string, ResultRow>();
      const lastWarehouse = new Map<string, string>();
      const active: string[] = [];
      for (const engine of options.engines) {
        const row = newRow(engine, dataset);
        const probed = available.get(engine);
        if (probed?.ok === false) {
          row.status = probed.status ?? 'failed';
          row.reason = `${probed.reason ?? ''} (probe)`;
        } else active.push(engine);
        sizeRows.set(engine, row);
      }
      const fail = async (engine: string, outcome: Outcome) => {
        const row = sizeRows.get(engine) as ResultRow;
        row.status = outcome.status ?? 'failed';
        row.reason = outcome.reason ?? 'failed';
        active.splice(active.indexOf(engine), 1);
        await remove(outcome.warehouse);
        log(`  ${engine}: ${row.status} — ${row.reason}`);
      };
      for (let w = 0; w < options.warmup; w++) {
        for (const engine of [...active]) {
          log(`  warm-up ${w + 1}/${options.warmup}: ${engine}`);
          const outcome = await runOnce(h, engine, dataset);
          if (!outcome.ok) await fail(engine, outcome);
          else await remove(outcome.warehouse);
        }
      }
      // Timed runs interleave the engines, so a noisy moment hits them alike. A run during which
      // other processes took more than --max-noise of the CPU is repeated (--retries times at
      // most); the quietest attempt is kept and flagged when it is still noisy.
      for (let r = 0; r < options.runs; r++) {
        for (const engine of [...active]) {
          let kept: { outcome: Outcome; sample: RunSample; noise: number } | undefined;
          let attempts = 0;
          let failed = false;
          while (attempts <= options.retries) {
            attempts++;
            const quiet =
              options.waitIdleSeconds > 0 ? await waitForIdle(options.waitIdleSeconds) : undefined;
            const outcome = await runOnce(h, engine, dataset);
            if (!outcome.ok) {
              await fail(engine, outcome);
              failed = true;
              break;
            }
            const sample = sampleOf(outcome.measurement);
            if (quiet !== undefined) {
              sample.waited_s = Math.round(quiet.waitedSeconds * 10) / 10;
              sample.idle_at_start = quiet.idle;
            }
            if (outcome.timings) sample.timings = outcome.timings;
            const noise = (sample.other_cpu_s ?? 0) / (sample.wall_s * cores);
            if (kept === undefined || noise < kept.noise) {
              if (kept !== undefined) await remove(kept.outcome.warehouse);
              kept = { outcome, sample, noise };
            } else await remove(outcome.warehouse);
            if (noise <= options.maxNoise) break;
            if (attempts <= options.retries)
              log(
                `  run ${r + 1}/${options.runs}: ${engine} — other processes took ${(noise * 100).toFixed(0)}% of the CPU, repeating`,
              );
          }
          if (failed || kept === undefined) {
            if (kept !== undefined) await remove(kept.outcome.warehouse);
            continue;
          }
          const { outcome, sample } = kept;
          sample.attempts = attempts;
          sample.noisy = kept.noise > options.maxNoise;
          const row = sizeRows.get(engine) as ResultRow;
          row.runs.push(sample);
          const previous = lastWarehouse.get(engine);
          if (previous !== undefined) await remove(previous);
          lastWarehouse.set(engine, outcome.warehouse);
          log(
            `  run ${r + 1}/${options.runs}: ${engine.padEnd(13)} ${sample.wall_s.toFixed(2)} s wall, ` +
              `${sample.cpu_s?.toFixed(2) ?? '?'} s CPU, ${sample.peak_rss_bytes !== undefined ? (sample.peak_rss_bytes / 2 ** 20).toFixed(0) : '?'} MiB peak` +
              (sample.other_cpu_s !== undefined
                ? `, other processes ${sample.other_cpu_s.toFixed(1)} CPU s`
                : '') +
              (sample.noisy ? ' (noisy)' : ''),
          );
        }
      }

      // Gold checks against the arrow engine's gold (the reference kernels).
      let reference = lastWarehouse.get('arrow');
      let referenceIsExtra = false;
      const others = [...lastWarehouse.keys()].filter((e) => e !== 'arrow');
      if (reference === undefined && others.length > 0) {
        log('  reference: one untimed arrow run for the gold check');
        const outcome = await runOnce(h, 'arrow', dataset);
        if (outcome.ok) {
          reference = outcome.warehouse;
          referenceIsExtra = true;
        } else await remove(outcome.warehouse);
      }
      for (const engine of others) {
        const row = sizeRows.get(engine) as ResultRow;
        if (reference === undefined) continue;
        row.gold_check = await compareGold(
          duck,
          join(reference, GOLD_DIR),
          join(lastWarehouse.get(engine) as string, GOLD_DIR),
        );
      }
      if (options.engines.includes('baseline')) {
        const check = sizeRows.get('baseline')?.gold_check;
        baselineChecks.push(
          check !== undefined
            ? { events, matches: check.match, comparison: check }
            : { events, matches: false, note: 'not checked: baseline or arrow did not run' },
        );
        const detail =
          check === undefined
            ? 'not checked (baseline or arrow did not run)'
            : `${check.match ? 'yes' : 'no'} (${check.rows.right.toLocaleString('en-US')} vs ${check.rows.left.toLocaleString('en-US')} rows, ` +
              `${check.onlyRight} / ${check.onlyLeft} rows only in baseline / arrow, checksum ${check.checksum.right} vs ${check.checksum.left}` +
              `${check.schemaDifferences.length > 0 ? `, schema: ${check.schemaDifferences.join('; ')}` : ''})`;
        log(`  baseline matches gold: ${detail}`);
      }
      if (options.keep) {
        for (const [engine, dir] of lastWarehouse) log(`  kept ${engine}: ${dir}`);
      } else {
        for (const dir of lastWarehouse.values()) await remove(dir);
      }
      if (referenceIsExtra && reference !== undefined) await remove(reference);
      for (const engine of options.engines) rows.push(summarizeRow(sizeRows.get(engine) as ResultRow));
    }
  } finally {
    duck.closeSync();
    instance.closeSync();
  }
  addBaselineRatios(rows);

  // Sizing from the largest size each engine completed.
  const profiles: EngineProfile[] = [];
  for (const engine of options.engines) {
    const done = rows.filter((r) => r.engine === engine && r.status === 'ok' && r.wall_s !== undefined);
    const largest = done.at(-1);
    if (largest?.events_per_s === undefined) continue;
    const points = done.flatMap((r) =>
      r.peak_rss_bytes !== undefined ? [{ events: r.event_lines, peakRssBytes: r.peak_rss_bytes }] : [],
    );
    const base = probeRss.get(engine);
    if (base !== undefined) points.unshift({ events: probe.eventLines, peakRssBytes: base });
    if (points.length === 0) continue;
    profiles.push({
      engine,
      eventsPerSecond: largest.events_per_s,
      measuredAtEvents: largest.event_lines,
      measuredCores: cores,
      parallelism: SINGLE_THREADED.has(engine)
        ? busyCores(largest.cpu_s?.median, largest.wall_s?.median ?? 0, cores)
        : Number.POSITIVE_INFINITY,
      memory: fitMemoryModel(points),
      inputBytesPerEvent: largest.input_bytes / largest.event_lines,
    });
  }
  const sizing: SizingReport | undefined =
    profiles.length > 0 ? sizingReport(profiles, options.dailyEvents) : undefined;

  // Output: table, baseline check, sizing; JSON and SVG.
  const table = formatTable(rows);
  console.log(`\n${table}\n`);
  const noise = otherLoadShare(rows, cores);
  const samples = rows.flatMap((r) => r.runs);
  const repeated = samples.reduce((n, s) => n + Math.max(0, (s.attempts ?? 1) - 1), 0);
  const stillNoisy = samples.filter((s) => s.noisy === true).length;
  if (noise !== undefined) {
    console.log(
      `Other processes used ${(noise * 100).toFixed(0)}% of the machine's CPU during the timed runs` +
        (noise > options.maxNoise ? ' — the machine was busy: wall times are noisy, CPU times less so' : '') +
        `; ${repeated} noisy run(s) repeated, ${stillNoisy} still noisy after ${options.retries} repeat(s).`,
    );
  }
  for (const check of baselineChecks)
    console.log(
      `baseline matches gold (${check.events.toLocaleString('en-US')} events): ${check.matches ? 'yes' : 'no'}`,
    );
  const sizingText = sizing ? formatSizing(sizing, profiles) : 'No engine completed: no sizing report.';
  console.log(`\n${sizingText}`);

  const outDir = resolve(ROOT, options.out);
  await mkdir(outDir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const results = {
    schema: 'goldsmith-bench/1',
    started_at: startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    machine: {
      cores,
      cpu: cpus()[0]?.model ?? 'unknown',
      total_memory_bytes: totalmem(),
      node: process.version,
      platform: `${process.platform} ${release()}`,
    },
    git: gitState(),
    options: { ...options, dailyEvents: options.dailyEvents },
    measurement: {
      method,
      description: MEASURE_METHODS[method],
      wall: 'spawn to exit of the child, measured by the harness (performance.now)',
      events_per_s: 'input event lines / median wall time',
      mb_per_s: 'bronze input bytes of all sources / 1e6 / median wall time',
    },
    dist: h.dist ?? null,
    baseline_launcher: h.baseline ?? null,
    probe: {
      events: PROBE_EVENTS,
      event_lines: probe.eventLines,
      engines: Object.fromEntries(
        [...available].map(([engine, a]) => [
          engine,
          { ...a, wall_s: probeWall.get(engine) ?? null, peak_rss_bytes: probeRss.get(engine) ?? null },
        ]),
      ),
    },
    datasets,
    results: rows,
    baseline_check: baselineChecks,
    other_load_share: noise ?? null,
    sizing: sizing ?? null,
    profiles,
    table,
  };
  const json = `${JSON.stringify(results, (_, v) => (v === Number.POSITIVE_INFINITY ? 'Infinity' : v), 2)}\n`;
  await writeFile(join(outDir, `${stamp}.json`), json);
  await writeFile(join(outDir, 'latest.json'), json);
  const subtitle = `${results.machine.cpu}, ${cores} cores · node ${process.version} · ${options.runs} runs after ${options.warmup} warm-up · ${startedAt.toISOString().slice(0, 16)}Z`;
  await writeFile(join(outDir, 'latest.svg'), renderChart(rows, subtitle));
  log(`\nwrote ${join(options.out, `${stamp}.json`)}, latest.json and latest.svg`);
  // Engines under construction may fail without failing the bench; the reference and the baseline may not.
  const referenceFailed = rows.some((r) => r.engine === 'arrow' && r.status !== 'ok');
  return referenceFailed || baselineChecks.some((c) => !c.matches) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench: ${(error as Error).message ?? String(error)}`);
    process.exitCode = 1;
  },
);
