import { GlueClient } from '@aws-sdk/client-glue';
import { lakeConfigFromEnv } from '../lambda-config.js';
import { createSilverToGoldHandler } from '../pipeline-stages.js';
import { stageConfigFromEnv } from './stage-env.js';

const database = process.env.GLUE_DATABASE;
const table = process.env.GLUE_TABLE;

/** Silver→gold state of the state machine (template: `SilverToGoldFunction`). */
export const handler = createSilverToGoldHandler({
  ...lakeConfigFromEnv(),
  ...stageConfigFromEnv(),
  ...(database && table ? { glue: { client: new GlueClient({}), database, table } } : {}),
});
