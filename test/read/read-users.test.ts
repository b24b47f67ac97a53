import { describe, expect, it } from 'vitest';
import { silverUsersArrowSchema } from '../../schemas/silver.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import {
  bytesInput,
  InputFormatError,
  type ReadOptions,
  readUsers,
  type SourceReadResult,
} from '../../src/read/index.js';
import { TimeZone } from '../../src/time/index.js';

const UTC: ReadOptions = { timeZone: TimeZone.UTC };
const LIMA: ReadOptions = { timeZone: TimeZone.of('America/Lima') };
const HEADER = 'user_id,signup_date,device_type,country';

async function readCsv(text: string, options: ReadOptions = UTC): Promise<SourceReadResult> {
  return readUsers([bytesInput('users.csv', text)], options);
}

async function rejectOne(header: string, record: string) {
  const result = await readCsv(`${header}\n${record}\n`);
  expect(result).toMatchObject({ read: 1, valid: 0 });
  expect(result.quarantined).toHaveLength(1);
  return result.quarantined[0]!;
}

describe('readUsers: valid rows (SPEC §1, §3 silver users)', () => {
  it('reads the seed example in America/Lima into the silver schema (updated_at null without the column)', async () => {
    const result = await readCsv(`${HEADER}\nUSR_00001,2024-03-15 14:23:00,iOS,PE\n`, LIMA);
    expect(result.table.schema.fields.map((f) => f.name)).toEqual(
      silverUsersArrowSchema.fields.map((f) => f.name),
    );
    expect(tableToRows(result.table)).toEqual([
      {
        user_id: 'USR_00001',
        signup_date: '2024-03-15T19:23:00.000000Z',
        device_type: 'iOS',
        country: 'PE',
        updated_at: null,
      },
    ]);
  });

  it('SPEC §1: accepts a bare date for signup_date and updated_at (local midnight in the run zone)', async () => {
    const text = `${HEADER},updated_at\nU1,2024-03-15,Web,BR,2024-06-01\nU2,2024-03-15T00:00:00Z,Web,BR,2024-06-01 10:00:00\n`;
    const rows = tableToRows((await readCsv(text, LIMA)).table);
    expect(rows.map((r) => [r.signup_date, r.updated_at])).toEqual([
      ['2024-03-15T05:00:00.000000Z', '2024-06-01T05:00:00.000000Z'],
      ['2024-03-15T00:00:00.000000Z', '2024-06-01T15:00:00.000000Z'],
    ]);
  });

  it('empty device_type, country and updated_at are null (like Spark CSV)', async () => {
    const text = `updated_at,country,device_type,signup_date,user_id\n,,,2024-01-01,U1\n`;
    expect(tableToRows((await readCsv(text)).table)).toEqual([
      {
        user_id: 'U1',
        signup_date: '2024-01-01T00:00:00.000000Z',
        device_type: null,
        country: null,
        updated_at: null,
      },
    ]);
  });

  it('throws InputFormatError when a required column is missing (updated_at is optional)', async () => {
    const error = await readCsv('user_id,signup_date,updated_at\nU,2024-01-01,\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputFormatError);
    expect((error as InputFormatError).missingColumns).toEqual(['device_type', 'country']);
    expect((error as Error).message).toContain('users.csv');
  });

  it('reads every file with its own header, in the order given', async () => {
    const files = [
      bytesInput('a.csv', `${HEADER}\nU1,2024-01-01,iOS,PE\n`),
      bytesInput(
        'b.csv',
        `country,user_id,signup_date,device_type,updated_at\nCL,U1,2024-01-01,Web,2024-02-01\n`,
      ),
    ];
    const result = await readUsers(files, UTC);
    expect(tableToRows(result.table).map((r) => [r.user_id, r.country, r.updated_at])).toEqual([
      ['U1', 'PE', null],
      ['U1', 'CL', '2024-02-01T00:00:00.000000Z'],
    ]);
  });
});

describe('readUsers: quarantine reasons (SPEC §2 "users are quarantined when user_id is empty or signup_date is invalid")', () => {
  it('SPEC §2 empty user_id → missing_field:user_id', async () => {
    const q = await rejectOne(HEADER, ',2024-01-01,iOS,PE');
    expect(q).toMatchObject({ source: 'users', line: 2, reason: 'missing_field:user_id', field: 'user_id' });
  });

  it('SPEC §2 empty signup_date → missing_field:signup_date', async () => {
    expect((await rejectOne(HEADER, 'U1,,iOS,PE')).reason).toBe('missing_field:signup_date');
  });

  it('SPEC §2 invalid signup_date → invalid_timestamp:signup_date', async () => {
    for (const value of ['2023-02-29', '2024-13-01 00:00:00', '15/03/2024', '2024-3-15']) {
      const q = await rejectOne(HEADER, `U1,${value},iOS,PE`);
      expect(q.reason).toBe('invalid_timestamp:signup_date');
      expect(q.message).toMatch(
        new RegExp(`^users\\.csv:2: signup_date "${value}" is not a valid date or timestamp`),
      );
    }
  });

  it('invalid updated_at → invalid_timestamp:updated_at', async () => {
    const q = await rejectOne(`${HEADER},updated_at`, 'U1,2024-01-01,iOS,PE,soon');
    expect(q).toMatchObject({ reason: 'invalid_timestamp:updated_at', field: 'updated_at' });
  });

  it('SPEC §2 wrong number of fields → wrong_field_count', async () => {
    expect((await rejectOne(HEADER, 'U1,2024-01-01,iOS')).reason).toBe('wrong_field_count');
  });

  it('SPEC §2 invariant read = valid + quarantined over a mixed file', async () => {
    const text = `${HEADER}\nU1,2024-01-01,iOS,PE\n,2024-01-01,iOS,PE\n\nU3,bad,Web,AR\nU4,2024-01-01\nU5,2024-01-02,"Smart, TV",US\n`;
    const result = await readCsv(text);
    expect(result.read).toBe(5);
    expect(result.valid).toBe(2);
    expect(result.read).toBe(result.valid + result.quarantined.length);
    expect(result.quarantined.map((q) => [q.line, q.reason])).toEqual([
      [3, 'missing_field:user_id'],
      [5, 'invalid_timestamp:signup_date'],
      [6, 'wrong_field_count'],
    ]);
    expect(tableToRows(result.table).map((r) => r.device_type)).toEqual(['iOS', 'Smart, TV']);
  });
});
