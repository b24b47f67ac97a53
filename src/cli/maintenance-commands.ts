import { NoSuchTableError } from '../iceberg/errors.js';
import { expireSnapshots, removeOrphans } from '../iceberg/maintenance.js';
import type { IcebergTable } from '../iceberg/table.js';
import { warehouseAt } from '../io/locations.js';
import { removeQuarantineOrphans } from '../lakehouse/quarantine-orphans.js';
import { TABLE_NAMES } from '../lakehouse/warehouse.js';
import { numberFlag, parseFlags, UsageError } from './args.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses `--older-than` values like `7d`, `1h`, `30m`, `90s`, `0s` into ms. */
export function parseAge(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new UsageError(`--older-than ${text}: expected a duration like 7d, 1h, 30m or 90s`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const COMMON_FLAGS = {
  warehouse: { type: 'string' },
  table: { type: 'string' },
  'older-than': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const TABLE_HELP = `  --warehouse DIR    the warehouse (a folder or s3://bucket/prefix)
  --table NAME       ${TABLE_NAMES.join(' | ')} (default: every table)`;

/** The tables a maintenance command works on: the one named, or every one that exists. */
async function tablesOf(values: { warehouse?: string | undefined; table?: string | undefined }) {
  if (!values.warehouse) throw new UsageError('needs --warehouse DIR');
  const warehouse = warehouseAt(values.warehouse);
  if (values.table !== undefined) return [await warehouse.table(values.table)];
  const out: IcebergTable[] = [];
  for (const name of TABLE_NAMES) {
    try {
      out.push(await warehouse.table(name));
    } catch (error) {
      if (!(error instanceof NoSuchTableError)) throw error;
    }
  }
  return out;
}

function nameOf(table: IcebergTable): string {
  return TABLE_NAMES.find((n) => table.location.endsWith(`/${n.replace('.', '/')}`)) ?? table.location;
}

export const EXPIRE_SNAPSHOTS_HELP = `Usage: goldsmith expire-snapshots --warehouse DIR [--table NAME] [--older-than 7d] [--retain-last N]

Removes snapshots older than --older-than from each table's metadata (keeping the current one,
the newest --retain-last and any a branch or tag points at), then deletes the manifest lists,
manifests and data files that only they reached, like Iceberg's CALL system.expire_snapshots.
Time travel to an expired snapshot is no longer possible.

${TABLE_HELP}
  --older-than DUR   snapshots older than this may expire (default 7d; 36h, 30m, 0s)
  --retain-last N    keep at least the newest N snapshots (default 1)
  --dry-run          print what would expire and be deleted; change nothing
  --json             print the result as JSON`;

/** `goldsmith expire-snapshots`. */
export async function expireSnapshotsCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, { ...COMMON_FLAGS, 'retain-last': { type: 'string' } });
  if (values.help) return help(EXPIRE_SNAPSHOTS_HELP);
  const olderThanMs = parseAge(values['older-than'] ?? '7d');
  const retainLast =
    numberFlag(
      values['retain-last'],
      'retain-last',
      (n) => Number.isInteger(n) && n >= 1,
      'an integer ≥ 1',
    ) ?? 1;
  const results = [];
  for (const table of await tablesOf(values)) {
    const result = await expireSnapshots(table, {
      olderThanMs,
      retainLast,
      dryRun: values['dry-run'] ?? false,
    });
    results.push({ table: nameOf(table), ...result });
  }
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else {
    const verb = values['dry-run'] ? 'would expire' : 'expired';
    for (const r of results)
      console.log(
        `${r.table}: ${verb} ${r.expired.length} snapshot(s), ${r.deleted.length} file(s) no longer reachable`,
      );
  }
  return 0;
}

export const REMOVE_ORPHANS_HELP = `Usage: goldsmith remove-orphans --warehouse DIR [--table NAME] [--older-than 1h] [--dry-run]

Deletes files under each table's location that no metadata version references (data files,
manifests and temp files of runs that died before committing), like Iceberg's CALL
system.remove_orphan_files. Without --table it also deletes the quarantine files of runs that never
committed to gold (their input is read, and quarantined, again by the next run). Files younger
than --older-than are spared, so a run committing right now keeps its files.

${TABLE_HELP}
  --older-than DUR   only files last modified longer ago than this (default 1h)
  --dry-run          list the orphans; delete nothing
  --json             print the result as JSON`;

/** `goldsmith remove-orphans`. */
export async function removeOrphansCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, COMMON_FLAGS);
  if (values.help) return help(REMOVE_ORPHANS_HELP);
  const olderThanMs = parseAge(values['older-than'] ?? '1h');
  const dryRun = values['dry-run'] ?? false;
  const results = [];
  const tables = await tablesOf(values);
  for (const table of tables) {
    const result = await removeOrphans(table, { olderThanMs, dryRun });
    results.push({ table: nameOf(table), ...result });
  }
  if (values.table === undefined && tables[0]) {
    const { orphans } = await removeQuarantineOrphans(tables[0].io, values.warehouse!, {
      olderThanMs,
      dryRun,
    });
    results.push({ table: 'quarantine', orphans, referenced: 0 });
  }
  if (values.json) console.log(JSON.stringify(results, null, 2));
  else {
    const verb = values['dry-run'] ? 'would remove' : 'removed';
    for (const r of results) {
      const kept =
        r.table === 'quarantine'
          ? ' of runs that never committed'
          : `; ${r.referenced} referenced file(s) kept`;
      console.log(`${r.table}: ${verb} ${r.orphans.length} orphan file(s)${kept}`);
      if (values['dry-run']) for (const file of r.orphans) console.log(`  ${file}`);
    }
  }
  return 0;
}

function help(text: string): number {
  console.log(text);
  return 0;
}
