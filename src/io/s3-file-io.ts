import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { FileIO } from '../iceberg/file-io.js';
import { ConfigurationError } from '../run/errors.js';

/** Bytes above which {@link s3FileIO} writes with a multipart upload (default 8 MiB). */
export const MULTIPART_THRESHOLD = 8 << 20;

/** A parsed `s3://bucket/key` location. */
export interface S3Location {
  readonly bucket: string;
  /** The key, without a leading slash; `''` for the bucket root. */
  readonly key: string;
}

/** True for `s3://…` locations (also `s3a://`, as Spark writes them). */
export function isS3Location(location: string): boolean {
  return /^s3a?:\/\//.test(location);
}

/**
 * Splits `s3://bucket/key` into bucket and key.
 *
 * @example
 * parseS3Location('s3://lake/wh/gold'); // { bucket: 'lake', key: 'wh/gold' }
 */
export function parseS3Location(location: string): S3Location {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!match) throw new ConfigurationError(`${location}: expected s3://bucket/prefix`);
  return { bucket: match[1]!, key: match[2]! };
}

/** Options of {@link s3FileIO}. */
export interface S3FileIOOptions {
  /** A client to use. Default: one made from the standard credential chain and `AWS_*` variables. */
  readonly client?: S3Client;
  /** Writes larger than this many bytes use a multipart upload (default {@link MULTIPART_THRESHOLD}). */
  readonly multipartThreshold?: number;
}

type S3Sdk = typeof import('@aws-sdk/client-s3');

let sdkPromise: Promise<S3Sdk> | undefined;

/**
 * Loads `@aws-sdk/client-s3` on first use, so `goldsmith/node` imports without the AWS SDK installed
 * (it is an optional peer dependency; STYLE: backends are injected, not imported by the core).
 */
export function loadS3Sdk(): Promise<S3Sdk> {
  sdkPromise ??= import('@aws-sdk/client-s3').catch((error: unknown) => {
    sdkPromise = undefined;
    throw new ConfigurationError(
      `s3:// locations need the AWS SDK: npm install @aws-sdk/client-s3 @aws-sdk/lib-storage (${(error as Error).message})`,
    );
  });
  return sdkPromise;
}

/**
 * The client goldsmith makes when none is given: the SDK's standard credential chain and region
 * resolution; `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_S3`) is honoured by the SDK itself, and with a
 * custom endpoint (MinIO, moto, LocalStack) requests use path-style addressing.
 */
export async function defaultS3Client(config: S3ClientConfig = {}): Promise<S3Client> {
  const { S3Client } = await loadS3Sdk();
  const custom = Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL);
  return new S3Client({ ...(custom ? { forcePathStyle: true } : {}), ...config });
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
}

async function toBytes(body: unknown): Promise<Uint8Array> {
  const stream = body as { transformToByteArray?: () => Promise<Uint8Array> } | undefined;
  if (!stream?.transformToByteArray) throw new Error('S3 GetObject returned no body');
  return stream.transformToByteArray();
}

/**
 * A {@link FileIO} over Amazon S3 (or any S3-compatible endpoint). Locations are `s3://bucket/key`.
 * `createExclusive` is a PutObject with `If-None-Match: *` — S3 answers 412 when the key exists, which
 * makes Iceberg commits (`metadata/v<N+1>.metadata.json`) atomic without a lock table. Writes over
 * {@link MULTIPART_THRESHOLD} go through `@aws-sdk/lib-storage`'s multipart `Upload`.
 *
 * @example
 * const warehouse = icebergWarehouse(s3FileIO(), 's3://lake/wh');
 */
export function s3FileIO(options: S3FileIOOptions = {}): FileIO & { client(): Promise<S3Client> } {
  let clientPromise: Promise<S3Client> | undefined = options.client
    ? Promise.resolve(options.client)
    : undefined;
  const client = () => {
    clientPromise ??= defaultS3Client();
    return clientPromise;
  };
  const threshold = options.multipartThreshold ?? MULTIPART_THRESHOLD;

  /** HeadObject, or undefined when there is no such object. */
  const head = async (location: string) => {
    const { bucket, key } = parseS3Location(location);
    const { HeadObjectCommand } = await loadS3Sdk();
    try {
      return await (await client()).send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    client,
    async read(location) {
      const { bucket, key } = parseS3Location(location);
      const { GetObjectCommand } = await loadS3Sdk();
      const out = await (await client()).send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return toBytes(out.Body);
    },
    async write(location, bytes) {
      const { bucket, key } = parseS3Location(location);
      if (bytes.length > threshold) {
        const { Upload } = await import('@aws-sdk/lib-storage');
        const upload = new Upload({
          client: await client(),
          params: { Bucket: bucket, Key: key, Body: bytes },
          partSize: Math.max(5 << 20, threshold),
          queueSize: 4,
        });
        await upload.done();
        return;
      }
      const { PutObjectCommand } = await loadS3Sdk();
      await (await client()).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
    },
    async createExclusive(location, bytes) {
      const { bucket, key } = parseS3Location(location);
      const { PutObjectCommand } = await loadS3Sdk();
      try {
        await (await client()).send(
          new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, IfNoneMatch: '*' }),
        );
        return true;
      } catch (error) {
        // 412 Precondition Failed: the key exists. 409 ConditionalRequestConflict: a concurrent
        // conditional write to the same key is in flight; S3 lets exactly one of them win.
        const status = statusOf(error);
        if (status === 412 || status === 409) return false;
        throw error;
      }
    },
    async exists(location) {
      return (await head(location)) !== undefined;
    },
    async lastModified(location) {
      return (await head(location))?.LastModified?.getTime();
    },
    async list(prefix) {
      return (await listS3Objects(await client(), prefix)).map((o) => o.location);
    },
    async remove(location) {
      const { bucket, key } = parseS3Location(location);
      const { DeleteObjectCommand } = await loadS3Sdk();
      await (await client()).send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}

/** One object of a listing. */
export interface S3Object {
  /** `s3://bucket/key`. */
  readonly location: string;
  readonly key: string;
  readonly size: number;
}

/**
 * Every object under a location prefix (all pages of ListObjectsV2), in key order. The prefix is
 * matched as a string, as S3 does: `s3://b/wh/gold/` lists the folder, `s3://b/wh/g` also `wh/gx`.
 */
export async function listS3Objects(client: S3Client, prefix: string): Promise<S3Object[]> {
  const { bucket, key } = parseS3Location(prefix);
  const { ListObjectsV2Command } = await loadS3Sdk();
  const out: S3Object[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: key,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      out.push({ location: `s3://${bucket}/${object.Key}`, key: object.Key, size: object.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
