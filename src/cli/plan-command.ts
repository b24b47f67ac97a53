import { createPlan } from '../plan/index.js';
import { parseFlags, UsageError } from './args.js';
import { ENGINE_NAMES } from './engines.js';

export const PLAN_HELP = `Usage: goldsmith plan [--engine NAME] [--time-zone IANA]

Prints the pipeline plan as JSON: the serializable steps every engine executes.

Options:
  --engine NAME       ${ENGINE_NAMES.join(' | ')} (default arrow; the Arrow engine interprets the JSON as is)
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
  console.log(JSON.stringify(createPlan({ timeZone: v['time-zone'] }), null, 2));
  return 0;
}
