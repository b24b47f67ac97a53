import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** Result of one CLI invocation. */
export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `goldsmith <args>` from source (through tsx) as a real child process. */
export function goldsmith(args: string[], options: { cwd?: string } = {}): CliResult {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 64 << 20,
  });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
