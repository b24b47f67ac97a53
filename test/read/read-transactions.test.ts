import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silverTransactionsArrowSchema } from '../../schemas/silver.js';
import { numberView } from '../../src/columns/column-views.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import {
  bytesInput,
  InputFormatError,
  parseHundredths,
  type ReadOptions,
  readTransactions,
  type SourceReadResult,
} from '../../src/read/index.js';
import { TimeZone } from '../../src/time/index.js';

const UTC: ReadOptions = { timeZone: TimeZone.UTC };
const HEADER = 'transaction_id,session_id,user_id,amount,currency,transaction_timestamp';
const GOOD = 'TXN_0000001,SES_000123,USR_00045,1250.50,USD,2024-11-15 14:45:00';

async function readCsv(
  text: string,
  options: ReadOptions = UTC,
  chunkSize?: number[],
): Promise<SourceReadResult> {
  const file = bytesInput('transactions.csv', text, chunkSize === undefined ? {} : { chunkSize });
  return readTransactions([file], options);
}

function row(fields: Partial<Record<string, string>>): string {
  const base: Record<string, string> = {
    transaction_id: 'T1',
    session_id: 'S1',
    user_id: 'U1',
    amount: '10.00',
    currency: 'PEN',
    transaction_timestamp: '2024-11-15 14:45:00',
  };
  return HEADER.split(',')
    .map((c) => fields[c] ?? base[c])
    .join(',');
}

async function rejectOne(record: string) {
  const result = await readCsv(`${HEADER}\n${record}\n`);
  expect(result.read).toBe(1);
  expect(result.valid).toBe(0);
  expect(result.quarantined).toHaveLength(1);
  return result.quarantined[0]!;
}

const encoder = new TextEncoder();
function hundredths(text: string): number {
  const bytes = encoder.encode(text);
  return parseHundredths(bytes, 0, bytes.length);
}

describe('parseHundredths (SPEC §2: amounts are exact DECIMAL(10,2))', () => {
  it('parses exactly into hundredths with integer arithmetic', () => {
    expect(hundredths('1250.50')).toBe(125050);
    expect(hundredths('-0.5')).toBe(-50);
    expect(hundredths('+.05')).toBe(5);
    expect(hundredths('.5')).toBe(50);
    expect(hundredths('12.')).toBe(1200);
    expect(hundredths('0')).toBe(0);
    expect(Object.is(hundredths('-0.00'), 0)).toBe(true);
    expect(hundredths('99999999.99')).toBe(9_999_999_999);
    expect(hundredths('-99999999.99')).toBe(-9_999_999_999);
    expect(hundredths('00000001.10')).toBe(110);
    expect(hundredths('0.07')).toBe(7); // 0.07 * 100 is 7.000000000000001 in floats
  });

  it('rejects what DECIMAL(10,2) cannot hold or the grammar does not allow', () => {
    for (const bad of [
      '100000000.00',
      '100000000',
      '12.345',
      '1e5',
      '1E2',
      '',
      '.',
      '-',
      '+',
      ' 1.00',
      '1.00 ',
      '1,00',
      '--1',
      '0x10',
      'NaN',
      '١٢',
    ]) {
      expect(hundredths(bad), bad).toBeNaN();
    }
    expect(hundredths('9'.repeat(400))).toBeNaN();
  });

  it('property: agrees with decimal arithmetic on strings for any value in range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -9_999_999_999, max: 9_999_999_999 }),
        fc.integer({ min: 0, max: 2 }),
        (value, digits) => {
          const scaled = digits === 2 ? value : digits === 1 ? value - (value % 10) : value - (value % 100);
          const abs = Math.abs(scaled);
          const whole = Math.floor(abs / 100);
          const fraction = String(abs % 100)
            .padStart(2, '0')
            .slice(0, digits);
          const text = `${scaled < 0 ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
          expect(hundredths(text)).toBe(scaled === 0 ? 0 : scaled);
        },
      ),
    );
  });
});

describe('readTransactions: valid rows (SPEC §1, §3 silver transactions)', () => {
  it('reads the seed example into the silver schema with an exact decimal amount', async () => {
    const result = await readCsv(`${HEADER}\n${GOOD}\n`);
    expect(result.table.schema.fields.map((f) => f.name)).toEqual(
      silverTransactionsArrowSchema.fields.map((f) => f.name),
    );
    expect(tableToRows(result.table)).toEqual([
      {
        transaction_id: 'TXN_0000001',
        session_id: 'SES_000123',
        user_id: 'USR_00045',
        amount: '1250.50',
        currency: 'USD',
        transaction_timestamp: '2024-11-15T14:45:00.000000Z',
      },
    ]);
    expect([...numberView(result.table.getChild('amount')!)]).toEqual([125050]);
    expect(result).toMatchObject({ read: 1, valid: 1, quarantined: [] });
  });

  it('SPEC §2 boundaries: 99999999.99 and -0.5 are valid amounts', async () => {
    const result = await readCsv(
      `${HEADER}\n${row({ amount: '99999999.99' })}\n${row({ amount: '-0.5' })}\n`,
    );
    expect([...numberView(result.table.getChild('amount')!)]).toEqual([9_999_999_999, -50]);
  });

  it('matches the header by name: any column order, extra columns ignored', async () => {
    const text =
      'currency,extra,amount,transaction_timestamp,user_id,session_id,transaction_id\nEUR,zzz,3.5,2024-01-01T00:00:00Z,U,S,T\n';
    expect(tableToRows((await readCsv(text)).table)).toEqual([
      {
        transaction_id: 'T',
        session_id: 'S',
        user_id: 'U',
        amount: '3.50',
        currency: 'EUR',
        transaction_timestamp: '2024-01-01T00:00:00.000000Z',
      },
    ]);
  });

  it('SPEC §1 RFC 4180: quoted fields with commas, doubled quotes and embedded newlines', async () => {
    const text = `${HEADER}\r\n"T,1","S ""quoted""","U\r\nsplit",1.00,USD,2024-01-01 00:00:00\r\nT2,S2,U2,2.00,USD,2024-01-01 00:00:00\r\n`;
    const result = await readCsv(text);
    expect(tableToRows(result.table).map((r) => [r.transaction_id, r.session_id, r.user_id])).toEqual([
      ['T,1', 'S "quoted"', 'U\r\nsplit'],
      ['T2', 'S2', 'U2'],
    ]);
    const broken = await readCsv(`${HEADER}\n"T\n1",S,U,x,USD,2024-01-01 00:00:00\n`);
    expect(broken.quarantined.map((q) => [q.line, q.reason, q.raw])).toEqual([
      [2, 'invalid_decimal:amount', '"T\n1",S,U,x,USD,2024-01-01 00:00:00'],
    ]);
  });

  it('SPEC §1: strips a BOM before the header and accepts CRLF', async () => {
    const result = await readCsv(`\uFEFF${HEADER}\r\n${GOOD}\r\n`);
    expect(result.valid).toBe(1);
    expect(result.bytes).toBe(encoder.encode(`\uFEFF${HEADER}\r\n${GOOD}\r\n`).length);
  });

  it('SPEC §2: skips blank lines; the header is not counted in read', async () => {
    const result = await readCsv(`\n${HEADER}\n\n  \n${GOOD}\n\t\n`);
    expect(result).toMatchObject({ read: 1, valid: 1 });
  });

  it('an empty file (no header at all) reads as no rows', async () => {
    const result = await readCsv('');
    expect(result).toMatchObject({ read: 0, valid: 0, quarantined: [] });
  });
});

describe('readTransactions: file-level errors', () => {
  it('throws InputFormatError naming the file and the missing columns', async () => {
    const error = await readCsv('transaction_id,user_id,amount\nT,U,1\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFormatError);
    expect((error as InputFormatError).file).toBe('transactions.csv');
    expect((error as InputFormatError).missingColumns).toEqual([
      'session_id',
      'currency',
      'transaction_timestamp',
    ]);
    expect((error as Error).message).toMatch(
      /^transactions\.csv: .*session_id, currency, transaction_timestamp/,
    );
  });

  it('throws InputFormatError for a header naming a column twice', async () => {
    await expect(readCsv(`${HEADER},amount\n`)).rejects.toThrow(/names column "amount" twice/);
  });
});

describe('readTransactions: quarantine reasons (SPEC §2)', () => {
  it('SPEC §2 "the row has the wrong number of fields" → wrong_field_count', async () => {
    for (const record of [`${GOOD},extra`, 'T1,S1,U1,1.00,USD']) {
      const q = await rejectOne(record);
      expect(q.reason).toBe('wrong_field_count');
      expect(q.message).toMatch(/^transactions\.csv:2: expected 6 fields \(as in the header\), got [57]$/);
      expect(q.raw).toBe(record);
    }
  });

  for (const field of ['transaction_id', 'session_id', 'user_id']) {
    it(`SPEC §2 "${field} is empty" → missing_field:${field}`, async () => {
      for (const empty of ['', '""']) {
        const q = await rejectOne(row({ [field]: empty }));
        expect(q).toMatchObject({
          reason: `missing_field:${field}`,
          field,
          message: `transactions.csv:2: ${field} is empty`,
        });
      }
    });
  }

  it('SPEC §2 "amount is not a decimal with at most 2 fraction digits that fits DECIMAL(10,2)" → invalid_decimal:amount', async () => {
    for (const amount of ['100000000.00', '12.345', '1e5', '', 'abc', '1 000']) {
      const q = await rejectOne(row({ amount }));
      expect(q).toMatchObject({ reason: 'invalid_decimal:amount', field: 'amount' });
    }
    expect((await rejectOne(row({ amount: '12.345' }))).message).toBe(
      'transactions.csv:2: amount "12.345" is not a decimal with at most 2 fraction digits and |amount| < 10^8 (DECIMAL(10,2))',
    );
  });

  it('SPEC §2 "currency is not 3 upper-case letters" → invalid_currency', async () => {
    for (const currency of ['usd', 'US', 'USDD', 'U$D', '', 'ÜSD']) {
      const q = await rejectOne(row({ currency }));
      expect(q.reason).toBe('invalid_currency');
    }
  });

  it('SPEC §2 "transaction_timestamp is invalid" → invalid_timestamp (empty → missing_field)', async () => {
    for (const ts of [
      '2024-13-45 10:00:00',
      '2023-02-29 00:00:00',
      '2024-01-01 24:00:00',
      '2024-01-01',
      'now',
    ]) {
      const q = await rejectOne(row({ transaction_timestamp: ts }));
      expect(q.reason).toBe('invalid_timestamp:transaction_timestamp');
    }
    expect((await rejectOne(row({ transaction_timestamp: '' }))).reason).toBe(
      'missing_field:transaction_timestamp',
    );
  });

  it('invalid UTF-8 in a record → invalid_utf8', async () => {
    const bytes = encoder.encode(`${HEADER}\n${row({ user_id: 'U?' })}\n`);
    bytes[bytes.lastIndexOf(0x3f)] = 0xc3;
    const result = await readTransactions([bytesInput('t.csv', bytes)], UTC);
    expect(result.quarantined.map((q) => q.reason)).toEqual(['invalid_utf8']);
  });

  it('SPEC §2 precedence: field count, ids, amount, currency, then timestamp', async () => {
    const reasons = [];
    reasons.push((await rejectOne(`${row({ user_id: '', amount: 'x' })},more`)).reason);
    reasons.push((await rejectOne(row({ user_id: '', amount: 'x', currency: 'x' }))).reason);
    reasons.push((await rejectOne(row({ amount: 'x', currency: 'x', transaction_timestamp: 'x' }))).reason);
    reasons.push((await rejectOne(row({ currency: 'x', transaction_timestamp: 'x' }))).reason);
    expect(reasons).toEqual([
      'wrong_field_count',
      'missing_field:user_id',
      'invalid_decimal:amount',
      'invalid_currency',
    ]);
  });
});

describe('readTransactions: invariants (SPEC §2 read = valid + quarantined)', () => {
  const field = fc.constantFrom('T1', '', 'a,b', 'x"y', 'multi\nline', 'crlf\r\nline', '  ', '1.00');
  const quoted = (v: string) => (/[",\r\n]/.test(v) || v === '' ? `"${v.replaceAll('"', '""')}"` : v);
  const record = fc.oneof(
    fc.constant(GOOD),
    fc.array(field, { minLength: 5, maxLength: 7 }).map((fs) => fs.map(quoted).join(',')),
    fc
      .record({
        amount: fc.constantFrom('1.5', '-0.5', '12.345', '1e5'),
        currency: fc.constantFrom('USD', 'usd'),
      })
      .map(row),
    fc.constantFrom('', '  ', '"unterminated,x'),
  );

  it('property: every non-blank record ends in exactly one place, independent of chunk sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, { maxLength: 15, size: 'max' }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 6 }),
        async (records, eol, sizes) => {
          const text = `${HEADER}${eol}${records.join(eol)}`;
          const whole = await readCsv(text);
          expect(whole.read).toBe(whole.valid + whole.quarantined.length);
          expect(whole.table.numRows).toBe(whole.valid);
          const chunked = await readCsv(text, UTC, sizes);
          expect(chunked.read).toBe(whole.read);
          expect(chunked.quarantined).toEqual(whole.quarantined);
          expect(tableToRows(chunked.table)).toEqual(tableToRows(whole.table));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('embedded newlines spanning chunk boundaries give the same rows for every chunk size 1..40', async () => {
    const text = `${HEADER}\n"T\r\n1","S\n""2""",U,1.00,USD,2024-01-01 00:00:00\n${GOOD}\n`;
    const expected = tableToRows((await readCsv(text)).table);
    expect(expected).toHaveLength(2);
    for (let size = 1; size <= 40; size++) {
      expect(tableToRows((await readCsv(text, UTC, [size])).table)).toEqual(expected);
    }
  });
});
