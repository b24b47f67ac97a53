import { createFirehoseTransformHandler } from '../firehose-transform.js';

/** Firehose data-transformation Lambda (template: `FirehoseTransformFunction`). */
export const handler = createFirehoseTransformHandler(
  process.env.GOLDSMITH_TIME_ZONE ? { timeZone: process.env.GOLDSMITH_TIME_ZONE } : {},
);
