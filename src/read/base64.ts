/**
 * Standard base64 (RFC 4648 §4, with padding) of bytes, without Node's `Buffer`, so the readers
 * stay runtime-neutral (STYLE: the core imports no Node built-ins).
 *
 * @module
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Encodes `bytes[start, end)` as base64. Off the hot path: used only for quarantined lines that
 * are not valid UTF-8, so their exact bytes survive in a JSON record.
 *
 * @example
 * ```ts
 * toBase64(Uint8Array.of(0x61, 0xff), 0, 2); // 'Yf8='
 * ```
 */
export function toBase64(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const parts: string[] = [];
  let chunk = '';
  let i = start;
  for (; i + 2 < end; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += ALPHABET[n >>> 18]! + ALPHABET[(n >>> 12) & 63]! + ALPHABET[(n >>> 6) & 63]! + ALPHABET[n & 63]!;
    if (chunk.length >= 1 << 16) {
      parts.push(chunk);
      chunk = '';
    }
  }
  const left = end - i;
  if (left === 1) {
    const n = bytes[i]! << 16;
    chunk += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}==`;
  } else if (left === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    chunk += `${ALPHABET[n >>> 18]!}${ALPHABET[(n >>> 12) & 63]!}${ALPHABET[(n >>> 6) & 63]!}=`;
  }
  parts.push(chunk);
  return parts.join('');
}
