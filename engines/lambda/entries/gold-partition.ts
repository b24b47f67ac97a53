import { createGoldPartitionHandler } from '../distributed-gold.js';
import { lakeConfigFromEnv } from '../lambda-config.js';

/** One Distributed Map item of the Distributed Map state machine (template: `GoldPartitionFunction`). */
export const handler = createGoldPartitionHandler(lakeConfigFromEnv());
