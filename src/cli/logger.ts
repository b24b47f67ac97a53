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

/** Field names whose values are secrets, redacted wherever they sit (top level or one level down). */
const SECRET_KEYS = [
  'webhookUrl',
  'slackWebhookUrl',
  'webhook_url',
  'secretAccessKey',
  'accessKeyId',
  'sessionToken',
  'credentials',
  'password',
  'token',
  'authorization',
  'Authorization',
];

/** Secrets that must never reach a log line: pino `redact` paths. */
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'headers.authorization',
  '*.headers.authorization',
];

/** What a redacted value or secret inside a string is replaced with. */
export const REDACTED = '[Redacted]';

/**
 * Secrets inside free text (messages, error strings), which `redact` paths cannot reach: Slack and
 * other webhook URLs, credentials in a URL's user-info, AWS access key ids and presigned-URL
 * signatures.
 */
const SECRET_PATTERNS: readonly RegExp[] = [
  /https:\/\/hooks\.slack\.com\/[^\s"'<>]*/g,
  /https?:\/\/[^\s"'<>]*webhook[^\s"'<>]*/gi,
  /(?<=[a-z][a-z0-9+.-]*:\/\/)[^\s@"'<>]+(?=@)/gi,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /(?<=[?&]X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"'<>]+/gi,
];

/** `text` with every secret pattern replaced by {@link REDACTED}. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** Scrubs the strings of a log record's fields (objects and arrays up to a few levels deep). */
function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    // Still an Error, so pino's error serializer keeps its type and stack.
    const scrubbed = new Error(scrubSecrets(value.message));
    scrubbed.name = value.name;
    scrubbed.stack = value.stack === undefined ? '' : scrubSecrets(value.stack);
    for (const [k, v] of Object.entries(value))
      (scrubbed as unknown as Record<string, unknown>)[k] = scrubValue(v, depth + 1);
    return scrubbed;
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubValue(v, depth + 1);
  return out;
}

/**
 * A pino logger writing to stderr (or `destination`): JSON lines, or one readable line per record
 * (`pretty`), formatted here rather than with a transport thread so short CLI runs exit promptly.
 * Credentials and webhook URLs never reach the output: fields named like secrets are redacted
 * ({@link REDACT_PATHS}), and secret-looking text (Slack/webhook URLs, URL user-info, AWS key ids,
 * presigned signatures) is scrubbed from messages and string fields.
 */
export function createLogger(
  format: LogFormat,
  level: string,
  destination?: { write(line: string): void },
): Logger & pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: null,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: { log: (object) => scrubValue(object, 0) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>,
        );
      },
    },
  };
  if (format === 'json') return pino(options, destination ?? pino.destination({ fd: 2, sync: true }));
  return pino(options, {
    write(line: string) {
      const { level: lvl, time, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
      const when = new Date(Number(time)).toISOString().slice(11, 23);
      const extras = Object.entries(rest)
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
        .join(' ');
      const text = `${when} ${(LEVELS[Number(lvl)] ?? String(lvl)).padEnd(5)} ${String(msg ?? '')} ${extras}\n`;
      if (destination) destination.write(text);
      else process.stderr.write(text);
    },
  });
}
