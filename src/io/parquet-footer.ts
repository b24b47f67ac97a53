/**
 * Reads the column-chunk statistics out of a Parquet file's footer (Thrift compact protocol,
 * parquet-format `FileMetaData`). Iceberg's own writers take a data file's metrics from here
 * rather than scanning the values again; so do we, for files parquet-wasm just wrote.
 */

/** Statistics of one column chunk, as raw PLAIN-encoded min/max bytes (Parquet `Statistics`). */
export interface ChunkStatistics {
  /** `path_in_schema` joined with `.`, e.g. `event_id` or `event_types.list.element`. */
  readonly path: string;
  /** Parquet physical type (`Type` enum: 0 BOOLEAN, 1 INT32, 2 INT64, 6 BYTE_ARRAY, 7 FIXED_LEN_BYTE_ARRAY, …). */
  readonly physicalType: number;
  readonly nullCount: bigint | undefined;
  readonly min: Uint8Array | undefined;
  readonly max: Uint8Array | undefined;
  /** False when the writer truncated a bound (`is_*_value_exact`); absent means exact. */
  readonly exact: boolean;
}

/** The footer's row groups, each a list of its column chunks' statistics. */
export type FooterStatistics = ChunkStatistics[][];

// Thrift compact protocol type ids.
const T_STOP = 0;
const T_TRUE = 1;
const T_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

const MAGIC = 0x31524150; // "PAR1" little-endian

const decoder = new TextDecoder();

/** A forward-only reader over Thrift compact bytes. */
class CompactReader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
  ) {}

  private varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = this.bytes[this.at++];
      if (byte === undefined) throw new RangeError('Parquet footer: truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  /** Small unsigned varints (lengths, sizes) without BigInt. */
  private size(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.bytes[this.at++];
      if (byte === undefined) throw new RangeError('Parquet footer: truncated varint');
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  }

  int(): number {
    const n = this.size();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  long(): bigint {
    const n = this.varint();
    return (n >> 1n) ^ -(n & 1n);
  }

  binary(): Uint8Array {
    const length = this.size();
    if (this.at + length > this.bytes.length) throw new RangeError('Parquet footer: truncated binary');
    const out = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  /** A list header: element type and count. */
  list(): { type: number; count: number } {
    const header = this.bytes[this.at++]!;
    const short = header >> 4;
    return { type: header & 0x0f, count: short === 15 ? this.size() : short };
  }

  /** Calls `field(id, type)` for each field of a struct; `field` reads or {@link skip}s the value. */
  struct(field: (id: number, type: number) => void): void {
    let id = 0;
    for (;;) {
      const header = this.bytes[this.at++];
      if (header === undefined) throw new RangeError('Parquet footer: truncated struct');
      const type = header & 0x0f;
      if (type === T_STOP) return;
      const delta = header >> 4;
      id = delta === 0 ? this.int() : id + delta;
      field(id, type);
    }
  }

  skip(type: number): void {
    switch (type) {
      case T_TRUE:
      case T_FALSE:
        return; // a struct field's boolean lives in its header
      case T_BYTE:
        this.at++;
        return;
      case T_I16:
      case T_I32:
      case T_I64:
        this.varint();
        return;
      case T_DOUBLE:
        this.at += 8;
        return;
      case T_BINARY:
        this.binary();
        return;
      case T_LIST:
      case T_SET: {
        const { type: element, count } = this.list();
        for (let i = 0; i < count; i++) {
          if (element === T_TRUE || element === T_FALSE) this.at++;
          else this.skip(element);
        }
        return;
      }
      case T_MAP: {
        const count = this.size();
        if (count === 0) return;
        const kinds = this.bytes[this.at++]!;
        for (let i = 0; i < count; i++) {
          this.skip(kinds >> 4);
          this.skip(kinds & 0x0f);
        }
        return;
      }
      case T_STRUCT:
        this.struct((_, t) => this.skip(t));
        return;
      default:
        throw new RangeError(`Parquet footer: unknown thrift type ${type}`);
    }
  }
}

function readStatistics(reader: CompactReader): Omit<ChunkStatistics, 'path' | 'physicalType'> {
  let nullCount: bigint | undefined;
  let min: Uint8Array | undefined;
  let max: Uint8Array | undefined;
  let exact = true;
  reader.struct((id, type) => {
    if (id === 3 && type === T_I64) nullCount = reader.long();
    else if (id === 5 && type === T_BINARY) max = reader.binary();
    else if (id === 6 && type === T_BINARY) min = reader.binary();
    else if ((id === 7 || id === 8) && (type === T_TRUE || type === T_FALSE)) exact &&= type === T_TRUE;
    else reader.skip(type);
  });
  // Only min_value/max_value (fields 5, 6) follow the column's sort order; the deprecated
  // min/max (1, 2) are signed byte-wise even for strings, so they are ignored.
  return { nullCount, min, max, exact };
}

function readColumnMetaData(reader: CompactReader): ChunkStatistics {
  let physicalType = -1;
  let path: string[] = [];
  let stats: Omit<ChunkStatistics, 'path' | 'physicalType'> = {
    nullCount: undefined,
    min: undefined,
    max: undefined,
    exact: true,
  };
  reader.struct((id, type) => {
    if (id === 1 && type === T_I32) physicalType = reader.int();
    else if (id === 3 && type === T_LIST) {
      const { count } = reader.list();
      path = [];
      for (let i = 0; i < count; i++) path.push(decoder.decode(reader.binary()));
    } else if (id === 12 && type === T_STRUCT) stats = readStatistics(reader);
    else reader.skip(type);
  });
  return { path: path.join('.'), physicalType, ...stats };
}

function readRowGroup(reader: CompactReader): ChunkStatistics[] {
  const columns: ChunkStatistics[] = [];
  reader.struct((id, type) => {
    if (id !== 1 || type !== T_LIST) return reader.skip(type);
    const { count } = reader.list();
    for (let i = 0; i < count; i++) {
      reader.struct((cid, ctype) => {
        if (cid === 3 && ctype === T_STRUCT) columns.push(readColumnMetaData(reader));
        else reader.skip(ctype);
      });
    }
  });
  return columns;
}

/**
 * The column-chunk statistics of every row group of a Parquet file, read from its footer.
 * Throws a `RangeError` when the bytes are not a complete Parquet file.
 */
export function footerStatistics(file: Uint8Array): FooterStatistics {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 12 || view.getUint32(file.length - 4, true) !== MAGIC)
    throw new RangeError('not a Parquet file (no PAR1 footer)');
  const length = view.getUint32(file.length - 8, true);
  const start = file.length - 8 - length;
  if (start < 4) throw new RangeError('Parquet footer length is out of range');
  const reader = new CompactReader(file, start);
  const groups: FooterStatistics = [];
  reader.struct((id, type) => {
    if (id !== 4 || type !== T_LIST) return reader.skip(type);
    const { count } = reader.list();
    for (let i = 0; i < count; i++) groups.push(readRowGroup(reader));
  });
  return groups;
}
