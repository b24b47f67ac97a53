import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A watermark: the greatest `updated_at` (epoch microseconds, UTC) an extraction has delivered. */
export interface Watermark {
  readonly micros: number;
  /** The run that set it. */
  readonly runId: string;
}

/**
 * Watermarks in a DynamoDB table keyed by `pk` (string): item `{ pk, watermark_us (N),
 * watermark (S, ISO-8601 for people), run_id, updated_ms }`.
 */
export interface WatermarkStore {
  get(name: string): Promise<Watermark | undefined>;
  /**
   * Moves the watermark forward to `micros` only if it is greater than the stored one (a
   * conditional UpdateItem, so two runs never move it backwards): true when this call moved it.
   */
  advance(name: string, micros: number, runId: string): Promise<boolean>;
}

/**
 * {@link WatermarkStore} over DynamoDB. Reads are strongly consistent; `advance` is one
 * `UpdateItem` with `ConditionExpression: attribute_not_exists(watermark_us) OR watermark_us < :new`
 * — DynamoDB evaluates the condition and the write atomically, so of two racing runs the one with
 * the smaller value loses (`ConditionalCheckFailedException` → false), whatever the order.
 *
 * @example
 * const store = dynamoWatermarkStore(new DynamoDBClient({}), process.env.WATERMARK_TABLE!);
 */
export function dynamoWatermarkStore(client: DynamoDBClient, table: string): WatermarkStore {
  const sdk = import('@aws-sdk/client-dynamodb');
  return {
    async get(name) {
      const { GetItemCommand } = await sdk;
      const { Item } = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: name } }, ConsistentRead: true }),
      );
      const micros = Item?.watermark_us?.N;
      if (micros === undefined) return undefined;
      return { micros: Number(micros), runId: Item?.run_id?.S ?? '' };
    },
    async advance(name, micros, runId) {
      if (!Number.isSafeInteger(micros))
        throw new RangeError(`watermark ${micros} is not an integer of microseconds`);
      const { UpdateItemCommand, ConditionalCheckFailedException } = await sdk;
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { pk: { S: name } },
            UpdateExpression: 'SET watermark_us = :new, watermark = :iso, run_id = :run, updated_ms = :now',
            ConditionExpression: 'attribute_not_exists(watermark_us) OR watermark_us < :new',
            ExpressionAttributeValues: {
              ':new': { N: String(micros) },
              ':iso': { S: new Date(Math.floor(micros / 1000)).toISOString() },
              ':run': { S: runId },
              ':now': { N: String(Date.now()) },
            },
          }),
        );
        return true;
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as Error).name === 'ConditionalCheckFailedException'
        )
          return false;
        throw error;
      }
    },
  };
}
