/**
 * An in-process interpreter of the subset of Amazon States Language the goldsmith state machine
 * uses, so the deployed definition (`state-machine.asl.json`) runs in tests against real handlers:
 * Task (Resource → a handler), Parallel, Map (inline, `ItemsPath`, `ItemSelector`,
 * `MaxConcurrency`; a Distributed Map's `ItemReader` through {@link LocalRunOptions.itemReader}),
 * Pass, Succeed, Fail; `InputPath`, `Parameters` (`"key.$": "$.path"`,
 * `$$.Execution.*`, `$$.Map.Item.*`), `ResultSelector`, `ResultPath`, `OutputPath`; `Retry`
 * (`ErrorEquals`, `IntervalSeconds`, `MaxAttempts`, `BackoffRate`, `MaxDelaySeconds`) and `Catch`.
 * Errors are named as Lambda names them for Step Functions: the thrown error's `name`.
 * Anything else in a definition is rejected with {@link StateMachineError}, not ignored.
 */

/** A state of the supported subset (fields as in ASL). */
export interface AslState {
  readonly Type: 'Task' | 'Parallel' | 'Map' | 'Pass' | 'Succeed' | 'Fail';
  readonly Comment?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Resource?: string;
  readonly InputPath?: string | null;
  readonly Parameters?: unknown;
  readonly ResultSelector?: unknown;
  readonly ResultPath?: string | null;
  readonly OutputPath?: string | null;
  readonly Result?: unknown;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
  readonly Branches?: readonly AslDefinition[];
  readonly ItemsPath?: string;
  readonly ItemSelector?: unknown;
  readonly ItemProcessor?: AslDefinition & {
    readonly ProcessorConfig?: { readonly Mode?: string; readonly ExecutionType?: string };
  };
  readonly ItemReader?: {
    readonly Resource: string;
    readonly ReaderConfig?: unknown;
    readonly Parameters?: unknown;
  };
  readonly Iterator?: AslDefinition;
  readonly MaxConcurrency?: number;
  readonly Error?: string;
  readonly Cause?: string;
  readonly TimeoutSeconds?: number;
}

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

/** A state machine (or a Parallel branch / Map processor). */
export interface AslDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

/** What a Task's `Resource` maps to: a Lambda handler. */
export type TaskHandler = (input: never) => Promise<unknown> | unknown;

/** Options of {@link runStateMachine}. */
export interface LocalRunOptions {
  /** `Resource` string → handler, e.g. `{ '${SilverToGoldFunctionArn}': silverToGold }`. */
  readonly resources: Readonly<Record<string, TaskHandler>>;
  /** Multiplies every retry delay (tests use 0.001 so a 2 s backoff takes 2 ms). Default 1. */
  readonly timeScale?: number;
  /** Execution name (`$$.Execution.Name`). Default `local-<time>`. */
  readonly name?: string;
  /**
   * Reads a Distributed Map's items: called with the `ItemReader`'s `Resource` (e.g.
   * `arn:aws:states:::s3:getObject`) and its `Parameters` resolved against the state's input
   * (e.g. `{ Bucket, Key }`); returns the item array. Without it, `ItemReader` is rejected.
   */
  readonly itemReader?: (resource: string, parameters: unknown) => Promise<readonly unknown[]>;
}

/** One entry of the execution history. */
export interface HistoryEvent {
  readonly state: string;
  readonly type: AslState['Type'];
  readonly event: 'entered' | 'succeeded' | 'retry' | 'caught' | 'failed';
  readonly error?: string;
}

/** How an execution ended. */
export type ExecutionResult =
  | { readonly status: 'SUCCEEDED'; readonly output: unknown; readonly history: HistoryEvent[] }
  | {
      readonly status: 'FAILED';
      readonly error: string;
      readonly cause: string;
      readonly history: HistoryEvent[];
    };

/** A definition outside the supported subset, or a failure (`error`, `cause`) of the execution. */
export class StateMachineError extends Error {
  constructor(
    readonly error: string,
    readonly cause_: string,
  ) {
    super(`${error}: ${cause_}`);
    this.name = error;
  }
}

type Json = unknown;

interface Context {
  readonly Execution: {
    readonly Id: string;
    readonly Name: string;
    readonly Input: Json;
    readonly StartTime: string;
  };
  readonly Map?: { readonly Item: { readonly Index: number; readonly Value: Json } };
}

/** Reads `$`, `$.a.b`, `$.a[0].b`, `$['a']` from a value (`$$…` from the context). */
function readPath(path: string, input: Json, context: Context): Json {
  let value: Json;
  let rest: string;
  if (path.startsWith('$$')) {
    value = context;
    rest = path.slice(2);
  } else if (path.startsWith('$')) {
    value = input;
    rest = path.slice(1);
  } else throw new StateMachineError('States.Runtime', `unsupported path ${path}`);
  const tokens = rest.match(/\.[^.[]+|\[\d+\]|\['[^']+'\]/g) ?? [];
  if (tokens.join('') !== rest) throw new StateMachineError('States.Runtime', `unsupported path ${path}`);
  for (const token of tokens) {
    const key = token.startsWith('.')
      ? token.slice(1)
      : token.startsWith("['")
        ? token.slice(2, -2)
        : Number(token.slice(1, -1));
    if (value === null || typeof value !== 'object' || !(key in (value as object)))
      throw new StateMachineError(
        'States.Runtime',
        `path ${path} matches nothing in ${JSON.stringify(input)}`,
      );
    value = (value as Record<string | number, Json>)[key];
  }
  return value;
}

/** Writes `value` at a ResultPath (`$` replaces the input), copying along the way. */
function writePath(path: string, input: Json, value: Json): Json {
  if (path === '$') return value;
  const keys = path.slice(2).split('.');
  const root: Record<string, Json> =
    input !== null && typeof input === 'object' && !Array.isArray(input) ? { ...(input as object) } : {};
  let at = root;
  for (const key of keys.slice(0, -1)) {
    const next = at[key];
    at[key] =
      next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as object) } : {};
    at = at[key] as Record<string, Json>;
  }
  at[keys.at(-1)!] = value;
  return root;
}

/** Applies a Parameters / ResultSelector / ItemSelector template. */
function template(value: Json, input: Json, context: Context): Json {
  if (Array.isArray(value)) return value.map((v) => template(v, input, context));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.endsWith('.$')) {
      if (typeof v !== 'string')
        throw new StateMachineError('States.Runtime', `${key} must be a path string`);
      if (v.startsWith('States.'))
        throw new StateMachineError('States.Runtime', `intrinsic functions are not supported: ${v}`);
      out[key.slice(0, -2)] = readPath(v, input, context);
    } else out[key] = template(v, input, context);
  }
  return out;
}

function matches(errorEquals: readonly string[], error: string): boolean {
  return errorEquals.some(
    (e) => e === 'States.ALL' || e === error || (e === 'States.TaskFailed' && !error.startsWith('States.')),
  );
}

function errorOf(thrown: unknown): { error: string; cause: string } {
  if (thrown instanceof StateMachineError) return { error: thrown.error, cause: thrown.cause_ };
  const e = thrown as Error;
  const name = e?.name && e.name !== 'Error' ? e.name : 'Error';
  // What the Lambda service puts in Cause for a handler error.
  return {
    error: name,
    cause: JSON.stringify({ errorType: name, errorMessage: e?.message ?? String(thrown) }),
  };
}

const SUPPORTED = new Set(['Task', 'Parallel', 'Map', 'Pass', 'Succeed', 'Fail']);

function validate(definition: AslDefinition, where: string, readers = false): void {
  if (!(definition.StartAt in definition.States))
    throw new StateMachineError('States.Runtime', `${where}: StartAt ${definition.StartAt} is not a state`);
  for (const [name, state] of Object.entries(definition.States)) {
    if (!SUPPORTED.has(state.Type))
      throw new StateMachineError(
        'States.Runtime',
        `${where}.${name}: state type ${state.Type} is not supported`,
      );
    if (state.Next !== undefined && !(state.Next in definition.States))
      throw new StateMachineError('States.Runtime', `${where}.${name}: Next ${state.Next} is not a state`);
    for (const c of state.Catch ?? [])
      if (!(c.Next in definition.States))
        throw new StateMachineError(
          'States.Runtime',
          `${where}.${name}: Catch Next ${c.Next} is not a state`,
        );
    for (const [i, branch] of (state.Branches ?? []).entries())
      validate(branch, `${where}.${name}.Branches[${i}]`, readers);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (state.Type === 'Map') {
      if (!processor)
        throw new StateMachineError('States.Runtime', `${where}.${name}: Map without ItemProcessor`);
      if ('ItemReader' in state && !readers)
        throw new StateMachineError(
          'States.Runtime',
          `${where}.${name}: ItemReader needs the itemReader option locally`,
        );
      validate(processor, `${where}.${name}.ItemProcessor`, readers);
    }
  }
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.max(1, Math.min(limit || items.length, items.length)) },
    async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    },
  );
  await Promise.all(workers);
  return out;
}

/**
 * Runs a state machine definition in process and returns how it ended (never throws for an
 * execution failure; throws {@link StateMachineError} for an unsupported definition).
 *
 * @example
 * const run = await runStateMachine(definition, { trigger: 'schedule' }, { resources: { 'arn:…:notify': notify } });
 * if (run.status === 'FAILED') console.error(run.error, run.cause);
 */
export async function runStateMachine(
  definition: AslDefinition,
  input: Json,
  options: LocalRunOptions,
): Promise<ExecutionResult> {
  validate(definition, 'States', options.itemReader !== undefined);
  const history: HistoryEvent[] = [];
  const scale = options.timeScale ?? 1;
  const name = options.name ?? `local-${Date.now()}`;
  const context: Context = {
    Execution: {
      Id: `arn:aws:states:local:000000000000:execution:goldsmith:${name}`,
      Name: name,
      Input: input,
      StartTime: new Date().toISOString(),
    },
  };

  const runState = async (stateName: string, state: AslState, raw: Json, ctx: Context): Promise<Json> => {
    const effective = state.InputPath === null ? {} : readPath(state.InputPath ?? '$', raw, ctx);
    const params = state.Parameters !== undefined ? template(state.Parameters, effective, ctx) : effective;
    let result: Json;
    switch (state.Type) {
      case 'Pass':
        result = state.Result !== undefined ? state.Result : params;
        break;
      case 'Task': {
        const handler = state.Resource ? options.resources[state.Resource] : undefined;
        if (!handler)
          throw new StateMachineError(
            'States.Runtime',
            `${stateName}: no handler for Resource ${state.Resource}`,
          );
        // A Lambda payload is JSON: what the handler sees and returns goes through JSON.
        result = JSON.parse(JSON.stringify((await handler(structuredClone(params) as never)) ?? null));
        break;
      }
      case 'Parallel':
        result = await Promise.all(
          (state.Branches ?? []).map((branch) => runMachine(branch, params, ctx, `${stateName}/`)),
        );
        break;
      case 'Map': {
        const items = state.ItemReader
          ? await options.itemReader!(
              state.ItemReader.Resource,
              template(state.ItemReader.Parameters ?? {}, params, ctx),
            )
          : readPath(state.ItemsPath ?? '$', params, ctx);
        if (!Array.isArray(items))
          throw new StateMachineError('States.Runtime', `${stateName}: ItemsPath is not an array`);
        const processor = (state.ItemProcessor ?? state.Iterator)!;
        result = await mapLimit(items, state.MaxConcurrency ?? 0, (item, index) => {
          const itemCtx: Context = { ...ctx, Map: { Item: { Index: index, Value: item } } };
          const itemInput =
            state.ItemSelector !== undefined ? template(state.ItemSelector, params, itemCtx) : item;
          return runMachine(processor, itemInput, itemCtx, `${stateName}[${index}]/`);
        });
        break;
      }
      default:
        throw new StateMachineError('States.Runtime', `${stateName}: ${state.Type} cannot run here`);
    }
    if (state.ResultSelector !== undefined) result = template(state.ResultSelector, result, ctx);
    const combined = state.ResultPath === null ? raw : writePath(state.ResultPath ?? '$', raw, result);
    return state.OutputPath === null ? {} : readPath(state.OutputPath ?? '$', combined, ctx);
  };

  const runMachine = async (
    machine: AslDefinition,
    start: Json,
    ctx: Context,
    prefix: string,
  ): Promise<Json> => {
    let current = machine.StartAt;
    let value = start;
    for (;;) {
      const state = machine.States[current]!;
      const label = `${prefix}${current}`;
      history.push({ state: label, type: state.Type, event: 'entered' });
      if (state.Type === 'Succeed') {
        history.push({ state: label, type: state.Type, event: 'succeeded' });
        return state.OutputPath === null
          ? {}
          : readPath(
              state.OutputPath ?? '$',
              state.InputPath === null ? {} : readPath(state.InputPath ?? '$', value, ctx),
              ctx,
            );
      }
      if (state.Type === 'Fail') {
        history.push({
          state: label,
          type: state.Type,
          event: 'failed',
          error: state.Error ?? 'States.Fail',
        });
        throw new StateMachineError(state.Error ?? 'States.Fail', state.Cause ?? '');
      }
      const attempts = new Map<Retrier, number>();
      let output: Json;
      let caught = false;
      for (;;) {
        try {
          output = await runState(label, state, value, ctx);
          break;
        } catch (thrown) {
          const { error, cause } = errorOf(thrown);
          const retrier = (state.Retry ?? []).find((r) => matches(r.ErrorEquals, error));
          const done = retrier ? (attempts.get(retrier) ?? 0) : 0;
          if (retrier && done < (retrier.MaxAttempts ?? 3)) {
            attempts.set(retrier, done + 1);
            history.push({ state: label, type: state.Type, event: 'retry', error });
            const delay = Math.min(
              (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** done,
              retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
            );
            await new Promise((r) => setTimeout(r, delay * 1000 * scale));
            continue;
          }
          const catcher = (state.Catch ?? []).find((c) => matches(c.ErrorEquals, error));
          if (!catcher) {
            history.push({ state: label, type: state.Type, event: 'failed', error });
            throw new StateMachineError(error, cause);
          }
          history.push({ state: label, type: state.Type, event: 'caught', error });
          const errorOutput = { Error: error, Cause: cause };
          value =
            catcher.ResultPath === null ? value : writePath(catcher.ResultPath ?? '$', value, errorOutput);
          current = catcher.Next;
          caught = true;
          break;
        }
      }
      if (caught) continue;
      history.push({ state: label, type: state.Type, event: 'succeeded' });
      value = output;
      if (state.End) return value;
      if (!state.Next) throw new StateMachineError('States.Runtime', `${label}: neither Next nor End`);
      current = state.Next;
    }
  };

  try {
    const output = await runMachine(definition, input, context, '');
    return { status: 'SUCCEEDED', output, history };
  } catch (thrown) {
    const { error, cause } = errorOf(thrown);
    return { status: 'FAILED', error, cause, history };
  }
}
