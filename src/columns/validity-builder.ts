import { ensureCapacity } from './growable.js';

/**
 * An Arrow validity bitmap built one row at a time. It stays unallocated until the first null,
 * so all-valid columns carry no bitmap at all.
 */
export class ValidityBuilder {
  private bits: Uint8Array | null = null;
  /** Number of null rows appended. */
  nullCount = 0;

  /** Marks row `index` null. Rows never marked are valid. */
  setNull(index: number): void {
    if (this.bits === null) {
      this.bits = new Uint8Array(Math.max(64, (index >> 3) * 2 + 1)).fill(0xff);
    } else if (index >> 3 >= this.bits.length) {
      const old = this.bits.length;
      this.bits = ensureCapacity(this.bits, (index >> 3) + 1, Uint8Array);
      this.bits.fill(0xff, old);
    }
    this.bits[index >> 3]! &= ~(1 << (index & 7));
    this.nullCount++;
  }

  /** The finished bitmap for `length` rows, or undefined when no row is null. */
  finish(length: number): Uint8Array | undefined {
    if (this.bits === null) return undefined;
    const bytes = (length + 7) >> 3;
    const out = new Uint8Array(bytes).fill(0xff);
    out.set(this.bits.subarray(0, Math.min(bytes, this.bits.length)));
    return out;
  }
}

/** True when row `index` is valid in an Arrow bitmap (absent bitmap = all valid). */
export function isValidAt(bitmap: Uint8Array | null | undefined, index: number): boolean {
  return bitmap == null || bitmap.length === 0 || ((bitmap[index >> 3]! >> (index & 7)) & 1) === 1;
}
