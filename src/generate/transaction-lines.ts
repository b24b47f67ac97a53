import { asciiBytes, decimalDigits, putBytes, putPadded, putTwoDigits, putUint } from './ascii-bytes.js';
import { SPACE_SEPARATOR, type WallClockFormatter } from './wall-clock.js';

/** Transaction currencies (seed's vocabulary). */
export const CURRENCIES = ['USD', 'PEN', 'CLP', 'COP', 'MXN', 'BRL', 'ARS'] as const;

/** The transactions CSV header (seed). */
export const TRANSACTIONS_HEADER =
  'transaction_id,session_id,user_id,amount,currency,transaction_timestamp\n';

const TXN = asciiBytes('TXN_');
const SESSION_START = ',SES_';
const USER_START = ',USR_';
const DOT = 0x2e;
const NEWLINE = 0x0a;

/**
 * Writes transaction rows like the seed's, straight into a byte buffer:
 * `TXN_0000001,SES_000123,USR_00045,1250.50,USD,2024-11-15 14:45:00`.
 */
export class TransactionLineEncoder {
  private readonly currencies = CURRENCIES.map((c) => asciiBytes(`,${c},`));
  /** `,SES_…,USR_…,`, digits rewritten per session. */
  private readonly sessionPart: Uint8Array;

  /** Upper bound of a line's length in bytes. */
  readonly maxLineBytes: number;

  /**
   * @param clock - formats `transaction_timestamp`
   * @param widths - zero-padded digits of `TXN_`, `SES_` and `USR_` ids
   */
  constructor(
    private readonly clock: WallClockFormatter,
    private readonly widths: {
      readonly transaction: number;
      readonly session: number;
      readonly user: number;
    },
  ) {
    this.maxLineBytes = 100 + widths.transaction + widths.session + widths.user;
    this.sessionPart = asciiBytes(
      `${SESSION_START}${'0'.repeat(widths.session)}${USER_START}${'0'.repeat(widths.user)},`,
    );
  }

  /** Sets the session and user numbers (`SES_<n>`, `USR_<n>`, within their widths) of the following rows. */
  beginSession(session: number, user: number): void {
    if (decimalDigits(session) > this.widths.session || decimalDigits(user) > this.widths.user) {
      throw new RangeError(`session ${session} or user ${user} does not fit the id widths`);
    }
    const part = this.sessionPart;
    const userAt = putPadded(part, SESSION_START.length, session, this.widths.session) + USER_START.length;
    putPadded(part, userAt, user, this.widths.user);
  }

  /** Writes a row (with `\n`); `currency` indexes {@link CURRENCIES}. Returns the end offset. */
  put(bytes: Uint8Array, at: number, id: number, cents: number, currency: number, seconds: number): number {
    let end = putBytes(bytes, at, TXN);
    end = putPadded(bytes, end, id, this.widths.transaction);
    end = putBytes(bytes, end, this.sessionPart);
    const whole = Math.floor(cents / 100);
    end = putUint(bytes, end, whole);
    bytes[end++] = DOT;
    end = putTwoDigits(bytes, end, cents - whole * 100);
    end = putBytes(bytes, end, this.currencies[currency] as Uint8Array);
    end = this.clock.putDateTime(bytes, end, seconds, SPACE_SEPARATOR);
    bytes[end] = NEWLINE;
    return end + 1;
  }
}
