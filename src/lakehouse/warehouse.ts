import type { Table } from 'apache-arrow';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import { goldTable } from '../../schemas/gold.js';
import type { TableDef } from '../../schemas/logical-types.js';
import type { QuarantineRecord } from '../../schemas/quarantine.js';
import type { RunReport } from '../../schemas/run-report.js';
import { silverEventsTable, silverTransactionsTable, silverUsersTable } from '../../schemas/silver.js';
import type { FileIO } from '../iceberg/file-io.js';
import {
  CommitConflictError,
  IcebergTable,
  NoSuchTableError,
  type PartitionSpecInput,
  type SnapshotInfo,
} from '../iceberg/table.js';
import {
  addFromSummary,
  emptyIngestedIndex,
  type IngestedFile,
  type IngestedIndex,
  ingestedSummary,
} from './ingested-files.js';
import { GOLD_KEY } from './recompute-gold.js';
import { concatTables } from './silver-merge.js';
import { writeSideBySide } from './staged-files.js';

/** One Iceberg table of the warehouse: where it lives and how it is created. */
export interface TableSpec {
  /** `namespace.table`, e.g. `gold.user_session_analysis`. */
  readonly name: string;
  readonly def: TableDef;
  readonly partition?: PartitionSpecInput;
  readonly properties?: Readonly<Record<string, string>>;
  /** MERGE key. */
  readonly key: readonly string[];
}

/** The warehouse's tables (SPEC §3, §5, §6), in commit order: gold last. */
export const TABLES = {
  events: { name: 'silver.events', def: silverEventsTable, key: ['event_id'] },
  transactions: { name: 'silver.transactions', def: silverTransactionsTable, key: ['transaction_id'] },
  users: { name: 'silver.users', def: silverUsersTable, key: ['user_id', 'updated_at'] },
  gold: {
    name: 'gold.user_session_analysis',
    def: goldTable,
    partition: { column: 'session_date', transform: 'day' },
    // The seed's TBLPROPERTIES.
    properties: { 'write.merge.mode': 'merge-on-read' },
    key: GOLD_KEY,
  },
} as const satisfies Record<SourceName | 'gold', TableSpec>;

/** Names accepted by `--table`. */
export const TABLE_NAMES = Object.values(TABLES).map((t) => t.name);

/** Finds a table by `namespace.table` name. */
export function tableSpec(name: string): TableSpec {
  const spec = Object.values(TABLES).find((t) => t.name === name);
  if (!spec) throw new NoSuchTableError(`no table "${name}"; tables: ${TABLE_NAMES.join(', ')}`);
  return spec;
}

/** What an incremental run starts from. */
export interface WarehouseState {
  /** Reads the current silver tables (empty tables when the warehouse is new). */
  readSilver(): Promise<Record<SourceName, Table>>;
  /** Input files earlier runs ingested (as the gold table's history records them). */
  ingested: IngestedIndex;
  /** The gold table has a snapshot. */
  hasGold: boolean;
  /** Each table's current snapshot when the state was read (null: none): commits expect them. */
  snapshots: Record<SourceName | 'gold', string | null>;
  /** Bytes of the silver tables' live files (Parquet, compressed): what `readSilver` will decode. */
  silverBytes: number;
}

/** How gold changes in a run. */
export type GoldChange =
  | { kind: 'append'; rows: Table }
  | { kind: 'overwrite'; rows: Table }
  | { kind: 'merge'; rows: Table; deleteKeys: Table };

/** Everything one run commits. */
export interface RunCommit {
  runId: string;
  /**
   * The snapshots the run's changes were computed from ({@link WarehouseState.snapshots}): a
   * table that moved on since fails the commit with `CommitConflictError`, and the run retries.
   */
  base: WarehouseState['snapshots'];
  /** Per silver table, the batch rows that won their key, and whether any replaced an existing row. */
  silver: Record<SourceName, { upserts: Table; updates: boolean }>;
  /** Undefined when the run had nothing new: only the report is written. */
  gold: GoldChange | undefined;
  /** Files this run read, per source (recorded so the next run skips them). */
  ingested: Record<SourceName, readonly IngestedFile[]>;
  quarantine: Readonly<Record<SourceName, readonly QuarantineRecord[]>>;
  /** Persisted last; the warehouse adds its write timing and gold merge counts first. */
  report: RunReport;
}

/**
 * Where runs land: Iceberg tables plus quarantine files and run reports. {@link icebergWarehouse}
 * is the implementation; `localWarehouse` in `goldsmith/node` puts it on local disk.
 */
export interface Warehouse {
  readonly location: string;
  /** Reads the state an incremental run starts from. */
  load(): Promise<WarehouseState>;
  /**
   * Commits one run: quarantine files, then each silver table, then gold (each an atomic Iceberg
   * commit), then the run report. The data files of every appended table are written first, side
   * by side (both encoding lanes busy); a failure before a table's commit removes its files. A failure before the gold commit leaves gold as it was and the
   * run's files un-ingested, so the next run reads them again (silver dedup makes that harmless).
   */
  commitRun(run: RunCommit): Promise<void>;
  /** Opens one table. */
  table(name: string): Promise<IcebergTable>;
}

function join(...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\/+|\/+$/g, ''))).join('/');
}

/** Location of a table under a warehouse root: `<root>/<namespace>/<table>`. */
export function tableLocation(root: string, name: string): string {
  return join(root, ...name.split('.'));
}

/** Relative locations of the files that are not tables. */
export const RUN_FILES = {
  quarantine: (source: string, runId: string) => `quarantine/${source}/${runId}.jsonl`,
  report: (runId: string) => `_runs/${runId}.json`,
} as const;

const encoder = new TextEncoder();

/**
 * A warehouse of Iceberg format-v2 tables in a file-system catalog layout under `location`
 * (`silver/events`, `silver/transactions`, `silver/users`, `gold/user_session_analysis`, each
 * with `metadata/` and `data/`), over any {@link FileIO}.
 */
export function icebergWarehouse(
  io: FileIO,
  location: string,
  options: { rowsPerFile?: number } = {},
): Warehouse {
  const rowsPerFile = options.rowsPerFile ? { rowsPerFile: options.rowsPerFile } : {};
  const load = (spec: TableSpec) =>
    IcebergTable.load(io, tableLocation(location, spec.name), { def: spec.def, ...rowsPerFile });
  /** Loads a table; a missing one is undefined, or created when `create` is set. */
  const open = async (spec: TableSpec, create: boolean): Promise<IcebergTable | undefined> => {
    try {
      return await load(spec);
    } catch (error) {
      if (!(error instanceof NoSuchTableError)) throw error;
    }
    if (!create) return undefined;
    try {
      return await IcebergTable.create(io, tableLocation(location, spec.name), {
        def: spec.def,
        ...(spec.partition ? { partition: spec.partition } : {}),
        ...(spec.properties ? { properties: { ...spec.properties } } : {}),
        ...rowsPerFile,
      });
    } catch (error) {
      // Another run created it first: use theirs.
      if (error instanceof CommitConflictError) return load(spec);
      throw error;
    }
  };

  return {
    location,
    async table(name) {
      const table = await open(tableSpec(name), false);
      if (!table) throw new NoSuchTableError(`table ${name} does not exist under ${location}`);
      return table;
    },
    async load() {
      const snapshots = {} as WarehouseState['snapshots'];
      const tables = {} as Record<SourceName | 'gold', IcebergTable | undefined>;
      for (const name of [...SOURCES, 'gold'] as const) {
        tables[name] = await open(TABLES[name], false);
        snapshots[name] = tables[name]?.currentSnapshot()?.snapshot_id ?? null;
      }
      const readSilver = async () => {
        const silver = {} as Record<SourceName, Table>;
        for (const source of SOURCES) {
          const table = tables[source];
          silver[source] = table
            ? await table.read(snapshots[source] ? { snapshotId: snapshots[source] } : {})
            : concatTables(TABLES[source].def, []);
        }
        return silver;
      };
      const ingested = emptyIngestedIndex();
      for (const snapshot of tables.gold?.ancestors() ?? []) addFromSummary(ingested, snapshot.summary);
      const silverBytes = SOURCES.reduce(
        (n, s) => n + Number(tables[s]?.currentSnapshot()?.summary['total-files-size'] ?? 0),
        0,
      );
      return { readSilver, ingested, hasGold: snapshots.gold !== null, snapshots, silverBytes };
    },
    async commitRun(run) {
      const writeReport = () =>
        io.write(
          join(location, RUN_FILES.report(run.runId)),
          encoder.encode(`${JSON.stringify(run.report, null, 2)}\n`),
        );
      const change = run.gold;
      if (!change) return writeReport();
      const started = performance.now();
      await writeQuarantineFiles(io, location, run.quarantine, run.runId);
      const summaryOf = (files: Partial<Record<SourceName, readonly IngestedFile[]>>) => ({
        'goldsmith.run-id': run.runId,
        ...ingestedSummary(files),
      });
      // Appended rows' data files are written side by side, then committed one table at a time
      // in the order above: silver events' big files encode on the worker lane while this thread
      // splits and encodes gold. Merges read their table first, so they write when they commit.
      const silver: { source: SourceName; table: IcebergTable }[] = [];
      for (const source of SOURCES) {
        if (run.silver[source].upserts.numRows === 0 && run.ingested[source].length === 0) continue;
        silver.push({ source, table: (await open(TABLES[source], true))! });
      }
      const gold = (await open(TABLES.gold, true))!;
      const staged = await writeSideBySide(io, [
        ...silver.map(({ source, table }) =>
          run.silver[source].updates ? undefined : () => table.writeFiles(run.silver[source].upserts),
        ),
        change.kind === 'append' ? () => gold.writeFiles(change.rows) : undefined,
      ]);
      let counts = { inserted: change.rows.numRows, updated: 0, deleted: 0 };
      let snapshot: SnapshotInfo;
      try {
        for (const [i, { source, table }] of silver.entries()) {
          const summary = summaryOf({ [source]: run.ingested[source] });
          const expectSnapshotId = run.base[source];
          const dataFiles = staged.files[i];
          staged.committing(i);
          if (dataFiles)
            await table.commitFiles({ operation: 'append', dataFiles, summary, expectSnapshotId });
          else {
            const { upserts } = run.silver[source];
            await table.merge(upserts, { on: TABLES[source].key, summary, expectSnapshotId });
          }
        }
        const summary = summaryOf(run.ingested);
        staged.committing(silver.length);
        if (change.kind === 'append') {
          const dataFiles = staged.files[silver.length]!;
          snapshot = await gold.commitFiles({ operation: 'append', dataFiles, summary });
        } else if (change.kind === 'overwrite') snapshot = await gold.overwrite(change.rows, summary);
        else {
          const merged = await gold.merge(change.rows, {
            on: GOLD_KEY,
            deleteKeys: change.deleteKeys,
            summary,
          });
          counts = { inserted: merged.inserted, updated: merged.updated, deleted: merged.deleted };
          snapshot = merged.snapshot;
        }
      } catch (error) {
        await staged.removeUncommitted();
        throw error;
      }
      if (run.report.merge) {
        run.report.merge.gold = { ...counts, total: Number(snapshot.summary['total-records'] ?? 0) };
      }
      run.report.timings.push({
        step: 'write(iceberg)',
        ms: Math.round((performance.now() - started) * 10) / 10,
        rows: change.rows.numRows + SOURCES.reduce((n, s) => n + run.silver[s].upserts.numRows, 0),
      });
      await writeReport();
    },
  };
}

/**
 * Writes a run's quarantine records, one JSON Lines file per source that has any
 * (`quarantine/<source>/<run-id>.jsonl`). If a write fails, the files already written are
 * removed before the error is thrown.
 */
export async function writeQuarantineFiles(
  io: FileIO,
  location: string,
  records: Record<SourceName, readonly QuarantineRecord[]>,
  runId: string,
): Promise<void> {
  const written: string[] = [];
  try {
    for (const source of SOURCES) {
      const lines = records[source];
      if (lines.length === 0) continue;
      const file = join(location, RUN_FILES.quarantine(source, runId));
      await io.write(file, encoder.encode(`${lines.map((r) => JSON.stringify(r)).join('\n')}\n`));
      written.push(file);
    }
  } catch (error) {
    await Promise.all(written.map((f) => io.remove(f).catch(() => {})));
    throw error;
  }
}

/**
 * Reads a table of a warehouse: now, at a snapshot, or as of a time (time travel).
 *
 * @example
 * const before = await readTable(localWarehouse('./wh'), 'gold.user_session_analysis', { asOfMs: Date.parse('2025-09-06') });
 */
export async function readTable(
  warehouse: Warehouse,
  name: string,
  options: { snapshotId?: string; asOfMs?: number } = {},
): Promise<Table> {
  const table = await warehouse.table(name);
  let snapshotId = options.snapshotId;
  if (options.asOfMs !== undefined) {
    const snapshot = table.snapshotAsOf(options.asOfMs);
    if (!snapshot)
      throw new NoSuchTableError(
        `${name} has no snapshot at or before ${new Date(options.asOfMs).toISOString()}`,
      );
    snapshotId = snapshot.snapshot_id;
  }
  return table.read(snapshotId === undefined ? {} : { snapshotId });
}
