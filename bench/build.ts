import { spawnSync } from 'node:child_process';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Newest modification time (ms) of the `.ts` files under `dirs`, and the file. */
async function newestSource(
  root: string,
  dirs: readonly string[],
): Promise<{ mtimeMs: number; path: string }> {
  let newest = { mtimeMs: 0, path: '' };
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.ts')) {
        const { mtimeMs } = await stat(path);
        if (mtimeMs > newest.mtimeMs) newest = { mtimeMs, path };
      }
    }
  }
  for (const dir of dirs) await walk(join(root, dir));
  return newest;
}

/** Outcome of {@link ensureDist}. */
export interface DistStatus {
  cli: string;
  /** What happened: `fresh` (up to date), `built`, `stale` (the build failed; the old dist is used). */
  state: 'fresh' | 'built' | 'stale';
  note: string;
}

/**
 * Makes sure `dist/cli.js` exists and is newer than every source file (`src/`, `engines/`,
 * `schemas/`); otherwise runs `npx tsup`. When the build fails but an older `dist/` exists, the
 * bench goes on with it and says so (other people may be mid-edit); without any `dist/` it throws.
 */
export async function ensureDist(root: string, log: (line: string) => void): Promise<DistStatus> {
  const cli = join(root, 'dist', 'cli.js');
  const built = await stat(cli).catch(() => undefined);
  const newest = await newestSource(root, ['src', 'engines', 'schemas']);
  if (built !== undefined && built.mtimeMs >= newest.mtimeMs) {
    return { cli, state: 'fresh', note: 'dist/ is up to date' };
  }
  const why =
    built === undefined
      ? 'dist/cli.js is missing'
      : `dist/cli.js is older than ${newest.path.slice(root.length + 1)}`;
  log(`building dist/ with npx tsup (${why}) …`);
  const result = spawnSync('npx', ['tsup'], { cwd: root, encoding: 'utf8' });
  if (result.status === 0) return { cli, state: 'built', note: `built with tsup (${why})` };
  const reason = `${result.stderr ?? ''}${result.stdout ?? ''}`
    .trim()
    .split('\n')
    .filter((l) => /error|cannot/i.test(l))
    .slice(0, 3)
    .join(' | ');
  if (built === undefined) throw new Error(`npx tsup failed and there is no dist/: ${reason}`);
  log(`  tsup failed (${reason}); benchmarking the existing, older dist/`);
  return { cli, state: 'stale', note: `tsup failed (${reason}); used the existing dist/ (${why})` };
}

/** How the baseline child is started. */
export interface BaselineLauncher {
  /** Arguments to `node` before the baseline's own flags. */
  args: string[];
  note: string;
}

/**
 * Bundles `bench/baseline-main.ts` into `bench/data/.build/baseline-main.mjs` with esbuild (a
 * tsup dependency), so the timed baseline process starts as plainly as `node dist/cli.js`. If
 * esbuild is not importable, the baseline runs under `node --import tsx` instead (≈0.1 s more
 * start-up, noted in the results).
 */
export async function prepareBaseline(root: string): Promise<BaselineLauncher> {
  const entry = join(root, 'bench', 'baseline-main.ts');
  const outfile = join(root, 'bench', 'data', '.build', 'baseline-main.mjs');
  try {
    const esbuild = await import('esbuild');
    await mkdir(join(root, 'bench', 'data', '.build'), { recursive: true });
    await esbuild.build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    });
    return { args: [outfile], note: 'bench/baseline-main.ts bundled with esbuild, run with node' };
  } catch (error) {
    return {
      args: ['--import', 'tsx', entry],
      note: `esbuild unavailable (${(error as Error).message.split('\n')[0]}); run with node --import tsx`,
    };
  }
}
