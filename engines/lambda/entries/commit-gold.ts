import { GlueClient } from '@aws-sdk/client-glue';
import { createCommitGoldHandler } from '../distributed-gold.js';
import { lakeConfigFromEnv } from '../lambda-config.js';

const database = process.env.GLUE_DATABASE;
const table = process.env.GLUE_TABLE;

/** The one gold commit of the Distributed Map state machine (template: `CommitGoldFunction`). */
export const handler = createCommitGoldHandler({
  ...lakeConfigFromEnv(),
  ...(database && table ? { glue: { client: new GlueClient({}), database, table } } : {}),
});
