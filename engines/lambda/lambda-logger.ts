import pino from 'pino';
import type { Logger } from '../../src/run/notifier.js';

/**
 * The handlers' logger: pino JSON lines on stdout, written synchronously (a Lambda sandbox may be
 * frozen right after the handler returns, losing buffered lines). Level from `LOG_LEVEL`
 * (default `info`).
 */
export function lambdaLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { fn: name } }, pino.destination({ dest: 1, sync: true }));
}
