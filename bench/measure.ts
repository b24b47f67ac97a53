import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How CPU time and peak RSS of a child are measured. */
export type MeasureMethod = 'gnu-time' | 'preload';

/** What one child process cost. */
export interface ProcessMeasurement {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Wall time from spawn to exit, measured by the harness (ms). */
  wallMs: number;
  /** User and system CPU seconds of the child (all its threads). */
  userSeconds?: number;
  systemSeconds?: number;
  /** Peak resident set size of the child (bytes). */
  peakRssBytes?: number;
  /**
   * CPU seconds the whole machine spent busy during the run, from `/proc/stat` (Linux only).
   * Minus the child's CPU time, it is what other processes took: the run's noise.
   */
  machineBusySeconds?: number;
  stdout: string;
  /** The last 16 KiB of stderr. */
  stderr: string;
}

/** Describes each method for the README and the results JSON. */
export const MEASURE_METHODS: Record<MeasureMethod, string> = {
  'gnu-time':
    "GNU time (/usr/bin/time -f '%e %U %S %M'): the child's rusage from wait4() — user and system CPU " +
    'seconds of all its threads, and ru_maxrss, the peak resident set size (VmHWM) in KiB',
  preload:
    "node --import bench/rusage-preload.mjs: the child reports its own process.resourceUsage() at 'exit' — " +
    'userCPUTime, systemCPUTime and maxRSS (ru_maxrss, the same kernel high-water mark) — to a file',
};

const PRELOAD = fileURLToPath(new URL('./rusage-preload.mjs', import.meta.url));
const TIME_BINARY = '/usr/bin/time';
const STDERR_KEEP = 16 * 1024;

/** USER_HZ of `/proc/stat` (100 on every Linux architecture Node supports). */
const CLOCK_TICKS = 100;

/** Busy CPU seconds of the whole machine since boot (all cores), or `undefined` off Linux. */
export function machineBusySeconds(stat?: string): number | undefined {
  let text = stat;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/stat', 'utf8');
    } catch {
      return undefined;
    }
  }
  const line = text.split('\n', 1)[0] ?? '';
  if (!line.startsWith('cpu ')) return undefined;
  // user nice system idle iowait irq softirq steal …: busy = all but idle and iowait
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/**
 * Waits until the machine is idle — less than `maxBusyCores` of CPU used by anything over a
 * 1-second window — for at most `maxSeconds`. Returns the seconds waited and whether it got idle
 * (off Linux it returns at once). Other people's jobs on a shared machine are the main noise of
 * wall times; this keeps a run from starting in the middle of one.
 */
export async function waitForIdle(
  maxSeconds: number,
  maxBusyCores = 0.15,
): Promise<{ waitedSeconds: number; idle: boolean }> {
  const started = performance.now();
  for (;;) {
    const before = machineBusySeconds();
    if (before === undefined) return { waitedSeconds: 0, idle: true };
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = machineBusySeconds() ?? before;
    const waitedSeconds = (performance.now() - started) / 1000;
    if (after - before < maxBusyCores) return { waitedSeconds, idle: true };
    if (waitedSeconds >= maxSeconds) return { waitedSeconds, idle: false };
  }
}

/** GNU time when `/usr/bin/time -f` works here, else the preload reporter (Node children only). */
export function pickMeasureMethod(): MeasureMethod {
  const probe = spawnSync(TIME_BINARY, ['-f', '%M', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /^\d+\s*$/m.test(probe.stderr ?? '') ? 'gnu-time' : 'preload';
}

/** Parses GNU time's `%e %U %S %M` line (the last line of its output file). */
export function parseGnuTime(text: string): {
  userSeconds: number;
  systemSeconds: number;
  peakRssBytes: number;
} {
  const line =
    text
      .trim()
      .split('\n')
      .filter((l) => /^[\d.]+ [\d.]+ [\d.]+ \d+$/.test(l.trim()))
      .at(-1) ?? '';
  const [, user, system, maxrss] = line.trim().split(' ');
  if (maxrss === undefined) throw new Error(`cannot read GNU time output: ${JSON.stringify(text)}`);
  return { userSeconds: Number(user), systemSeconds: Number(system), peakRssBytes: Number(maxrss) * 1024 };
}

/**
 * Runs `node <args>` as its own process and measures it: wall time here, CPU time and peak RSS
 * with the chosen method. Never throws for a failing child: the exit code is in the result.
 */
export async function measureNode(
  args: readonly string[],
  options: { method: MeasureMethod; cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<ProcessMeasurement> {
  const scratch = await mkdtemp(join(tmpdir(), 'goldsmith-bench-measure-'));
  const usageFile = join(scratch, 'usage.txt');
  try {
    const [command, commandArgs, env] =
      options.method === 'gnu-time'
        ? [TIME_BINARY, ['-f', '%e %U %S %M', '-o', usageFile, process.execPath, ...args], options.env]
        : [
            process.execPath,
            ['--import', PRELOAD, ...args],
            { ...(options.env ?? process.env), GOLDSMITH_BENCH_USAGE_FILE: usageFile },
          ];
    const busyBefore = machineBusySeconds();
    const started = performance.now();
    const child = spawn(command, commandArgs, {
      cwd: options.cwd,
      env: env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-STDERR_KEEP);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, sig) => resolve([code, sig]));
      },
    );
    const wallMs = performance.now() - started;
    const busyAfter = machineBusySeconds();
    clearTimeout(timer);
    const result: ProcessMeasurement = {
      exitCode,
      signal,
      timedOut,
      wallMs,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: err,
    };
    if (busyBefore !== undefined && busyAfter !== undefined)
      result.machineBusySeconds = busyAfter - busyBefore;
    const usage = await readFile(usageFile, 'utf8').catch(() => undefined);
    if (usage !== undefined) {
      try {
        if (options.method === 'gnu-time') Object.assign(result, parseGnuTime(usage));
        else {
          const u = JSON.parse(usage) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
          result.userSeconds = u.userCPUTime / 1e6;
          result.systemSeconds = u.systemCPUTime / 1e6;
          result.peakRssBytes = u.maxRSS * 1024;
        }
      } catch {
        // no usage for this run (killed before it could be written): reported without it
      }
    }
    return result;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
