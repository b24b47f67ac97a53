/**
 * The workers engine's compile step (STYLE: compile, run, capabilities): a pure function from a
 * plan to where each step runs and how each relation must be spread over the workers for the
 * reference kernel to see, in one partition, every row it needs. Tests check it without threads.
 *
 * @module
 */

import type { Plan, StepKind, StepNode, StepOf } from '../../src/plan/index.js';

/**
 * The key sessionize and pick-transaction group by (SPEC §5), hard-wired in those kernels: one
 * session's events and transactions must share a partition.
 */
export const SESSION_KEY: readonly string[] = ['session_id', 'user_id'];

/** The event columns sessionize reads (SPEC §5; the kernel fails on a missing one). */
export const SESSIONIZE_COLUMNS: readonly string[] = [
  ...SESSION_KEY,
  'event_id',
  'event_type',
  'event_timestamp',
];

/** How a relation is spread over the workers. */
export type Layout =
  /** Partition p (in worker p) holds the rows whose key hashes to p; an empty key: any rows. */
  | { readonly kind: 'hashed'; readonly key: readonly string[] }
  /** Every worker holds all rows. */
  | { readonly kind: 'broadcast' };

/** What a step needs of an input relation. */
export type Need =
  /**
   * Rows with equal `key` in one partition. Non-exact: hashing by a non-empty subset of `key` is
   * enough (equal keys imply equal sub-keys). Exact: joins need both sides hashed the same way.
   * `viaKeys`: the step can instead shuffle a narrow projection (key columns, order column,
   * arrival) and leave the rows where they are (dedup does). `columns`: the step reads only these
   * columns, so a shuffle moves that projection into a relation of its own for the step and the
   * rows stay where they are (sessionize does).
   */
  | {
      readonly kind: 'hashed';
      readonly key: readonly string[];
      readonly exact: boolean;
      readonly viaKeys?: boolean;
      readonly columns?: readonly string[];
    }
  /** All rows in every worker (a small relation joined against partitions). */
  | { readonly kind: 'broadcast' }
  /** Any layout: the step is row-by-row. */
  | { readonly kind: 'any' }
  /** The whole relation on the main thread. */
  | { readonly kind: 'main' };

/** One plan step, compiled. */
export interface Stage {
  /** Index of the step in the plan (workers run a step by its index). */
  readonly index: number;
  readonly step: StepNode;
  /** `main`: the main thread runs it (parse orchestrates blocks, check-rules sees whole tables). */
  readonly runs: 'main' | 'workers';
  readonly inputs: ReadonlyArray<{ readonly relation: string; readonly need: Need }>;
  /** The relation the step produces and its layout: fixed, or the same as one of its inputs. */
  readonly output?: { readonly relation: string; readonly layout: Layout | { readonly sameAs: string } };
}

/** A compiled plan. */
export interface WorkersProgram {
  readonly stages: readonly Stage[];
  /** For each parse output, the key its blocks are hashed by (empty: they stay in arrival blocks). */
  readonly parseKeys: ReadonlyMap<string, readonly string[]>;
}

type Compiler<K extends StepKind> = (step: StepOf<K>, index: number) => Stage;

const hashed = (key: readonly string[], exact = false): Need => ({ kind: 'hashed', key, exact });

/** One compiler per step kind: adding a step kind is a compile error until it is placed here. */
const COMPILERS: { readonly [K in StepKind]: Compiler<K> } = {
  parse: (step, index) => ({
    index,
    step,
    runs: 'main',
    inputs: [],
    output: { relation: step.output, layout: { kind: 'hashed', key: [] } },
  }),
  dedup: (step, index) => ({
    index,
    step,
    runs: 'workers',
    inputs: [{ relation: step.input, need: { kind: 'hashed', key: step.key, exact: false, viaKeys: true } }],
    output: { relation: step.output, layout: { sameAs: step.input } },
  }),
  sessionize: (step, index) => ({
    index,
    step,
    runs: 'workers',
    inputs: [
      {
        relation: step.input,
        need: { kind: 'hashed', key: SESSION_KEY, exact: false, columns: SESSIONIZE_COLUMNS },
      },
    ],
    output: { relation: step.output, layout: { kind: 'hashed', key: SESSION_KEY } },
  }),
  'pick-transaction': (step, index) => ({
    index,
    step,
    runs: 'workers',
    inputs: [
      { relation: step.sessions, need: hashed(SESSION_KEY, true) },
      { relation: step.transactions, need: hashed(SESSION_KEY, true) },
    ],
    output: { relation: step.output, layout: { sameAs: step.sessions } },
  }),
  'snapshot-join': (step, index) => ({
    index,
    step,
    runs: 'workers',
    inputs: [
      { relation: step.input, need: { kind: 'any' } },
      { relation: step.users, need: { kind: 'broadcast' } },
    ],
    output: { relation: step.output, layout: { sameAs: step.input } },
  }),
  'assemble-gold': (step, index) => ({
    index,
    step,
    runs: 'workers',
    inputs: [{ relation: step.input, need: { kind: 'any' } }],
    output: { relation: step.output, layout: { sameAs: step.input } },
  }),
  'check-rules': (step, index) => ({
    index,
    step,
    runs: 'main',
    inputs: Object.values(step.datasets).map((relation) => ({ relation, need: { kind: 'main' } as const })),
  }),
};

/**
 * Places every step of `plan` and picks each parse output's hash key. Rows are placed once, for
 * the first step that needs whole rows together (the transaction join): bronze transactions are
 * hashed by `(session_id, user_id)` and never move again. When every keyed step can make do with
 * a narrow projection (dedup's key columns, sessionize's five columns), the rows stay in the
 * arrival blocks they were parsed in (empty key), so handing them back to the main thread in
 * arrival order is a concatenation rather than a row-by-row merge of interleaved partitions:
 * bronze events and users do.
 *
 * @example
 * const program = compileForWorkers(createPlan());
 * program.parseKeys.get('bronze_transactions'); // ['session_id', 'user_id']
 * program.parseKeys.get('bronze_events'); // [] (arrival blocks)
 */
export function compileForWorkers(plan: Plan): WorkersProgram {
  const compiled = plan.steps.map((step, index) =>
    (COMPILERS[step.kind] as (s: StepNode, i: number) => Stage)(step, index),
  );
  const parseKeys = new Map<string, readonly string[]>();
  const stages = compiled.map((stage): Stage => {
    if (stage.step.kind !== 'parse') return stage;
    // The relations that keep the parse output's layout (dedup output, joins on it, ...).
    const family = new Set([stage.step.output]);
    for (const later of compiled.slice(stage.index + 1)) {
      const out = later.output;
      if (out && 'sameAs' in out.layout && family.has(out.layout.sameAs)) family.add(out.relation);
    }
    const needs = compiled
      .slice(stage.index + 1)
      .flatMap((s) => s.inputs)
      .filter((input) => family.has(input.relation))
      .map((input) => input.need)
      .filter((need): need is Extract<Need, { kind: 'hashed' }> => need.kind === 'hashed');
    const key = needs.find((need) => !need.viaKeys && !need.columns)?.key ?? [];
    parseKeys.set(stage.step.output, key);
    return { ...stage, output: { relation: stage.step.output, layout: { kind: 'hashed', key } } };
  });
  return { stages, parseKeys };
}

/** True when a relation laid out as `layout` meets `need` without moving rows. */
export function satisfies(layout: Layout, need: Need): boolean {
  switch (need.kind) {
    case 'any':
      return true;
    case 'main':
      return false;
    case 'broadcast':
      return layout.kind === 'broadcast';
    case 'hashed':
      if (layout.kind !== 'hashed' || layout.key.length === 0) return false;
      return need.exact
        ? layout.key.length === need.key.length && layout.key.every((k, i) => k === need.key[i])
        : layout.key.every((k) => need.key.includes(k));
  }
}
