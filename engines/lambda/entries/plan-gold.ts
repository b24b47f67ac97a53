import { createPlanGoldHandler } from '../distributed-gold.js';
import { lakeConfigFromEnv } from '../lambda-config.js';
import { stageConfigFromEnv } from './stage-env.js';

const maxItems = process.env.GOLDSMITH_MAX_ITEMS;

/** Plan step of the Distributed Map state machine (template: `PlanGoldFunction`). */
export const handler = createPlanGoldHandler({
  ...lakeConfigFromEnv(),
  ...stageConfigFromEnv(),
  ...(maxItems ? { maxItems: Number(maxItems) } : {}),
});
