import { createPlan } from '../plan/index.js';
import { parseFlags, UsageError } from './args.js';
import { ENGINE_NAMES } from './engines.js';

export const PLAN_HELP = `Usage: goldsmith plan [--engine NAME] [--time-zone IANA]

Prints the pipeline plan as JSON: the serializable steps every engine executes. With a DuckDB
engine, prints the SQL each step compiles to instead.

Options:
  --engine NAME       ${ENGINE_NAMES.join(' | ')} (default arrow: the plan JSON, which the Arrow and
                      worker engines interpret as is)
  --time-zone IANA    run time zone (default UTC)
  -h, --help          this help`;

/** `goldsmith plan`. */
export async function planCommand(argv: string[]): Promise<number> {
  const v = parseFlags(argv, {
    engine: { type: 'string', default: 'arrow' },
    'time-zone': { type: 'string', default: 'UTC' },
  });
  if (v.help) {
    console.log(PLAN_HELP);
    return 0;
  }
  if (!(ENGINE_NAMES as readonly string[]).includes(v.engine)) {
    throw new UsageError(`--engine ${v.engine}: unknown engine; available: ${ENGINE_NAMES.join(', ')}`);
  }
  const plan = createPlan({ timeZone: v['time-zone'] });
  if (v.engine.startsWith('duckdb')) {
    const { compilePlan } = await import('../../engines/duckdb/index.js');
    for (const { step, sql } of compilePlan(plan))
      console.log(`-- ${step}\n${sql.map((s) => `${s.trim()};`).join('\n')}\n`);
    return 0;
  }
  console.log(JSON.stringify(plan, null, 2));
  return 0;
}
