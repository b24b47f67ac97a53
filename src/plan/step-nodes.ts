import { z } from 'zod';
import { SOURCES } from '../../schemas/bronze.js';

/**
 * The pipeline is data: a plan is a list of frozen, JSON-serializable step nodes, each with a
 * `kind`. Engines interpret the nodes; none of them redefines what a step computes. Relations are
 * named (`input`/`output`), so a plan is a small dataflow graph an engine can compile (to SQL,
 * to a worker pipeline) or interpret (the Arrow engine).
 */
export const STEP_KINDS = [
  'parse',
  'dedup',
  'sessionize',
  'pick-transaction',
  'snapshot-join',
  'assemble-gold',
  'check-rules',
] as const;

/** A step's discriminant. */
export type StepKind = (typeof STEP_KINDS)[number];

const relation = z.string().regex(/^[a-z][a-z0-9_]*$/, 'relation names are snake_case identifiers');

/** Reads one bronze source and splits it into valid rows and quarantined lines (SPEC §1, §2). */
export const ParseStep = z.strictObject({
  kind: z.literal('parse'),
  source: z.enum(SOURCES),
  output: relation,
});

/**
 * Keeps one row per key: the greatest `orderBy`, ties (or no `orderBy`) going to the row later in
 * the input (SPEC §3). Key columns may be strings or numbers (a null key part is its own value).
 */
export const DedupStep = z.strictObject({
  kind: z.literal('dedup'),
  input: relation,
  output: relation,
  key: z.array(z.string()).min(1),
  orderBy: z.string().nullable(),
});

/** Groups silver events into sessions per `(session_id, user_id)` (SPEC §5). */
export const SessionizeStep = z.strictObject({
  kind: z.literal('sessionize'),
  input: relation,
  output: relation,
});

/**
 * Left-joins each session with its earliest transaction by `(transaction_timestamp,
 * transaction_id)` on `(session_id, user_id)`; counts orphans (SPEC §5).
 */
export const PickTransactionStep = z.strictObject({
  kind: z.literal('pick-transaction'),
  sessions: relation,
  transactions: relation,
  output: relation,
});

/**
 * Joins each session with the user version valid at its start: greatest `updated_at` ≤
 * `session_start_time`, else the earliest version (SPEC §5).
 */
export const SnapshotJoinStep = z.strictObject({
  kind: z.literal('snapshot-join'),
  input: relation,
  users: relation,
  output: relation,
});

/** Derives the remaining gold columns and puts them in SPEC §5 order and types. */
export const AssembleGoldStep = z.strictObject({
  kind: z.literal('assemble-gold'),
  input: relation,
  output: relation,
});

/** Evaluates a DQDL rule set over named relations (SPEC §4); a failing rule fails the run. */
export const CheckRulesStep = z.strictObject({
  kind: z.literal('check-rules'),
  datasets: z.record(z.string(), relation),
  rules: z.string(),
});

/** Any step node. */
export const StepNode = z.discriminatedUnion('kind', [
  ParseStep,
  DedupStep,
  SessionizeStep,
  PickTransactionStep,
  SnapshotJoinStep,
  AssembleGoldStep,
  CheckRulesStep,
]);
export type StepNode = z.infer<typeof StepNode>;

/** The node type of one step kind. */
export type StepOf<K extends StepKind> = Extract<StepNode, { kind: K }>;
