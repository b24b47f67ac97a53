import { createKinesisConsumerHandler } from '../kinesis-consumer.js';
import { lakeConfigFromEnv } from '../lambda-config.js';

/** Kinesis event-source consumer (template: `KinesisConsumerFunction`). */
export const handler = createKinesisConsumerHandler(lakeConfigFromEnv());
