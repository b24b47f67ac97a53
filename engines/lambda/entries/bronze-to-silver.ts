import { lakeConfigFromEnv } from '../lambda-config.js';
import { createBronzeToSilverHandler } from '../pipeline-stages.js';
import { stageConfigFromEnv } from './stage-env.js';

/** Bronze→silver branch of the state machine (template: `BronzeToSilverFunction`). */
export const handler = createBronzeToSilverHandler({ ...lakeConfigFromEnv(), ...stageConfigFromEnv() });
