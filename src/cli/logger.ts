import { pino } from 'pino';
import type { Logger } from '../run/notifier.js';

/** Log output formats of the CLI. */
export type LogFormat = 'json' | 'pretty';

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Secrets that must never reach a log line. */
export const REDACT_PATHS = [
  '*.webhookUrl',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.password',
  'webhookUrl',
];

/**
 * A pino logger writing to stderr: JSON lines, or one readable line per record (`pretty`),
 * formatted here rather than with a transport thread so short CLI runs exit promptly.
 */
export function createLogger(format: LogFormat, level: string): Logger & pino.Logger {
  const options: pino.LoggerOptions = { level, base: null, redact: REDACT_PATHS };
  if (format === 'json') return pino(options, pino.destination({ fd: 2, sync: true }));
  return pino(options, {
    write(line: string) {
      const { level: lvl, time, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const when = new Date(Number(time)).toISOString().slice(11, 23);
      const extras = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(' ');
      process.stderr.write(
        `${when} ${(LEVELS[Number(lvl)] ?? String(lvl)).padEnd(5)} ${String(msg ?? '')} ${extras}\n`,
      );
    },
  });
}
