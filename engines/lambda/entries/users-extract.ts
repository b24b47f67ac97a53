import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defaultS3Client } from '../../../src/io/s3-file-io.js';
import { lakeConfigFromEnv, requiredEnv } from '../lambda-config.js';
import { createUsersExtractHandler, s3CsvUsersSource } from '../users-extract.js';
import { dynamoWatermarkStore } from '../watermark-store.js';

const s3 = await defaultS3Client();

/** Daily users extraction (template: `UsersExtractFunction`). */
export const handler = createUsersExtractHandler({
  ...lakeConfigFromEnv(),
  s3,
  source: s3CsvUsersSource(s3, requiredEnv('GOLDSMITH_USERS_SOURCE')),
  watermarks: dynamoWatermarkStore(new DynamoDBClient({}), requiredEnv('WATERMARK_TABLE')),
});
