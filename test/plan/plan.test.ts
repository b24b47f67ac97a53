import { describe, expect, it } from 'vitest';
import { arrowKernels } from '../../engines/arrow/index.js';
import { DEFAULT_RULESET_TEXT } from '../../src/dq/index.js';
import {
  interpretPlan,
  type KernelTable,
  UnsupportedStepError,
  unsupported,
} from '../../src/engine/index.js';
import { createPlan, Plan, planFromJSON, STEP_KINDS } from '../../src/plan/index.js';
import { bytesInput } from '../../src/read/index.js';

describe('the plan is data (STYLE: plan as data)', () => {
  it('survives JSON and structuredClone unchanged (what workers and Lambdas receive)', () => {
    const plan = createPlan({ timeZone: 'America/Lima', dataVersion: 2, sourceSystem: 'x' });
    expect(planFromJSON(JSON.stringify(plan))).toEqual(plan);
    expect(planFromJSON(structuredClone(plan))).toEqual(plan);
  });

  it('uses every step kind and the SPEC defaults', () => {
    const plan = createPlan();
    expect(new Set(plan.steps.map((s) => s.kind))).toEqual(new Set(STEP_KINDS));
    expect(plan.options).toEqual({
      timeZone: 'UTC',
      dataVersion: 1,
      sourceSystem: 'digital-services',
      rules: DEFAULT_RULESET_TEXT,
    });
  });

  it('rejects malformed plans with a path to the problem', () => {
    const plan = createPlan();
    const bad = { ...plan, steps: [...plan.steps, { kind: 'explode', input: 'gold' }] };
    const result = Plan.safeParse(bad);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('kind');
    expect(() => planFromJSON({ ...plan, options: { ...plan.options, dataVersion: 1.5 } })).toThrow();
  });
});

describe('engines interpret plans through exhaustive kernel tables', () => {
  const context = { runId: 'r', processingTimestamp: 0, inputs: { events: [bytesInput('e.jsonl', '')] } };

  it('an engine without a kernel for a step raises the typed UnsupportedStepError', async () => {
    const partial: KernelTable = {
      ...arrowKernels,
      sessionize: unsupported('toy', 'sessionize') as KernelTable['sessionize'],
    };
    const failure = interpretPlan('toy', partial, createPlan(), context);
    await expect(failure).rejects.toBeInstanceOf(UnsupportedStepError);
    await expect(failure).rejects.toMatchObject({ engine: 'toy', kind: 'sessionize' });
  });

  it('a relation used before it is produced is a plan error', async () => {
    const plan = createPlan();
    const reordered = { ...plan, steps: [plan.steps[3]!, ...plan.steps] };
    await expect(interpretPlan('arrow', arrowKernels, reordered, context)).rejects.toThrow(
      /used before a step produces it/,
    );
  });

  it('an aborted signal stops the run between steps', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    await expect(
      interpretPlan('arrow', arrowKernels, createPlan(), { ...context, signal: controller.signal }),
    ).rejects.toThrow('stop now');
  });
});
