import { readFile } from 'node:fs/promises';
import { GenerateOptionsSchema, type GenerateSummary, generate, parseConfigIni } from '../generate/index.js';
import { numberFlag, parseFlags, UsageError } from './args.js';

export const GENERATE_HELP = `Usage: goldsmith generate --out DIR [options]

Writes mock bronze data like the seed's generator: users.csv, events.jsonl, transactions.csv
(or, with --batches hourly, events/, transactions/ and users/ folders of arrival batches).

Options:
  --out DIR                   output folder (created if missing)
  --config FILE               the seed's config.ini ([data_volumes], [data_quality]); flags win
  --users N                   users (default 100)
  --sessions N                sessions (default 500)
  --events N                  distinct events (default 2000); 1e6 style accepted
  --transactions N            distinct transactions (default 300)
  --late-rate R               share of events (and transactions) arriving 2–48 h late (default 0.05)
  --duplicate-rate R          share of exact duplicate transaction rows (default 0.02)
  --event-duplicate-rate R    share of events re-sent with the same event_id (default 0)
  --corrupt-rate R            share of lines replaced by corrupt ones, every SPEC §2 kind (default 0)
  --seed S                    PRNG seed; same seed, same bytes (default 42)
  --batches none|hourly       one file per source, or one per arrival hour (default none)
  --start YYYY-MM-DD          first session day (default 2025-09-05)
  --days N                    number of session days (default 90)
  --json                      print the summary as JSON
  -h, --help                  this help`;

const isCount = (n: number) => Number.isInteger(n) && n >= 0;
const isRate = (n: number) => n >= 0 && n <= 1;

/** `goldsmith generate`; returns the summary for callers such as `demo`. */
export async function generateFromArgs(argv: string[]): Promise<GenerateSummary | undefined> {
  const v = parseFlags(argv, {
    out: { type: 'string' },
    config: { type: 'string' },
    users: { type: 'string' },
    sessions: { type: 'string' },
    events: { type: 'string' },
    transactions: { type: 'string' },
    'late-rate': { type: 'string' },
    'duplicate-rate': { type: 'string' },
    'event-duplicate-rate': { type: 'string' },
    'corrupt-rate': { type: 'string' },
    seed: { type: 'string' },
    batches: { type: 'string' },
    start: { type: 'string' },
    days: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (v.help) {
    console.log(GENERATE_HELP);
    return undefined;
  }
  if (!v.out) throw new UsageError('generate needs --out DIR');
  let fromConfig = {};
  if (v.config) {
    const text = await readFile(v.config, 'utf8').catch(() => {
      throw new UsageError(`--config ${v.config}: cannot read the file`);
    });
    try {
      fromConfig = parseConfigIni(text);
    } catch (error) {
      throw new UsageError(`--config ${v.config}: ${(error as Error).message}`);
    }
  }
  const flags = {
    users: numberFlag(v.users, 'users', (n) => isCount(n) && n > 0, 'a positive integer'),
    sessions: numberFlag(v.sessions, 'sessions', (n) => isCount(n) && n > 0, 'a positive integer'),
    events: numberFlag(v.events, 'events', isCount, 'a whole number'),
    transactions: numberFlag(v.transactions, 'transactions', isCount, 'a whole number'),
    lateRate: numberFlag(v['late-rate'], 'late-rate', isRate, 'a share between 0 and 1'),
    duplicateRate: numberFlag(v['duplicate-rate'], 'duplicate-rate', isRate, 'a share between 0 and 1'),
    eventDuplicateRate: numberFlag(
      v['event-duplicate-rate'],
      'event-duplicate-rate',
      isRate,
      'a share between 0 and 1',
    ),
    corruptRate: numberFlag(v['corrupt-rate'], 'corrupt-rate', isRate, 'a share between 0 and 1'),
    seed: numberFlag(v.seed, 'seed', Number.isSafeInteger, 'an integer'),
    days: numberFlag(v.days, 'days', (n) => isCount(n) && n > 0, 'a positive integer'),
    batches: v.batches,
    start: v.start,
  };
  const defined = Object.fromEntries(Object.entries(flags).filter(([, value]) => value !== undefined));
  const parsed = GenerateOptionsSchema.safeParse({ ...fromConfig, ...defined, outDir: v.out });
  if (!parsed.success) {
    throw new UsageError(
      parsed.error.issues.map((i) => `--${String(i.path[0] ?? '')}: ${i.message}`).join('; '),
    );
  }
  const summary = await generate(parsed.data);
  if (v.json) console.log(JSON.stringify(summary, null, 2));
  else
    console.log(
      `generated ${summary.lines.events} event lines, ${summary.lines.transactions} transaction lines, ${summary.lines.users} user lines ` +
        `(${summary.corrupt.events + summary.corrupt.transactions + summary.corrupt.users} corrupt) in ${v.out} in ${summary.seconds.toFixed(2)} s`,
    );
  return summary;
}
