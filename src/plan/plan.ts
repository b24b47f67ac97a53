import { z } from 'zod';
import { DEFAULT_RULESET_TEXT } from '../dq/index.js';
import type { ReadOptions } from '../read/read-result.js';
import { TimeZone } from '../time/index.js';
import { StepNode } from './step-nodes.js';

/** Run-wide settings every engine reads the same way. */
export const PlanOptions = z.strictObject({
  /** IANA zone for zone-less timestamps and for derived dates (SPEC §1). Default `UTC`. */
  timeZone: z.string().min(1).default('UTC'),
  /** Gold `data_version` (SPEC §5). Default 1. */
  dataVersion: z.int32().default(1),
  /** Gold `source_system` (SPEC §5). Default `digital-services`. */
  sourceSystem: z.string().default('digital-services'),
  /** DQDL rule set (SPEC §4). Default: the seed's four rules. */
  rules: z.string().default(DEFAULT_RULESET_TEXT),
  /** Longest accepted input line/record in bytes; longer ones are quarantined `line_too_long`. Default 64 MiB. */
  maxLineBytes: z.int().positive().optional(),
  /** Largest accepted input file in bytes; a larger one fails the run naming the file. Default: no limit. */
  maxFileBytes: z.int().positive().optional(),
});
export type PlanOptions = z.infer<typeof PlanOptions>;
/** What callers may pass: every option has a default. */
export type PlanOptionsInput = z.input<typeof PlanOptions>;

/** A whole pipeline: options plus steps, serializable as JSON. */
export const Plan = z.strictObject({
  version: z.literal(1),
  options: PlanOptions,
  steps: z.array(StepNode).min(1),
});
export type Plan = z.infer<typeof Plan>;

/** The relation names the standard plan produces; engines hand these back as results. */
export const RELATIONS = {
  bronzeEvents: 'bronze_events',
  bronzeTransactions: 'bronze_transactions',
  bronzeUsers: 'bronze_users',
  silverEvents: 'silver_events',
  silverTransactions: 'silver_transactions',
  silverUsers: 'silver_users',
  sessions: 'sessions',
  sessionsWithTransaction: 'sessions_txn',
  sessionsWithUser: 'sessions_user',
  gold: 'gold',
} as const;

/**
 * The standard bronze → silver → gold plan of SPEC §2–§5.
 *
 * @example
 * const plan = createPlan({ timeZone: 'America/Lima' });
 * JSON.stringify(plan); // ships to a worker or a Lambda as is
 */
export function createPlan(options: PlanOptionsInput = {}): Plan {
  const r = RELATIONS;
  const steps: StepNode[] = [
    { kind: 'parse', source: 'events', output: r.bronzeEvents },
    { kind: 'parse', source: 'transactions', output: r.bronzeTransactions },
    { kind: 'parse', source: 'users', output: r.bronzeUsers },
    {
      kind: 'dedup',
      input: r.bronzeEvents,
      output: r.silverEvents,
      key: ['event_id'],
      orderBy: 'event_timestamp',
    },
    {
      kind: 'dedup',
      input: r.bronzeTransactions,
      output: r.silverTransactions,
      key: ['transaction_id'],
      orderBy: 'transaction_timestamp',
    },
    {
      kind: 'dedup',
      input: r.bronzeUsers,
      output: r.silverUsers,
      key: ['user_id', 'updated_at'],
      orderBy: null,
    },
    { kind: 'sessionize', input: r.silverEvents, output: r.sessions },
    {
      kind: 'pick-transaction',
      sessions: r.sessions,
      transactions: r.silverTransactions,
      output: r.sessionsWithTransaction,
    },
    {
      kind: 'snapshot-join',
      input: r.sessionsWithTransaction,
      users: r.silverUsers,
      output: r.sessionsWithUser,
    },
    { kind: 'assemble-gold', input: r.sessionsWithUser, output: r.gold },
    {
      kind: 'check-rules',
      datasets: {
        events: r.silverEvents,
        transactions: r.silverTransactions,
        users: r.silverUsers,
        gold: r.gold,
      },
      rules: '',
    },
  ];
  const parsed = PlanOptions.parse(options);
  return Plan.parse({
    version: 1,
    options: parsed,
    steps: steps.map((s) => (s.kind === 'check-rules' ? { ...s, rules: parsed.rules } : s)),
  });
}

/** The readers' options a plan asks for (every engine parses with these). */
export function readOptionsOf(options: PlanOptions): ReadOptions {
  return {
    timeZone: TimeZone.of(options.timeZone),
    ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
    ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
  };
}

/** Validates a plan received as JSON (from a worker message, a Lambda event, a file). */
export function planFromJSON(json: unknown): Plan {
  return Plan.parse(typeof json === 'string' ? JSON.parse(json) : json);
}
