import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

/** How to start a worker: the script (a URL, or bootstrap code with `eval`) and its options. */
export interface WorkerEntry {
  readonly script: URL | string;
  readonly options: WorkerOptions;
}

/** Where a worker entry point is, relative to the module that starts it. */
export interface WorkerEntryPaths {
  /** The starting module's `import.meta.url`. */
  readonly from: string;
  /** The entry's TypeScript source, when running from source (tests, `tsx`). */
  readonly source: string;
  /** The bundled entry: candidates, since shared code may sit in a chunk at `dist/`'s root. */
  readonly bundled: readonly string[];
  /** For messages, e.g. `workers engine`. */
  readonly what: string;
}

/**
 * Where a worker entry is and how to start it: from `dist` the bundled `.js` loads directly; from
 * TypeScript source (tests, `tsx`), a bootstrap loads the `.ts` through tsx's `tsImport` (on
 * Node 20 a worker ignores `execArgv: ['--import', 'tsx']`).
 */
export function workerEntry(paths: WorkerEntryPaths): WorkerEntry {
  const here = paths.from;
  const fromSource = here.endsWith('.ts');
  const candidates = (fromSource ? [paths.source] : paths.bundled).map((p) => new URL(p, here));
  const url = candidates.find((c) => existsSync(fileURLToPath(c)));
  if (!url)
    throw new Error(`goldsmith ${paths.what}: worker entry not found (looked at ${candidates.join(', ')})`);
  if (!fromSource) return { script: url, options: {} };
  const api = tsxEsmApi(here, paths.what);
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(here)}));`;
  return { script: bootstrap, options: { eval: true } };
}

/** The ESM build of `tsx/esm/api` (require.resolve would give the CommonJS one). */
function tsxEsmApi(from: string, what: string): string {
  const manifest = createRequire(from).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } } | string>;
  };
  const entry = exports['./esm/api'];
  const path = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!path) throw new Error(`goldsmith ${what}: cannot find tsx/esm/api to load a worker from source`);
  return new URL(path, pathToFileURL(manifest)).href;
}
