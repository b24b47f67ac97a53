import { inflateRawSync } from 'node:zlib';
import avsc from 'avsc';

/**
 * Avro Object Container Files (Avro spec 1.11, "Object Container Files"), built directly so the
 * bytes are complete when the promise-free call returns: magic `Obj\x01`, a metadata map holding
 * `avro.schema` and `avro.codec`, a 16-byte sync marker, then blocks of records.
 */

/** A raw Avro schema object; kept raw because an avsc Type drops Iceberg's `field-id` attributes. */
export type AvroSchema = Record<string, unknown>;

/** An Avro long that decodes to BigInt: snapshot ids exceed 2^53. */
const bigintLong = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: unknown) => BigInt(n as string),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);
const metaType = avsc.Type.forSchema({ type: 'map', values: 'bytes' });
const countType = avsc.Type.forSchema('long');

/** Compiles a raw schema with longs as BigInt. */
export function avroType(schema: AvroSchema): avsc.Type {
  return avsc.Type.forSchema(schema as avsc.Schema, { registry: { long: bigintLong } });
}

/** A decoded container file: its records, the writer schema and the key-value metadata. */
export interface AvroFile {
  readonly schema: AvroSchema;
  readonly metadata: Readonly<Record<string, string>>;
  readonly records: Record<string, unknown>[];
}

/** Decodes a container file (codecs `null` and `deflate`, the ones Iceberg writers use). */
export function readAvroFile(bytes: Uint8Array): AvroFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, 4).equals(MAGIC)) throw new TypeError('not an Avro container file (bad magic)');
  const header = metaType.decode(buf, 4);
  const raw = header.value as Record<string, Buffer>;
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) metadata[key] = value.toString('utf8');
  const schema = JSON.parse(metadata['avro.schema'] ?? 'null') as AvroSchema;
  const codec = metadata['avro.codec'] ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') throw new TypeError(`unsupported Avro codec "${codec}"`);
  const type = avroType(schema);
  let at = header.offset;
  const sync = buf.subarray(at, at + 16);
  at += 16;
  const records: Record<string, unknown>[] = [];
  while (at < buf.length) {
    const count = countType.decode(buf, at);
    const size = countType.decode(buf, count.offset);
    const start = size.offset;
    const end = start + (size.value as number);
    const block = codec === 'deflate' ? inflateRawSync(buf.subarray(start, end)) : buf.subarray(start, end);
    if (!buf.subarray(end, end + 16).equals(sync)) throw new TypeError('Avro block sync marker mismatch');
    let pos = 0;
    for (let i = 0; i < (count.value as number); i++) {
      const decoded = type.decode(block, pos);
      if (decoded.offset < 0) throw new TypeError('truncated Avro block');
      records.push(decoded.value as Record<string, unknown>);
      pos = decoded.offset;
    }
    at = end + 16;
  }
  return { schema, metadata, records };
}

/** Encodes records as an uncompressed container file with extra key-value metadata. */
export function writeAvroFile(
  schema: AvroSchema,
  records: readonly Record<string, unknown>[],
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const type = avroType(schema);
  const meta: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value, 'utf8');
  meta['avro.schema'] = Buffer.from(JSON.stringify(schema), 'utf8');
  meta['avro.codec'] = Buffer.from('null', 'utf8');
  const sync = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16)));
  const parts: Buffer[] = [MAGIC, metaType.toBuffer(meta), sync];
  if (records.length > 0) {
    const body = Buffer.concat(records.map((record) => type.toBuffer(record)));
    parts.push(countType.toBuffer(records.length), countType.toBuffer(body.length), body, sync);
  }
  return new Uint8Array(Buffer.concat(parts));
}
