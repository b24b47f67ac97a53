import { UnsafeLocationError } from './errors.js';

/** Location of `v<N>.metadata.json` under a table location (file-system catalog layout). */
export function metadataFile(location: string, version: number): string {
  return `${location}/metadata/v${version}.metadata.json`;
}

/** Location of `version-hint.text`, which holds the latest N (a hint: readers probe past it). */
export function versionHintFile(location: string): string {
  return `${location}/metadata/version-hint.text`;
}

/** A table location without trailing slashes, so joined paths have exactly one `/`. */
export function normalizeLocation(location: string): string {
  return location.replace(/\/+$/, '');
}

// A segment made only of dots, or holding a backslash or a control character: anything a file
// system or an S3 key normalizer could resolve outside the table.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const UNSAFE_SEGMENT = /^\.+$|[\\\u0000-\u001f\u007f]/;

/**
 * `<location>/<relative>` after checking that `relative` cannot leave the table location: every
 * `/`-separated segment must be non-empty, not `.`/`..` (nor only dots), and free of backslashes
 * and control characters. The guard every data and delete file path goes through, since partition
 * directories are built from values.
 *
 * @throws {@link UnsafeLocationError} otherwise.
 * @example
 * ```ts
 * childLocation('/wh/gold/t', 'data/session_date_day=2025-09-05/x.parquet'); // '/wh/gold/t/data/...'
 * childLocation('/wh/gold/t', 'data/session_date_day=../../x.parquet'); // throws
 * ```
 */
export function childLocation(location: string, relative: string): string {
  const segments = relative.split('/');
  if (segments.some((s) => s === '' || UNSAFE_SEGMENT.test(s)))
    throw new UnsafeLocationError(location, relative);
  return `${location}/${relative}`;
}
