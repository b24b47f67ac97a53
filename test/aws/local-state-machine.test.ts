import { describe, expect, it } from 'vitest';
import { type AslDefinition, runStateMachine, StateMachineError } from '../../engines/lambda/index.js';

class Flaky extends Error {
  override readonly name = 'Flaky';
}

describe('runStateMachine (the ASL subset, in process)', () => {
  it('Map with ItemSelector and MaxConcurrency, Pass, ResultSelector, ResultPath and OutputPath', async () => {
    let running = 0;
    let peak = 0;
    const definition: AslDefinition = {
      StartAt: 'Seed',
      States: {
        Seed: {
          Type: 'Pass',
          Result: { dates: ['2025-09-05', '2025-09-06', '2025-09-07'] },
          ResultPath: '$.plan',
          Next: 'Fan',
        },
        Fan: {
          Type: 'Map',
          ItemsPath: '$.plan.dates',
          MaxConcurrency: 2,
          ItemSelector: { 'date.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'run.$': '$.run' },
          ItemProcessor: {
            StartAt: 'Work',
            States: {
              Work: { Type: 'Task', Resource: 'work', ResultSelector: { 'rows.$': '$.rows' }, End: true },
            },
          },
          ResultPath: '$.results',
          OutputPath: '$.results',
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    };
    const run = await runStateMachine(
      definition,
      { run: 'R1' },
      {
        resources: {
          work: async (input: { date: string; index: number; run: string }) => {
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, 10));
            running--;
            return { rows: `${input.run}:${input.index}:${input.date}`, ignored: true };
          },
        },
      },
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.status === 'SUCCEEDED' && run.output).toEqual([
      { rows: 'R1:0:2025-09-05' },
      { rows: 'R1:1:2025-09-06' },
      { rows: 'R1:2:2025-09-07' },
    ]);
    expect(peak).toBe(2);
  });

  it('retries with exponential backoff, then catches into the error path', async () => {
    const at: number[] = [];
    const definition: AslDefinition = {
      StartAt: 'Try',
      States: {
        Try: {
          Type: 'Task',
          Resource: 'flaky',
          Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 3 }],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recover' }],
          End: true,
        },
        Recover: {
          Type: 'Pass',
          Parameters: { 'caught.$': '$.error.Error', 'input.$': '$.keep' },
          End: true,
        },
      },
    };
    const started = Date.now();
    const run = await runStateMachine(
      definition,
      { keep: 1 },
      {
        timeScale: 0.01,
        resources: {
          flaky: async () => {
            at.push(Date.now() - started);
            throw new Flaky('always');
          },
        },
      },
    );
    expect(run.status === 'SUCCEEDED' && run.output).toEqual({ caught: 'Flaky', input: 1 });
    expect(at).toHaveLength(3);
    // 1 s then 3 s, scaled by 0.01.
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(9);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(29);
    expect(run.history.map((h) => h.event)).toEqual([
      'entered',
      'retry',
      'retry',
      'caught',
      'entered',
      'succeeded',
    ]);
  });

  it('an uncaught error or a Fail state fails the execution with its error and cause', async () => {
    const fail = await runStateMachine(
      { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Nope', Cause: 'because' } } },
      {},
      { resources: {} },
    );
    expect(fail).toMatchObject({ status: 'FAILED', error: 'Nope', cause: 'because' });
    const thrown = await runStateMachine(
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'x', End: true } } },
      {},
      {
        resources: {
          x: () => {
            throw new TypeError('bad input');
          },
        },
      },
    );
    expect(thrown.status === 'FAILED' && [thrown.error, JSON.parse(thrown.cause)]).toEqual([
      'TypeError',
      { errorType: 'TypeError', errorMessage: 'bad input' },
    ]);
  });

  it('rejects what it does not implement instead of ignoring it', async () => {
    await expect(
      runStateMachine(
        { StartAt: 'C', States: { C: { Type: 'Choice' as 'Pass', End: true } } },
        {},
        { resources: {} },
      ),
    ).rejects.toThrow(StateMachineError);
    await expect(
      runStateMachine(
        { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } },
        {},
        { resources: {} },
      ),
    ).rejects.toThrow(/Next Missing is not a state/);
  });
});
