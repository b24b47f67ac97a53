import { lakeConfigFromEnv } from '../lambda-config.js';
import { createTransactionsIngestHandler } from '../transactions-ingest.js';

/** Hourly transactions ingestion (template: `TransactionsIngestFunction`). */
export const handler = createTransactionsIngestHandler({
  ...lakeConfigFromEnv(),
  ...(process.env.GOLDSMITH_LANDING ? { landing: process.env.GOLDSMITH_LANDING } : {}),
});
