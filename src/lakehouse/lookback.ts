import { ConfigurationError } from '../run/errors.js';

const UNIT_MICROS = { d: 86_400e6, h: 3_600e6, m: 60e6 } as const;

/** The seed's lookback window: sessions touched by late data are recomputed from 2 days of silver. */
export const DEFAULT_LOOKBACK = '2d';

/**
 * Parses a lookback like `2d`, `36h` or `90m` into microseconds.
 *
 * @example
 * parseLookback('2d'); // 172_800_000_000
 */
export function parseLookback(text: string): number {
  const match = /^(\d+)([dhm])$/.exec(text.trim());
  if (!match) throw new ConfigurationError(`--lookback ${text}: expected a duration like 2d, 36h or 90m`);
  return Number(match[1]) * UNIT_MICROS[match[2] as keyof typeof UNIT_MICROS];
}
