/**
 * `goldsmith/engines/lambda`: the seed's serverless platform — Lambda handlers for ingestion
 * (Firehose transformation, Kinesis consumer, hourly transactions, daily users with a DynamoDB
 * watermark), the bronze→silver / silver→gold stages over the Iceberg warehouse on S3, notify
 * (SNS, Slack), CloudWatch EMF metrics, and an in-process runner of the Step Functions definition.
 * Each handler is a factory taking its configuration, so it can be tested and composed; the
 * deployed entry points (`entries/*.ts`) build it from environment variables.
 *
 * @example
 * ```ts
 * import { createSilverToGoldHandler } from 'goldsmith/engines/lambda';
 * export const handler = createSilverToGoldHandler({ bronze: 's3://lake/bronze', warehouse: 's3://lake/wh' });
 * ```
 *
 * @module
 */

export {
  CommitGoldInput,
  createCommitGoldHandler,
  createGoldPartitionHandler,
  createPlanGoldHandler,
  GoldPartitionInput,
  type GoldPartitionOutput,
  type PlanGoldOutput,
} from './distributed-gold.js';
export {
  type EmfOptions,
  emfLine,
  METRICS_NAMESPACE,
  type Metric,
  type MetricsSink,
  MetricUnit,
  metricsFor,
  stdoutMetrics,
} from './emf.js';
export { createFirehoseTransformHandler, type FirehoseTransformOptions } from './firehose-transform.js';
export { type GlueTableRef, pointGlueTable } from './glue-catalog.js';
export {
  createKinesisConsumerHandler,
  type KinesisIngestResult,
  type ReplayOptions,
  replayFromTimestamp,
} from './kinesis-consumer.js';
export {
  arrivalPartition,
  type LakeConfig,
  lakeConfigFromEnv,
  type ResolvedLake,
  resolveLake,
} from './lambda-config.js';
export { lambdaLogger } from './lambda-logger.js';
export {
  type AslDefinition,
  type AslState,
  type LocalRunOptions,
  runStateMachine,
  StateMachineError,
  type TaskHandler,
} from './local-state-machine.js';
export { createNotifyHandler, formatNotification, type NotifyConfig, NotifyInput } from './notify.js';
export {
  BronzeToSilverInput,
  BronzeToSilverOutput,
  createBronzeToSilverHandler,
  createSilverToGoldHandler,
  type RunSummary,
  SilverToGoldInput,
  type StageConfig,
} from './pipeline-stages.js';
export {
  createTransactionsIngestHandler,
  type IngestedObject,
  type TransactionsIngestConfig,
} from './transactions-ingest.js';
export {
  createUsersExtractHandler,
  s3CsvUsersSource,
  type UsersExtractConfig,
  type UsersExtractResult,
  type UsersSource,
  usersToCsv,
} from './users-extract.js';
export { dynamoWatermarkStore, type Watermark, type WatermarkStore } from './watermark-store.js';
