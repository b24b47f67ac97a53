/**
 * `npm run package:lambda`: bundles each deployed handler (`engines/lambda/entries/*.ts`) with
 * esbuild into `dist-lambda/<function>/index.mjs` (one self-contained ESM file, AWS SDK included —
 * pinned versions instead of whatever the runtime ships), puts parquet-wasm's `.wasm` and the
 * Parquet encoding worker (`parquet-worker.mjs`) beside the bundles that load parquet-wasm, zips
 * each folder to `dist-lambda/<function>.zip` when `zip` exists, and prints the sizes. DuckDB is
 * excluded: the handlers run the `arrow` engine, and the native `@duckdb/node-api` binary
 * (~60 MB, per-platform) belongs in a Lambda layer if ever wanted.
 *
 * Usage: npm run package:lambda [-- --json] [--only name,name] [--out DIR]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

// CommonJS dependencies bundled into ESM still call require() and read __dirname (parquet-wasm
// loads its .wasm from __dirname): give them both.
const banner = [
  "import { createRequire as __goldsmithRequire } from 'node:module';",
  "import { fileURLToPath as __goldsmithPath } from 'node:url';",
  "import { dirname as __goldsmithDir } from 'node:path';",
  'const require = __goldsmithRequire(import.meta.url);',
  'const __filename = __goldsmithPath(import.meta.url);',
  'const __dirname = __goldsmithDir(__filename);',
].join('\n');

/** esbuild options shared by the handler bundles and the encoder worker's. */
const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: false,
  legalComments: 'external',
  metafile: true,
  banner: { js: banner },
  external: ['@duckdb/duckdb-wasm', '@duckdb/node-api'],
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** One packaged function. */
export interface Packaged {
  name: string;
  bundleBytes: number;
  folderBytes: number;
  zipBytes: number | undefined;
  gzipBytes: number;
  ms: number;
}

function folderBytes(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

function hasZip(): boolean {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Bundles the handlers into `options.out` (default `<repo>/dist-lambda`); returns the sizes. */
export async function packageLambdas(
  options: { only?: readonly string[]; out?: string } = {},
): Promise<Packaged[]> {
  const out = options.out ?? join(root, 'dist-lambda');
  const entries = readdirSync(join(here, 'entries'))
    .filter((f) => f.endsWith('.ts') && f !== 'stage-env.ts')
    .map((f) => f.slice(0, -3))
    .filter((name) => !options.only || options.only.includes(name))
    .sort();
  mkdirSync(out, { recursive: true });
  const zip = hasZip();
  const results: Packaged[] = [];
  for (const name of entries) {
    const started = performance.now();
    const dir = join(out, name);
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.zip`, { force: true });
    const result = await build({
      ...bundleOptions,
      entryPoints: [join(here, 'entries', `${name}.ts`)],
      outfile: join(dir, 'index.mjs'),
    });
    if (Object.keys(result.metafile.inputs).some((p) => p.includes('node_modules/parquet-wasm/'))) {
      copyFileSync(
        join(root, 'node_modules/parquet-wasm/node/parquet_wasm_bg.wasm'),
        join(dir, 'parquet_wasm_bg.wasm'),
      );
      // The second Parquet encoding lane (src/io/parquet-encoder.ts) starts this file beside the
      // bundle; a Lambda of 2 vCPUs or more (≥ 3,538 MB) then encodes on both.
      await build({
        ...bundleOptions,
        entryPoints: [join(root, 'src/io/parquet-worker.ts')],
        outfile: join(dir, 'parquet-worker.mjs'),
        metafile: false,
      });
    }
    let zipBytes: number | undefined;
    if (zip) {
      execFileSync('zip', ['-qr9', `../${name}.zip`, '.', '-x', '*.map'], { cwd: dir });
      zipBytes = statSync(`${dir}.zip`).size;
    }
    const bundle = join(dir, 'index.mjs');
    results.push({
      name,
      bundleBytes: statSync(bundle).size,
      folderBytes: folderBytes(dir),
      zipBytes,
      gzipBytes: gzipSync(readFileSync(bundle)).length,
      ms: Math.round(performance.now() - started),
    });
  }
  writeFileSync(join(out, 'sizes.json'), `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

const mb = (n: number | undefined) => (n === undefined ? '-' : `${(n / 1e6).toFixed(2)} MB`);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1]?.split(',') : undefined;
  const outAt = args.indexOf('--out');
  const target = outAt >= 0 ? args[outAt + 1] : undefined;
  const results = await packageLambdas({ ...(only ? { only } : {}), ...(target ? { out: target } : {}) });
  if (args.includes('--json')) console.log(JSON.stringify(results, null, 2));
  else {
    console.log('function               index.mjs   folder (with .wasm)   zip        time');
    for (const r of results)
      console.log(
        `${r.name.padEnd(22)} ${mb(r.bundleBytes).padStart(9)}   ${mb(r.folderBytes).padStart(9)}             ${mb(r.zipBytes).padStart(9)}  ${r.ms} ms`,
      );
    console.log(
      `written to ${target ?? 'dist-lambda'}/<function>/ (CodeUri of engines/lambda/template.yaml)`,
    );
  }
}
