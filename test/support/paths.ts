import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `shared/` (SPEC, seed and the Spark-peer fixture), which lives beside the repository:
 * `GOLDSMITH_SHARED` when set; else `../shared` beside this checkout; else, for a fresh clone
 * somewhere else (`git clone -q . "$(mktemp -d)"`), `../shared` beside the repository it was
 * cloned from.
 */
function sharedDir(): string {
  if (process.env.GOLDSMITH_SHARED) return join(resolve(process.env.GOLDSMITH_SHARED), '/');
  const beside = join(ROOT, '..', 'shared');
  if (existsSync(beside)) return join(beside, '/');
  try {
    const origin = execFileSync('git', ['-C', ROOT, 'remote', 'get-url', 'origin'], {
      encoding: 'utf8',
    }).trim();
    const besideOrigin = join(dirname(resolve(origin.replace(/^file:\/\//, ''))), 'shared');
    if (existsSync(besideOrigin)) return join(besideOrigin, '/');
  } catch {
    // not a clone, or no git: fall through to the usual place
  }
  return join(beside, '/');
}

/** `shared/` beside the repository (see {@link sharedDir}). */
export const SHARED = sharedDir();
/** The Spark + Iceberg peer run (SPEC §7). */
export const SPARK_PEER = `${SHARED}fixtures/spark-peer/`;
