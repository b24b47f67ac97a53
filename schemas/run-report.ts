import { z } from 'zod';

const SourceCounts = z.strictObject({
  read: z.int().nonnegative(),
  valid: z.int().nonnegative(),
  quarantined: z.int().nonnegative(),
  distinct: z.int().nonnegative(),
  duplicates: z.int().nonnegative(),
  bytes: z.int().nonnegative(),
});

const RuleResult = z.strictObject({
  rule: z.string(),
  dataset: z.string(),
  outcome: z.enum(['Passed', 'Failed', 'Error']),
  failureReason: z.string().optional(),
  evaluatedMetrics: z.record(z.string(), z.number()),
});

const SilverMergeCounts = z.strictObject({
  inserted: z.int().nonnegative(),
  updated: z.int().nonnegative(),
  unchanged: z.int().nonnegative(),
});

/** How a run changed the warehouse's tables (SPEC §6). */
const MergeReport = z.strictObject({
  /** `initial`: first load, gold straight from the engine; `incremental`: touched sessions merged; `full-refresh`: all recomputed. */
  mode: z.enum(['initial', 'incremental', 'full-refresh']),
  /** Input files skipped because an earlier run ingested them. */
  skipped_files: z.int().nonnegative(),
  /** Lookback window for recomputing touched sessions, e.g. `2d`. */
  lookback: z.string(),
  silver: z.strictObject({
    users: SilverMergeCounts,
    events: SilverMergeCounts,
    transactions: SilverMergeCounts,
  }),
  /** Gold rows this run recomputed. */
  recomputed: z.int().nonnegative(),
  /** Filled in by the warehouse at commit: MERGE outcome and the table's rows after it. */
  gold: z
    .strictObject({
      inserted: z.int().nonnegative(),
      updated: z.int().nonnegative(),
      deleted: z.int().nonnegative(),
      total: z.int().nonnegative(),
    })
    .optional(),
});

/**
 * The run report written to `_runs/<run-id>.json` (and returned by `runPipeline`): every input
 * line accounted for (SPEC §2), the rule results (SPEC §4) and where the time went.
 */
export const RunReport = z.strictObject({
  run_id: z.string(),
  status: z.enum(['succeeded', 'failed_quality']),
  engine: z.string(),
  time_zone: z.string(),
  started_at: z.iso.datetime(),
  finished_at: z.iso.datetime(),
  processing_timestamp: z.iso.datetime({ precision: 6 }),
  sources: z.strictObject({ users: SourceCounts, events: SourceCounts, transactions: SourceCounts }),
  gold: z.strictObject({ sessions: z.int().nonnegative(), with_transaction: z.int().nonnegative() }),
  orphan_transactions: z.int().nonnegative(),
  rules_passed: z.boolean(),
  rules: z.array(RuleResult),
  corrupt_share: z.number().min(0).max(1),
  corrupt_threshold: z.number().min(0).max(1),
  alarm: z.boolean(),
  /** Present when the run was committed to a warehouse. */
  merge: MergeReport.optional(),
  timings: z.array(
    z.strictObject({
      step: z.string(),
      ms: z.number().nonnegative(),
      rows: z.int().nonnegative(),
      bytes: z.int().nonnegative().optional(),
    }),
  ),
});
export type RunReport = z.infer<typeof RunReport>;
