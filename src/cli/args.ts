import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A usage error: bad flags or values (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags strictly; unknown flags and stray arguments are usage errors. */
export function parseFlags<const O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Reads a numeric flag, checking its range. */
export function numberFlag(
  value: string | undefined,
  name: string,
  check: (n: number) => boolean,
  hint: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new UsageError(`--${name} ${value}: expected ${hint}`);
  return n;
}
