import { type Engine, interpretPlan } from '../../src/engine/index.js';
import { STEP_KINDS } from '../../src/plan/index.js';
import { arrowKernels } from './arrow-kernels.js';

/**
 * The in-process Arrow engine (`--engine arrow`, the default): runs the reference kernels on the
 * calling thread. No resources to release.
 *
 * @example
 * const engine = createArrowEngine();
 * const result = await engine.execute(createPlan(), { runId, processingTimestamp, inputs });
 */
export function createArrowEngine(): Engine {
  return {
    name: 'arrow',
    capabilities: { steps: STEP_KINDS, parallel: false },
    execute: (plan, context) => interpretPlan('arrow', arrowKernels, plan, context),
    close: async () => {},
  };
}
