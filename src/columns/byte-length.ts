import type { Data, Table } from 'apache-arrow';

/**
 * Bytes of Arrow buffers that `table`'s rows occupy: what its Arrow IPC stream will about weigh.
 * Unlike `Data.byteLength`, a slice counts only its own rows' string bytes (a slice shares the
 * whole values buffer of the table it was cut from). Dictionaries are not counted.
 */
export function arrowByteLength(table: Table): number {
  let bytes = 0;
  for (const batch of table.batches) for (const child of batch.data.children) bytes += dataBytes(child);
  return bytes;
}

function dataBytes(data: Data): number {
  const { valueOffsets, values, nullBitmap } = data;
  let bytes = nullBitmap ? Math.ceil(data.length / 8) : 0;
  if (valueOffsets && values && data.children.length === 0) {
    // Variable width: the offsets were sliced with the rows, the values were not.
    const offsets = valueOffsets as Int32Array;
    if (offsets.length > 0) bytes += offsets.byteLength + offsets[offsets.length - 1]! - offsets[0]!;
    return bytes;
  }
  if (values) bytes += values.byteLength;
  if (valueOffsets && data.children.length === 1) {
    // A list: its child is not sliced with the rows, so it counts by the share of its elements.
    const offsets = valueOffsets as Int32Array;
    const child = data.children[0]!;
    const elements = offsets.length > 0 ? offsets[offsets.length - 1]! - offsets[0]! : 0;
    return bytes + offsets.byteLength + (child.length > 0 ? (dataBytes(child) * elements) / child.length : 0);
  }
  for (const child of data.children) bytes += dataBytes(child);
  return bytes;
}
