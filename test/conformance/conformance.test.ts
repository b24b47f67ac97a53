import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, PipelineResult } from '../../src/engine/index.js';
import { UnsupportedStepError } from '../../src/engine/index.js';
import { generate } from '../../src/generate/index.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { createPlan, STEP_KINDS } from '../../src/plan/index.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { ROOT, SPARK_PEER } from '../support/paths.js';
import { sparkGoldRows } from '../support/spark-peer.js';
import { expectSameResult, sortedRows } from './compare.js';
import { ENGINES } from './engines.js';

/** A conformance case: an input folder and a time zone. */
interface Case {
  name: string;
  input: () => string;
  timeZone: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'goldsmith-conformance-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FIXTURES = join(ROOT, 'test/fixtures/cases');
const CASES: Case[] = [
  ...readdirSync(FIXTURES)
    .sort()
    .map((name) => ({
      name: `fixture ${name}`,
      input: () => join(FIXTURES, name, 'input'),
      timeZone: name.includes('lima') ? 'America/Lima' : 'UTC',
    })),
  { name: 'spark peer', input: () => join(SPARK_PEER, 'bronze'), timeZone: 'America/Lima' },
  {
    name: 'generated, 1% corrupt, retries, one file per source',
    input: () => join(scratch, 'flat'),
    timeZone: 'America/Lima',
  },
  { name: 'generated, hourly arrival batches', input: () => join(scratch, 'hourly'), timeZone: 'UTC' },
];

const NOW = () => Date.UTC(2025, 11, 5, 12, 0, 0);
const reference = new Map<string, PipelineResult>();

beforeAll(async () => {
  const common = {
    users: 400,
    sessions: 4000,
    events: 20_000,
    transactions: 2_500,
    lateRate: 0.05,
    duplicateRate: 0.02,
  };
  await generate({
    ...common,
    outDir: join(scratch, 'flat'),
    eventDuplicateRate: 0.02,
    corruptRate: 0.01,
    seed: 11,
    batches: 'none',
  });
  await generate({
    ...common,
    outDir: join(scratch, 'hourly'),
    eventDuplicateRate: 0.01,
    corruptRate: 0.005,
    seed: 12,
    batches: 'hourly',
  });
  const { createArrowEngine } = await import('../../engines/arrow/index.js');
  for (const c of CASES) {
    const { result } = await runPipeline({
      inputs: await discoverInputs(c.input()),
      engine: createArrowEngine(),
      plan: { timeZone: c.timeZone },
      now: NOW,
    });
    reference.set(c.name, result);
  }
}, 300_000);

describe.each(ENGINES)('engine $name (conformance with the reference engine)', (engineUnderTest) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await engineUnderTest.create();
  }, 120_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('implements every step kind of the plan, or raises the typed error for the ones it does not', async () => {
    const missing = STEP_KINDS.filter((k) => !engine.capabilities.steps.includes(k));
    for (const kind of missing) {
      const plan = createPlan();
      const failure = engine.execute(
        { ...plan, steps: plan.steps.filter((s) => s.kind === kind || s.kind === 'parse') },
        {
          runId: 'x',
          processingTimestamp: 0,
          inputs: {},
        },
      );
      await expect(failure).rejects.toBeInstanceOf(UnsupportedStepError);
    }
    expect(missing).toEqual([]);
  });

  it.each(CASES)('$name: same silver, gold, quarantine, counts and rule results', async (c) => {
    const { result } = await runPipeline({
      inputs: await discoverInputs(c.input()),
      engine,
      plan: { timeZone: c.timeZone },
      now: NOW,
    });
    expectSameResult(result, reference.get(c.name)!);
  });

  it('spark peer: gold equals what Spark wrote (SPEC §7 columns)', async () => {
    const { result } = await runPipeline({
      inputs: await discoverInputs(join(SPARK_PEER, 'bronze')),
      engine,
      plan: { timeZone: 'America/Lima' },
      now: NOW,
    });
    const ignore = [
      'event_types',
      'first_event_type',
      'last_event_type',
      'processing_timestamp',
      'source_system',
    ];
    const spark = (() => {
      const rows = sparkGoldRows().map((row) => {
        for (const name of ignore) delete row[name];
        return JSON.stringify(row);
      });
      return rows.sort();
    })();
    expect(sortedRows(result.gold, ignore)).toEqual(spark);
  });

  it('the same input twice gives the same result (deterministic)', async () => {
    const c = CASES.find((x) => x.name.startsWith('generated, 1%'))!;
    const once = await runPipeline({
      inputs: await discoverInputs(c.input()),
      engine,
      plan: { timeZone: c.timeZone },
      now: NOW,
    });
    const twice = await runPipeline({
      inputs: await discoverInputs(c.input()),
      engine,
      plan: { timeZone: c.timeZone },
      now: NOW,
    });
    expectSameResult(twice.result, once.result);
  });
});
