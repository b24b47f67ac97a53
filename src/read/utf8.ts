/**
 * UTF-8 validation over bytes (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF),
 * because Arrow Utf8 columns must hold valid UTF-8 and the readers copy input bytes into them as is.
 *
 * @module
 */

/**
 * The index after the multi-byte UTF-8 sequence whose lead byte is `bytes[at]` (≥ 0x80), or -1 when
 * the sequence is invalid or cut off before `end`.
 *
 * @example
 * ```ts
 * utf8SequenceEnd(Uint8Array.of(0xc3, 0xa9), 0, 2); // 2 ('é')
 * ```
 */
export function utf8SequenceEnd(bytes: Uint8Array, at: number, end: number): number {
  const lead = bytes[at]!;
  if (lead < 0xc2) return -1; // a continuation byte, or an overlong 2-byte form
  if (lead < 0xe0) return at + 1 < end && (bytes[at + 1]! & 0xc0) === 0x80 ? at + 2 : -1;
  if (lead < 0xf0) {
    if (at + 2 >= end) return -1;
    const b1 = bytes[at + 1]!;
    if ((b1 & 0xc0) !== 0x80 || (bytes[at + 2]! & 0xc0) !== 0x80) return -1;
    if (lead === 0xe0 && b1 < 0xa0) return -1; // overlong
    if (lead === 0xed && b1 >= 0xa0) return -1; // U+D800–U+DFFF (surrogates)
    return at + 3;
  }
  if (lead < 0xf5) {
    if (at + 3 >= end) return -1;
    const b1 = bytes[at + 1]!;
    if ((b1 & 0xc0) !== 0x80 || (bytes[at + 2]! & 0xc0) !== 0x80 || (bytes[at + 3]! & 0xc0) !== 0x80)
      return -1;
    if (lead === 0xf0 && b1 < 0x90) return -1; // overlong
    if (lead === 0xf4 && b1 >= 0x90) return -1; // above U+10FFFF
    return at + 4;
  }
  return -1;
}

/**
 * Offset of the first invalid byte of `bytes[start, end)`, or -1 when the range is valid UTF-8.
 *
 * @example
 * ```ts
 * invalidUtf8At(Uint8Array.of(0x61, 0xff), 0, 2); // 1
 * ```
 */
export function invalidUtf8At(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    if (bytes[i]! < 0x80) {
      i++;
      continue;
    }
    const next = utf8SequenceEnd(bytes, i, end);
    if (next < 0) return i;
    i = next;
  }
  return -1;
}
