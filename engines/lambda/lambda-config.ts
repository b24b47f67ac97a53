import type { S3Client } from '@aws-sdk/client-s3';
import { defaultS3Client } from '../../src/io/s3-file-io.js';
import { ConfigurationError } from '../../src/run/errors.js';
import type { Logger } from '../../src/run/notifier.js';
import { TimeZone } from '../../src/time/index.js';
import { type Metrics, type MetricsSink, metricsFor } from './emf.js';
import { lambdaLogger } from './lambda-logger.js';

/**
 * What every handler needs: where the lake is and how to talk to it. Handlers are made by
 * `create…Handler(config)` factories so tests inject clients and sinks; the deployed entry points
 * build the config from environment variables ({@link lakeConfigFromEnv}).
 */
export interface LakeConfig {
  /** Bronze root, e.g. `s3://lake/bronze` (sources under `events/`, `transactions/`, `users/`). */
  readonly bronze: string;
  /** Warehouse root, e.g. `s3://lake/wh` (Iceberg tables, `quarantine/`, `_runs/`). */
  readonly warehouse: string;
  /** IANA zone of timestamps without offset (SPEC §1). Default `UTC`. */
  readonly timeZone?: string;
  /** Default: a client from the standard credential chain (`AWS_ENDPOINT_URL` honoured). */
  readonly s3?: S3Client;
  /** Default: pino JSON on stdout. */
  readonly logger?: Logger;
  /** Where EMF lines go. Default: stdout. */
  readonly metrics?: MetricsSink;
}

/** A {@link LakeConfig} with every default filled in. */
export interface ResolvedLake {
  readonly bronze: string;
  readonly warehouse: string;
  readonly timeZone: string;
  readonly s3: S3Client;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Fills in a config's defaults for one function. */
export async function resolveLake(config: LakeConfig, functionName: string): Promise<ResolvedLake> {
  const timeZone = config.timeZone ?? 'UTC';
  TimeZone.of(timeZone);
  return {
    bronze: config.bronze.replace(/\/+$/, ''),
    warehouse: config.warehouse.replace(/\/+$/, ''),
    timeZone,
    s3: config.s3 ?? (await defaultS3Client()),
    logger: config.logger ?? lambdaLogger(functionName),
    metrics: metricsFor(functionName, config.metrics),
  };
}

/** Reads a required environment variable. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`environment variable ${name} is not set`);
  return value;
}

/**
 * The config the template gives every function: `GOLDSMITH_BRONZE`, `GOLDSMITH_WAREHOUSE`,
 * `GOLDSMITH_TIME_ZONE` (optional).
 */
export function lakeConfigFromEnv(): LakeConfig {
  return {
    bronze: requiredEnv('GOLDSMITH_BRONZE'),
    warehouse: requiredEnv('GOLDSMITH_WAREHOUSE'),
    ...(process.env.GOLDSMITH_TIME_ZONE ? { timeZone: process.env.GOLDSMITH_TIME_ZONE } : {}),
  };
}

/** `YYYY-MM-DD` and `HH` of an instant, UTC: the arrival-hour partition of bronze. */
export function arrivalPartition(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `ingest_date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}
