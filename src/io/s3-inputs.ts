import type { S3Client } from '@aws-sdk/client-s3';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { InputFile } from '../read/index.js';
import { ConfigurationError } from '../run/errors.js';
import { SOURCE_EXTENSIONS } from './local-inputs.js';
import { defaultS3Client, listS3Objects, loadS3Sdk, parseS3Location } from './s3-file-io.js';

/**
 * An S3 object as an {@link InputFile}: its bytes streamed from GetObject as they arrive (never
 * buffered whole), `size` from the listing.
 *
 * @param displayPath - the path quarantine records show (default: the `s3://` location).
 */
export function s3File(
  client: S3Client,
  location: string,
  size?: number,
  displayPath: string = location,
): InputFile {
  const { bucket, key } = parseS3Location(location);
  return {
    path: displayPath,
    ...(size === undefined ? {} : { size }),
    async *chunks() {
      const { GetObjectCommand } = await loadS3Sdk();
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!Body) throw new Error(`${location}: GetObject returned no body`);
      for await (const chunk of Body as AsyncIterable<Uint8Array>) yield chunk;
    },
  };
}

/**
 * {@link discoverInputs} for `s3://bucket/prefix`: per source, the objects `<prefix>/users.csv`,
 * `events.jsonl` (`.json`, `.ndjson`), `transactions.csv` and/or everything under `<prefix>/users/`,
 * `events/`, `transactions/` with those extensions, in lexicographic key order (SPEC §1). Names
 * starting with `.` or `_` are skipped at any depth (Spark's and Firehose's markers). Paths shown
 * in quarantine are relative to the prefix, as for a local folder, so a local run and an S3 run
 * over the same files recognise each other's ingested files. `sources` limits the listing (the
 * others come back empty).
 *
 * @example
 * const inputs = await discoverS3Inputs('s3://landing/in');
 */
export async function discoverS3Inputs(
  location: string,
  options: { client?: S3Client; sources?: readonly SourceName[] } = {},
): Promise<Record<SourceName, InputFile[]>> {
  const client = options.client ?? (await defaultS3Client());
  const root = location.replace(/\/+$/, '');
  parseS3Location(root);
  const wanted = options.sources ?? SOURCES;
  const out: Record<SourceName, InputFile[]> = { users: [], events: [], transactions: [] };
  for (const source of wanted) {
    let objects: Awaited<ReturnType<typeof listS3Objects>>;
    try {
      // One listing per source: the prefix `<root>/events` holds both `events.jsonl` and `events/…`.
      objects = await listS3Objects(client, `${root}/${source}`);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchBucket')
        throw new ConfigurationError(`--input ${location}: the bucket does not exist`);
      throw error;
    }
    const extensions = SOURCE_EXTENSIONS[source];
    const picked = objects.filter((o) => {
      const relative = o.location.slice(root.length + 1);
      if (!extensions.some((e) => relative.endsWith(e))) return false;
      if (extensions.some((e) => relative === `${source}${e}`)) return true;
      if (!relative.startsWith(`${source}/`)) return false;
      return relative
        .split('/')
        .every((part) => part !== '' && !part.startsWith('.') && !part.startsWith('_'));
    });
    out[source] = picked.map((o) => s3File(client, o.location, o.size, o.location.slice(root.length + 1)));
  }
  return out;
}
