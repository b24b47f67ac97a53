/** Another writer committed in between and this change cannot be re-based onto it; nothing was changed. */
export class CommitConflictError extends Error {
  override readonly name = 'CommitConflictError';
}

/** A MERGE source holds the same key more than once (Spark and Iceberg refuse such a MERGE too). */
export class MergeCardinalityError extends Error {
  override readonly name = 'MergeCardinalityError';
  constructor(
    /** The duplicated key, one value per `on` column (null for SQL NULL). */
    readonly key: readonly (string | number | null)[],
    on: readonly string[],
  ) {
    super(
      `MERGE source has more than one row for key (${on.join(', ')}) = (${key.map((v) => JSON.stringify(v)).join(', ')}); deduplicate the source first`,
    );
  }
}

/** No `metadata/v<N>.metadata.json` exists under the table location. */
export class NoSuchTableError extends Error {
  override readonly name = 'NoSuchTableError';
  constructor(readonly location: string) {
    super(
      `no Iceberg table at ${location} (no metadata/v<N>.metadata.json); create it with IcebergTable.create`,
    );
  }
}

/**
 * A file location built for a write would not lie under the table location (a `..`, `.` or empty
 * segment, a backslash or a control character in a part built from data); nothing was written.
 */
export class UnsafeLocationError extends Error {
  override readonly name = 'UnsafeLocationError';
  constructor(
    /** The table location the file had to be under. */
    readonly tableLocation: string,
    /** The offending relative path. */
    readonly relative: string,
  ) {
    super(
      `refusing to write ${JSON.stringify(relative)} under table ${tableLocation}: every written file must stay inside the table location (no "..", "." or empty segments, backslashes or control characters)`,
    );
  }
}
