import { mkdir, readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldTable } from '../../schemas/gold.js';
import { createLogger, REDACT_PATHS, REDACTED, scrubSecrets } from '../../src/cli/logger.js';
import { writePositionDeletes } from '../../src/iceberg/data-files.js';
import { localFileIO, UnsafeLocationError } from '../../src/iceberg/index.js';
import { childLocation } from '../../src/iceberg/table-paths.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { bytesInput } from '../../src/read/index.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { createGoldTable, goldRows, goldTableOf, tempDir } from '../iceberg/support.js';

/** Every file under `dir`, as absolute paths. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

const HOSTILE = [
  '../../../escape',
  '..',
  '/etc/passwd',
  '..\\..\\win',
  'a/../../b',
  'x\u0000y',
  '%2e%2e%2f',
  '~',
];

describe('issue 7 §5 security: data can never place a file outside the warehouse', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('goldsmith-security-'));
  });
  afterAll(async () => cleanup());

  it('ids, types, details and timestamps holding path tricks end up as values; every file lands inside the warehouse', async () => {
    const root = join(dir, 'inside', 'wh');
    await mkdir(root, { recursive: true });
    const lines = HOSTILE.flatMap((v, i) => [
      JSON.stringify({
        event_id: `${v}-${i}`,
        session_id: v,
        user_id: v,
        event_type: 'click',
        event_timestamp: ['0001-01-01T00:00:00', '9999-12-31T23:59:59', '2025-03-01T10:00:00'][i % 3],
        event_details: { session_date: v, path: v },
      }),
      // A session_date-like string where a timestamp belongs: quarantined, never a partition.
      JSON.stringify({
        event_id: `q${i}`,
        session_id: v,
        user_id: v,
        event_type: 'click',
        event_timestamp: `2025-03-01/${v}`,
      }),
    ]);
    const header = 'transaction_id,session_id,user_id,amount,currency,transaction_timestamp';
    const txns = HOSTILE.map(
      (v, i) => `"${v.replace(/"/g, '""')}${i}","${v}","${v}",1.00,USD,2025-03-01 10:05:00`,
    );
    const { report } = await runPipeline({
      inputs: {
        events: [bytesInput('events.jsonl', `${lines.join('\n')}\n`)],
        transactions: [bytesInput('transactions.csv', `${header}\n${txns.join('\n')}\n`)],
        users: [
          bytesInput(
            'users.csv',
            `user_id,signup_date,device_type,country\n${HOSTILE.map((v) => `"${v}",2024-01-01,"${v}","${v}"`).join('\n')}\n`,
          ),
        ],
      },
      warehouse: localWarehouse(root),
    });
    expect(report.gold.sessions).toBe(HOSTILE.length);
    expect(report.sources.events.quarantined).toBe(HOSTILE.length);
    // Nothing beside the warehouse; every file under it, partition folders only from dates.
    expect(await readdir(join(dir, 'inside'))).toEqual(['wh']);
    const files = await walk(root);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const rel = relative(resolve(root), resolve(file));
      expect(rel.startsWith('..') || rel.split(sep).includes('..'), file).toBe(false);
    }
    const partitions = new Set(
      files
        .filter((f) => f.includes(`${sep}gold${sep}`) && f.includes(`${sep}data${sep}`))
        .map((f) => relative(join(root, 'gold', 'user_session_analysis', 'data'), f).split(sep)[0]),
    );
    for (const p of partitions) expect(p).toMatch(/^session_date_day=(-?\d{4,}-\d{2}-\d{2}|null)$/);
    expect(partitions).toContain('session_date_day=0001-01-01');
    expect(partitions).toContain('session_date_day=9999-12-31');
  });

  it('a partition value that is not a date (e.g. read from a hostile manifest) is refused before anything is written', async () => {
    const location = join(dir, 'guarded', 'gold');
    const io = localFileIO();
    const table = await createGoldTable(io, location);
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(3)) });
    const [file] = await table.files();
    const context = {
      location,
      def: goldTable,
      schema: table.metadata.schemas[0]!,
      spec: table.metadata['partition-specs'][0]!,
      properties: table.metadata.properties,
      rowsPerFile: 10,
    };
    // (A value of just '..' is harmless: the segment is `session_date_day=..`, a plain name.)
    for (const value of ['../../../../escape', 'a/../..', '2025-01-01/../../..', 'x\\..\\y', 'a\u0000']) {
      const write = writePositionDeletes(io, context, [{ file: file!.path, positions: [0] }], () => ({
        session_date_day: value,
      }));
      await expect(write).rejects.toThrow(UnsafeLocationError);
    }
    expect(await readdir(join(dir, 'guarded'))).toEqual(['gold']);
    expect((await walk(location)).every((f) => !f.endsWith('-deletes.parquet'))).toBe(true);
  });

  it('childLocation: accepts plain relative paths, refuses ., .., empty segments, backslashes and control characters', () => {
    expect(childLocation('/wh/t', 'data/session_date_day=2025-09-05/a.parquet')).toBe(
      '/wh/t/data/session_date_day=2025-09-05/a.parquet',
    );
    expect(childLocation('s3://b/wh/t', 'data/x.parquet')).toBe('s3://b/wh/t/data/x.parquet');
    for (const bad of [
      '../x',
      'data/../../x',
      'data/./x',
      'data//x',
      '/abs',
      'data/...',
      'a\\b',
      'a\u0000b',
      'a\nb',
      '',
    ])
      expect(() => childLocation('/wh/t', bad), JSON.stringify(bad)).toThrow(UnsafeLocationError);
  });
});

describe('issue 7 §5 security: no credentials or webhook URLs in logs (pino redact + scrubbing)', () => {
  function capture() {
    const lines: string[] = [];
    return { lines, destination: { write: (line: string) => void lines.push(line) } };
  }
  const WEBHOOK = 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';
  const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

  for (const format of ['json', 'pretty'] as const) {
    it(`${format}: secret fields are redacted and secret text is scrubbed; everything else is kept`, () => {
      const { lines, destination } = capture();
      const logger = createLogger(format, 'info', destination);
      logger.info({ webhookUrl: WEBHOOK, runId: 'r1' }, 'notify');
      logger.info(
        { config: { slackWebhookUrl: WEBHOOK, secretAccessKey: SECRET, region: 'us-east-1' } },
        'config',
      );
      logger.info({ credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET } }, 'aws');
      logger.warn({ request: { headers: { authorization: `Bearer ${SECRET}` } } }, 'http');
      logger.error({ error: `POST ${WEBHOOK} failed` }, `Slack webhook ${WEBHOOK} answered 500`);
      logger.error({ err: new Error(`could not reach https://user:${SECRET}@example.com/x`) }, 'boom');
      logger.info(
        {
          url: `https://b.s3.amazonaws.com/k?X-Amz-Credential=${KEY_ID}%2F20250101&X-Amz-Signature=abcdef0123`,
        },
        'presigned',
      );
      logger.info({ sessions: 586, file: 'events/2025-03-01.jsonl' }, 'run finished');
      const out = lines.join('');
      expect(lines).toHaveLength(8);
      for (const secret of [WEBHOOK, 'hooks.slack.com', KEY_ID, SECRET, 'abcdef0123', 'XXXXXXXXXXXXXXXX'])
        expect(out, secret).not.toContain(secret);
      expect(out).toContain(REDACTED);
      for (const kept of [
        'r1',
        'us-east-1',
        'run finished',
        '586',
        'events/2025-03-01.jsonl',
        'example.com/x',
        'answered 500',
      ])
        expect(out, kept).toContain(kept);
    });
  }

  it('scrubSecrets leaves ordinary text alone', () => {
    for (const text of [
      'events.jsonl:17: event_id is missing',
      'https://example.com/docs',
      's3://bucket/wh/gold',
      'AKIA short',
    ])
      expect(scrubSecrets(text)).toBe(text);
    expect(REDACT_PATHS).toContain('*.webhookUrl');
  });
});
