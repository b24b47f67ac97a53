/**
 * metadata.json holds 64-bit snapshot ids as bare JSON numbers, which `JSON.parse` would round
 * above 2^53. These fields are quoted before parsing and unquoted after printing, so TypeScript
 * sees them as decimal strings and the file keeps the spec's numbers.
 */
const LONG_FIELDS = ['snapshot-id', 'parent-snapshot-id', 'current-snapshot-id'];
const QUOTE = new RegExp(`("(?:${LONG_FIELDS.join('|')})"\\s*:\\s*)(-?\\d+)`, 'g');
const MARK = '\u0001long:';
const UNQUOTE = /"\\u0001long:(-?\d+)"/g;

/** Parses metadata JSON, keeping the 64-bit id fields as decimal strings. */
export function parseMetadataJson(text: string): unknown {
  return JSON.parse(text.replace(QUOTE, '$1"$2"'));
}

/** Prints metadata JSON (2-space indent), writing the 64-bit id fields as bare numbers. */
export function stringifyMetadataJson(value: unknown): string {
  const marked = JSON.stringify(
    value,
    (key, v: unknown) => (LONG_FIELDS.includes(key) && typeof v === 'string' ? `${MARK}${v}` : v),
    2,
  );
  return marked.replace(UNQUOTE, '$1');
}
