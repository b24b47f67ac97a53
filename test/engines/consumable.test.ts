import { describe, expect, it } from 'vitest';
import { arrowKernels } from '../../engines/arrow/arrow-kernels.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { interpretPlan, type KernelTable } from '../../src/engine/interpret.js';
import { createPlan, type Plan, RELATIONS } from '../../src/plan/index.js';
import { bytesInput } from '../../src/read/index.js';

// Dedup compacts a bronze table in place only when nothing reads it afterwards: a plan whose
// rules also look at bronze must still see every bronze row (SPEC §2, §4).

const line = (id: string, second: number) =>
  JSON.stringify({
    event_id: id,
    session_id: 'S1',
    user_id: 'U1',
    event_type: 'click',
    event_timestamp: `2025-09-05T10:00:0${second}Z`,
    event_details: { n: second },
  });
// E2 arrives twice (a retry with a later timestamp): the second one wins.
const events = bytesInput(
  'events.jsonl',
  [line('E1', 1), line('E2', 2), line('E3', 3), line('E2', 4)].join('\n'),
);

async function run(plan: Plan) {
  const seen: Record<string, boolean> = {};
  const kernels: KernelTable = {
    ...arrowKernels,
    dedup: (step, state) => {
      seen[step.input] = state.consumable(step.input);
      return arrowKernels.dedup(step, state);
    },
  };
  const context = { runId: 'consumable', processingTimestamp: 0, inputs: { events: [events] } };
  const result = await interpretPlan('arrow', kernels, plan, context);
  return { seen, result };
}

describe('consumable relations', () => {
  it('the standard plan lets each dedup reuse its bronze table', async () => {
    const { seen } = await run(createPlan({ timeZone: 'America/Lima' }));
    expect(seen).toEqual({
      [RELATIONS.bronzeEvents]: true,
      [RELATIONS.bronzeTransactions]: true,
      [RELATIONS.bronzeUsers]: true,
    });
  });

  it('a bronze table a later step reads is gathered, not compacted, and stays whole', async () => {
    const standard = createPlan({ timeZone: 'America/Lima', rules: 'Rules = [ RowCount > 0 ]' });
    const plan: Plan = {
      ...standard,
      steps: standard.steps.map((s) =>
        s.kind === 'check-rules' ? { ...s, datasets: { ...s.datasets, bronze: RELATIONS.bronzeEvents } } : s,
      ),
    };
    const { seen, result } = await run(plan);
    expect(seen[RELATIONS.bronzeEvents]).toBe(false);
    expect(seen[RELATIONS.bronzeTransactions]).toBe(true);
    expect(result.counts.events).toMatchObject({ valid: 4, duplicates: 1, distinct: 3 });
    expect(tableToRows(result.silver.events).map((r) => [r.event_id, r.event_details])).toEqual([
      ['E1', '{"n":1}'],
      ['E3', '{"n":3}'],
      ['E2', '{"n":4}'],
    ]);
    // The rules saw all four bronze rows.
    const rowCount = result.dq.results.find((r) => r.dataset === 'bronze');
    expect(Object.values(rowCount?.evaluatedMetrics ?? {})).toEqual([4]);
  });
});
