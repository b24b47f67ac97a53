/**
 * A random positive 63-bit snapshot id as a decimal string (Iceberg ids are Java longs; they
 * usually exceed 2^53, so they never pass through a JS number).
 */
export function newSnapshotId(): string {
  const words = globalThis.crypto.getRandomValues(new BigUint64Array(1));
  const id = BigInt.asUintN(63, words[0]!);
  return id === 0n ? '1' : id.toString();
}

/** A random UUID v4 for table ids and file names. */
export function newUuid(): string {
  return globalThis.crypto.randomUUID();
}
