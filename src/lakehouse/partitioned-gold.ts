/**
 * silver→gold fanned out by gold partition (`session_date`), for the Distributed Map variant of
 * the state machine (`engines/lambda/state-machine-distributed.asl.json`): fan-out compute,
 * fan-in commit. An Iceberg table takes one commit per snapshot, so the items never commit:
 *
 * 1. {@link planPartitionedGold} folds the batch into silver exactly as `runPipeline` does (same
 *    engine, `mergeSilver`, `recomputeAffected`, data-quality rules on silver and the recomputed
 *    gold rows before anything is written), commits silver and writes the work list
 *    (`_work/<run-id>/plan.json`, `_work/<run-id>/items.json`): the touched gold keys grouped by
 *    the `session_date` partition their recomputed row lands in, plus the keys to delete.
 * 2. {@link computeGoldPartition}, one per item: recomputes its sessions from silver with the
 *    reference kernels, writes their Parquet data files and the position-delete files of the
 *    old gold rows they replace, and returns the manifest records (JSON: bigints as strings).
 * 3. {@link commitPartitionedGold}: one gold commit with every item's files, recording the
 *    ingested input files in its summary (so the next run skips them), then the run report.
 *
 * A run that dies after the silver commit and before the gold one leaves its input un-ingested:
 * the next run reads it again, its rows tie with silver's (the batch wins), and the same
 * sessions are recomputed — as with `runPipeline`.
 */
import type { Table } from 'apache-arrow';
import { createArrowEngine } from '../../engines/arrow/arrow-engine.js';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { RunReport } from '../../schemas/run-report.js';
import { numberView, stringView } from '../columns/column-views.js';
import { conformToSchema } from '../columns/conform.js';
import { tableFromRows } from '../columns/rows-table.js';
import { takeTable } from '../columns/take.js';
import { evaluateRuleset, parseRuleset } from '../dq/index.js';
import type { RunContext } from '../engine/index.js';
import {
  type PositionDeletes,
  type WriteContext,
  writeDataFiles,
  writePositionDeletes,
} from '../iceberg/data-files.js';
import type { FileIO } from '../iceberg/file-io.js';
import type { DataFileRecord } from '../iceberg/manifest.js';
import { matchFile, uniqueSourceKeys } from '../iceberg/merge-plan.js';
import { currentSchema, defaultSpec } from '../iceberg/metadata.js';
import { deletedMask, readDataFile, readDeleteIndex, snapshotFiles } from '../iceberg/scan.js';
import { CommitConflictError, IcebergTable, NoSuchTableError, type SnapshotInfo } from '../iceberg/table.js';
import {
  assembleGold,
  column,
  type GoldSettings,
  groupRows,
  lookupRows,
  pickTransaction,
  sessionize,
  snapshotJoin,
} from '../kernels/index.js';
import { createPlan, type PlanOptionsInput } from '../plan/index.js';
import { DataQualityError } from '../run/errors.js';
import { newRunId } from '../run/run-pipeline.js';
import { formatDay, formatTimestamp, TimeZone } from '../time/index.js';
import { foldSilver } from './fold-silver.js';
import { describeFiles, type IngestedFile, ingestedSummary, newInputs } from './ingested-files.js';
import { DEFAULT_LOOKBACK, parseLookback } from './lookback.js';
import { quarantineRecordsBySource } from './quarantine-records.js';
import {
  GOLD_KEY,
  type GoldDelta,
  goldKeysTable,
  recomputeAffected,
  recomputeAll,
  type SilverDelta,
} from './recompute-gold.js';
import { concatTables } from './silver-merge.js';
import {
  icebergWarehouse,
  RUN_FILES,
  TABLES,
  type TableSpec,
  tableLocation,
  writeQuarantineFiles,
} from './warehouse.js';

/** Work-list files of a run, relative to the warehouse root. */
export const WORK_FILES = {
  plan: (runId: string) => `_work/${runId}/plan.json`,
  items: (runId: string) => `_work/${runId}/items.json`,
  part: (runId: string, index: number) => `_work/${runId}/parts/${index}.json`,
} as const;

/** A gold key `[session_id, user_id]`. */
export type GoldKey = readonly [session_id: string, user_id: string];

/** One Map item: the sessions whose recomputed rows land in `partitions`, and keys to delete. */
export interface GoldWorkItem {
  readonly run_id: string;
  readonly index: number;
  /** `session_date` partitions (`YYYY-MM-DD`) of the item's recomputed rows. */
  readonly partitions: readonly string[];
  readonly keys: readonly GoldKey[];
  /** Touched keys left without events: their gold rows are deleted. */
  readonly delete_keys: readonly GoldKey[];
}

/** What every item and the commit need: `_work/<run-id>/plan.json`. */
export interface GoldWorkPlan {
  readonly run_id: string;
  readonly time_zone: string;
  readonly processing_timestamp: number;
  readonly data_version: number;
  readonly source_system: string;
  /** Silver snapshots after this run's silver commit: items read exactly these. */
  readonly silver: Record<SourceName, string | null>;
  /** Gold's snapshot the work was planned on: the commit expects it. */
  readonly gold_snapshot: string | null;
  readonly ingested: Record<SourceName, IngestedFile[]>;
  readonly items: number;
  /** The run read new input: gold commits (recording it as ingested) even when no item changed a row. */
  readonly commit: boolean;
  /** The run report; the commit fills in `merge.gold` and the write timing. */
  readonly report: RunReport;
}

/** Options of {@link planPartitionedGold}. */
export interface PlanPartitionedGoldOptions {
  readonly io: FileIO;
  /** Warehouse root (no trailing slash), e.g. `s3://lake/wh`. */
  readonly location: string;
  readonly inputs: RunContext['inputs'];
  readonly plan?: PlanOptionsInput;
  readonly lookback?: string;
  readonly runId?: string;
  readonly now?: () => number;
  readonly corruptThreshold?: number;
  /** At most this many items; partitions are dealt round-robin into them (default 64). */
  readonly maxItems?: number;
  readonly rowsPerFile?: number;
}

/** What {@link planPartitionedGold} returns. */
export interface PlannedGold {
  readonly plan: GoldWorkPlan;
  readonly items: GoldWorkItem[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function join(root: string, relative: string): string {
  return `${root.replace(/\/+$/, '')}/${relative}`;
}

async function writeJson(io: FileIO, path: string, value: unknown): Promise<void> {
  await io.write(path, encoder.encode(`${JSON.stringify(value)}\n`));
}

async function readJson<T>(io: FileIO, path: string): Promise<T> {
  return JSON.parse(decoder.decode(await io.read(path))) as T;
}

/** Loads a table of the warehouse, creating it when missing. */
async function openTable(
  io: FileIO,
  root: string,
  spec: TableSpec,
  rowsPerFile: number,
): Promise<IcebergTable> {
  const location = tableLocation(root, spec.name);
  try {
    return await IcebergTable.load(io, location, { def: spec.def, rowsPerFile });
  } catch (error) {
    if (!(error instanceof NoSuchTableError)) throw error;
  }
  try {
    return await IcebergTable.create(io, location, {
      def: spec.def,
      ...(spec.partition ? { partition: spec.partition } : {}),
      ...(spec.properties ? { properties: { ...spec.properties } } : {}),
      rowsPerFile,
    });
  } catch (error) {
    if (error instanceof CommitConflictError)
      return IcebergTable.load(io, location, { def: spec.def, rowsPerFile });
    throw error;
  }
}

function keysOf(table: Table, rows?: Iterable<number>): GoldKey[] {
  const sessions = stringView(column(table, 'session_id'));
  const users = stringView(column(table, 'user_id'));
  const out: GoldKey[] = [];
  const text = (v: ReturnType<typeof stringView>, row: number) =>
    decoder.decode(v.bytes.subarray(v.starts[row], v.ends[row]));
  for (const row of rows ?? Array.from({ length: table.numRows }, (_, i) => i))
    out.push([text(sessions, row), text(users, row)]);
  return out;
}

/**
 * Plan step: the batch folded into silver (committed here), the touched gold keys grouped by
 * the partition they land in (written to `_work/<run-id>/`). Throws {@link DataQualityError}
 * before anything is written when a rule fails. With no new input file nothing is committed
 * (the work files are still written) and the plan has no item.
 */
export async function planPartitionedGold(options: PlanPartitionedGoldOptions): Promise<PlannedGold> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const runId = options.runId ?? newRunId(startedAt);
  const plan = createPlan(options.plan ?? {});
  const engine = createArrowEngine();
  const processingTimestamp = startedAt * 1000;
  const lookback = options.lookback ?? DEFAULT_LOOKBACK;
  const threshold = options.corruptThreshold ?? 0.01;
  const rowsPerFile = options.rowsPerFile ?? 1_000_000;
  const warehouse = icebergWarehouse(options.io, options.location, { rowsPerFile });
  const state = await warehouse.load();
  const { fresh, skipped } = newInputs(options.inputs, state.ingested);
  const result = await engine.execute(plan, { runId, processingTimestamp, inputs: fresh });
  const settings: GoldSettings = {
    timeZone: TimeZone.of(plan.options.timeZone),
    processingTimestamp,
    dataVersion: plan.options.dataVersion,
    sourceSystem: plan.options.sourceSystem,
  };
  const nothingNew = SOURCES.every((s) => fresh[s].length === 0);
  const existing = nothingNew ? undefined : await state.readSilver();
  let silver: SilverDelta | undefined;
  let gold: GoldDelta = {
    rows: result.gold.slice(0, 0),
    deleteKeys: concatTables(goldKeysTable, [result.gold.slice(0, 0)]),
    orphanTransactions: 0,
    sessionsWithTransaction: 0,
  };
  let mode: 'initial' | 'incremental' | 'full-refresh' = 'incremental';
  let dq = result.dq;
  if (existing) {
    silver = foldSilver(existing, result.silver);
    if (SOURCES.every((s) => existing[s].numRows === 0)) {
      mode = 'initial';
      gold = {
        rows: result.gold,
        deleteKeys: gold.deleteKeys,
        orphanTransactions: result.orphanTransactions,
        sessionsWithTransaction: result.sessionsWithTransaction,
      };
    } else {
      if (!state.hasGold) mode = 'full-refresh';
      gold = state.hasGold
        ? recomputeAffected(silver, settings, parseLookback(lookback))
        : recomputeAll(silver, settings);
      if (result.dq.passed)
        dq = evaluateRuleset(parseRuleset(plan.options.rules), {
          events: silver.events.merged,
          transactions: silver.transactions.merged,
          users: silver.users.merged,
          gold: gold.rows,
        });
    }
  }
  const read = SOURCES.reduce((n, s) => n + result.counts[s].read, 0);
  const quarantined = SOURCES.reduce((n, s) => n + result.counts[s].quarantined, 0);
  const corruptShare = read === 0 ? 0 : quarantined / read;
  const none = { inserted: 0, updated: 0, unchanged: 0 };
  const counts = (s: SourceName) =>
    silver
      ? { inserted: silver[s].inserted, updated: silver[s].updated, unchanged: silver[s].unchanged }
      : none;
  const report: RunReport = {
    run_id: runId,
    status: dq.passed ? 'succeeded' : 'failed_quality',
    engine: `${engine.name}+distributed-map`,
    time_zone: plan.options.timeZone,
    started_at: new Date(startedAt).toISOString(),
    finished_at: new Date(now()).toISOString(),
    processing_timestamp: formatTimestamp(processingTimestamp),
    sources: result.counts,
    gold: { sessions: gold.rows.numRows, with_transaction: gold.sessionsWithTransaction },
    orphan_transactions: gold.orphanTransactions,
    rules_passed: dq.passed,
    rules: dq.results.map((r) => ({ ...r })),
    corrupt_share: corruptShare,
    corrupt_threshold: threshold,
    alarm: corruptShare > threshold,
    timings: result.timings,
    merge: {
      mode,
      skipped_files: skipped,
      lookback,
      silver: { users: counts('users'), events: counts('events'), transactions: counts('transactions') },
      recomputed: gold.rows.numRows,
    },
  };
  if (!dq.passed) throw new DataQualityError(report);

  const silverSnapshots = { ...state.snapshots } as Record<SourceName, string | null>;
  let goldSnapshot = state.snapshots.gold;
  const items: GoldWorkItem[] = [];
  if (silver) {
    // Quarantine first, then silver (like `commitRun`); gold is the commit step's.
    await writeQuarantineFiles(
      options.io,
      options.location,
      quarantineRecordsBySource(result.quarantined, runId),
      runId,
    );
    for (const source of SOURCES) {
      const delta = silver[source];
      if (delta.upserts.numRows === 0 && fresh[source].length === 0) continue;
      const table = await openTable(options.io, options.location, TABLES[source], rowsPerFile);
      const summary = {
        'goldsmith.run-id': runId,
        ...ingestedSummary({ [source]: describeFiles(fresh)[source] }),
      };
      const expectSnapshotId = state.snapshots[source];
      const snapshot =
        delta.updated > 0
          ? (await table.merge(delta.upserts, { on: TABLES[source].key, summary, expectSnapshotId })).snapshot
          : await table.commit({ operation: 'append', add: delta.upserts, summary, expectSnapshotId });
      silverSnapshots[source] = snapshot.snapshot_id;
    }
    const goldTable = await openTable(options.io, options.location, TABLES.gold, rowsPerFile);
    goldSnapshot = goldTable.currentSnapshot()?.snapshot_id ?? null;
    if (goldSnapshot !== state.snapshots.gold)
      throw new CommitConflictError(`${goldTable.location} changed while this run was planned`);
    items.push(...groupByPartition(runId, gold, options.maxItems ?? 64));
  }
  const work: GoldWorkPlan = {
    run_id: runId,
    time_zone: plan.options.timeZone,
    processing_timestamp: processingTimestamp,
    data_version: plan.options.dataVersion,
    source_system: plan.options.sourceSystem,
    silver: silverSnapshots,
    gold_snapshot: goldSnapshot,
    ingested: describeFiles(fresh),
    items: items.length,
    commit: silver !== undefined,
    report,
  };
  await writeJson(options.io, join(options.location, WORK_FILES.items(runId)), items);
  await writeJson(options.io, join(options.location, WORK_FILES.plan(runId)), work);
  return { plan: work, items };
}

/** Touched keys by the partition of their recomputed row, dealt into at most `maxItems` items. */
function groupByPartition(runId: string, gold: GoldDelta, maxItems: number): GoldWorkItem[] {
  const days = numberView(column(gold.rows, 'session_date'));
  const byDay = new Map<number, number[]>();
  for (let row = 0; row < gold.rows.numRows; row++) {
    const day = days[row]!;
    const rows = byDay.get(day);
    if (rows) rows.push(row);
    else byDay.set(day, [row]);
  }
  const sorted = [...byDay.keys()].sort((a, b) => a - b);
  const count = Math.max(1, Math.min(maxItems, sorted.length));
  const buckets = Array.from({ length: count }, () => ({ partitions: [] as string[], rows: [] as number[] }));
  sorted.forEach((day, i) => {
    const bucket = buckets[i % count]!;
    bucket.partitions.push(formatDay(day));
    bucket.rows.push(...byDay.get(day)!);
  });
  const deleteKeys = keysOf(gold.deleteKeys);
  if (sorted.length === 0 && deleteKeys.length === 0) return [];
  return buckets.map((b, index) => ({
    run_id: runId,
    index,
    partitions: b.partitions,
    keys: keysOf(gold.rows, b.rows),
    // Keys without a new row have no partition of their own: the first item deletes them.
    delete_keys: index === 0 ? deleteKeys : [],
  }));
}

/** Reads a run's plan (`_work/<run-id>/plan.json`). */
export function readWorkPlan(io: FileIO, location: string, runId: string): Promise<GoldWorkPlan> {
  return readJson<GoldWorkPlan>(io, join(location, WORK_FILES.plan(runId)));
}

/** Reads a run's items (`_work/<run-id>/items.json`). */
export function readWorkItems(io: FileIO, location: string, runId: string): Promise<GoldWorkItem[]> {
  return readJson<GoldWorkItem[]>(io, join(location, WORK_FILES.items(runId)));
}

/** A manifest record as JSON: bigints as decimal strings, bytes as base64. */
export type SerializedFile = Record<string, unknown>;

const BIGINT_MAPS = ['column_sizes', 'value_counts', 'null_value_counts', 'nan_value_counts'] as const;
const BYTE_MAPS = ['lower_bounds', 'upper_bounds'] as const;

/** Encodes a data or delete file's manifest record as JSON. */
export function serializeFile(file: DataFileRecord): SerializedFile {
  const out: Record<string, unknown> = { ...file };
  out.record_count = String(file.record_count);
  out.file_size_in_bytes = String(file.file_size_in_bytes);
  for (const k of BIGINT_MAPS)
    if (file[k]) out[k] = file[k].map((e) => ({ key: e.key, value: String(e.value) }));
  for (const k of BYTE_MAPS)
    if (file[k]) out[k] = file[k].map((e) => ({ key: e.key, value: e.value.toString('base64') }));
  if (file.key_metadata) out.key_metadata = file.key_metadata.toString('base64');
  if (file.split_offsets) out.split_offsets = file.split_offsets.map(String);
  return out;
}

/** Decodes {@link serializeFile}. */
export function deserializeFile(json: SerializedFile): DataFileRecord {
  const file = { ...json } as Record<string, unknown>;
  file.record_count = BigInt(json.record_count as string);
  file.file_size_in_bytes = BigInt(json.file_size_in_bytes as string);
  type Entry = { key: number; value: string };
  for (const k of BIGINT_MAPS)
    if (json[k]) file[k] = (json[k] as Entry[]).map((e) => ({ key: e.key, value: BigInt(e.value) }));
  for (const k of BYTE_MAPS)
    if (json[k])
      file[k] = (json[k] as Entry[]).map((e) => ({ key: e.key, value: Buffer.from(e.value, 'base64') }));
  if (typeof json.key_metadata === 'string') file.key_metadata = Buffer.from(json.key_metadata, 'base64');
  if (Array.isArray(json.split_offsets))
    file.split_offsets = (json.split_offsets as string[]).map((v) => BigInt(v));
  return file as unknown as DataFileRecord;
}

/** What one item produced: nothing is committed yet. */
export interface GoldPartResult {
  readonly index: number;
  readonly data_files: SerializedFile[];
  readonly delete_files: SerializedFile[];
  /** Gold data files the delete files target (must still be live at the commit). */
  readonly targets: string[];
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  readonly sessions_with_transaction: number;
}

function keysTable(keys: readonly GoldKey[]): Table {
  return tableFromRows(
    goldKeysTable,
    keys.map(([session_id, user_id]) => ({ session_id, user_id })),
  );
}

/**
 * One Map item: its sessions recomputed from silver (at the plan's silver snapshots) with the
 * reference kernels, written as gold data files, plus position deletes for the live gold rows
 * with the same keys (or the item's delete keys). Reads the whole silver tables and filters them
 * by the item's keys (silver is not partitioned by session), and every live gold data file (a
 * session's old row may sit in another partition than its new one). Commits nothing.
 */
export async function computeGoldPartition(
  io: FileIO,
  location: string,
  plan: GoldWorkPlan,
  item: GoldWorkItem,
): Promise<GoldPartResult> {
  const silver = {} as Record<SourceName, Table>;
  for (const source of SOURCES) {
    const snapshotId = plan.silver[source];
    silver[source] = snapshotId
      ? await (
          await IcebergTable.load(io, tableLocation(location, TABLES[source].name), {
            def: TABLES[source].def,
          })
        ).read({
          snapshotId,
        })
      : concatTables(TABLES[source].def, []);
  }
  const keys = groupRows(keysTable(item.keys), GOLD_KEY);
  const pick = (table: Table, on: readonly string[], groups: ReturnType<typeof groupRows>) => {
    const hit = lookupRows(table, on, groups);
    const rows: number[] = [];
    for (let row = 0; row < hit.length; row++) if (hit[row]! >= 0) rows.push(row);
    return takeTable(table, Int32Array.from(rows));
  };
  const events = pick(silver.events, GOLD_KEY, keys);
  const transactions = pick(silver.transactions, GOLD_KEY, keys);
  const userIds = groupRows(
    tableFromRows(
      goldKeysTable,
      item.keys.map(([, user_id]) => ({ session_id: '', user_id })),
    ),
    ['user_id'],
  );
  const users = pick(silver.users, ['user_id'], userIds);
  const picked = pickTransaction(sessionize(events), transactions);
  const settings: GoldSettings = {
    timeZone: TimeZone.of(plan.time_zone),
    processingTimestamp: plan.processing_timestamp,
    dataVersion: plan.data_version,
    sourceSystem: plan.source_system,
  };
  const gold = await IcebergTable.load(io, tableLocation(location, TABLES.gold.name), {
    def: TABLES.gold.def,
  });
  const rows = conformToSchema(assembleGold(snapshotJoin(picked.table, users), settings), gold.def);

  // Match the live gold rows, as MERGE does (merge-on-read: position deletes).
  const metadata = gold.metadata;
  const snapshot = plan.gold_snapshot
    ? metadata.snapshots.find((s) => s['snapshot-id'] === plan.gold_snapshot)
    : undefined;
  if (plan.gold_snapshot && !snapshot)
    throw new CommitConflictError(`gold has no snapshot ${plan.gold_snapshot}`);
  const files = await snapshotFiles(io, snapshot?.['manifest-list']);
  const { index } = await readDeleteIndex(io, files.deletes);
  const sourceKeys = uniqueSourceKeys(rows, GOLD_KEY);
  const deleteKeys =
    item.delete_keys.length > 0 ? groupRows(keysTable(item.delete_keys), GOLD_KEY) : undefined;
  const sourceHit = new Uint8Array(sourceKeys.count);
  const deletes: PositionDeletes[] = [];
  let updated = 0;
  let deleted = 0;
  for (const entry of files.data) {
    const table = await readDataFile(io, entry, gold.def);
    const match = matchFile(
      entry,
      table,
      deletedMask(entry, index),
      GOLD_KEY,
      sourceKeys,
      deleteKeys,
      sourceHit,
    );
    updated += match.updated;
    deleted += match.deletedCount;
    if (match.hits) deletes.push({ file: entry.data_file.file_path, positions: match.hits.positions });
  }
  const schema = currentSchema(metadata);
  const context: WriteContext = {
    location: gold.location,
    def: gold.def,
    schema,
    spec: defaultSpec(metadata),
    properties: metadata.properties,
    rowsPerFile: 1_000_000,
  };
  const partitions = new Map(files.data.map((e) => [e.data_file.file_path, e.data_file.partition]));
  const dataFiles = await writeDataFiles(io, context, rows);
  const deleteFiles = await writePositionDeletes(io, context, deletes, (f) => partitions.get(f));
  return {
    index: item.index,
    data_files: dataFiles.map(serializeFile),
    delete_files: deleteFiles.map(serializeFile),
    targets: deletes.map((d) => d.file),
    inserted: rows.numRows - updated,
    updated,
    deleted,
    sessions_with_transaction: picked.withTransaction,
  };
}

/**
 * Commit step: one gold snapshot with every item's files (expecting the snapshot the work was
 * planned on), the ingested input files recorded in its summary as `commitRun` records them,
 * then the run report. Without new input (`plan.commit` false), only the report is written.
 */
export async function commitPartitionedGold(
  io: FileIO,
  location: string,
  plan: GoldWorkPlan,
  parts: readonly GoldPartResult[],
): Promise<{ report: RunReport; snapshot: SnapshotInfo | undefined }> {
  const started = performance.now();
  const report: RunReport = structuredClone(plan.report);
  let snapshot: SnapshotInfo | undefined;
  if (parts.length !== plan.items)
    throw new TypeError(`run ${plan.run_id} planned ${plan.items} items, ${parts.length} came back`);
  if (plan.commit) {
    const gold = await IcebergTable.load(io, tableLocation(location, TABLES.gold.name), {
      def: TABLES.gold.def,
    });
    const sum = (k: 'inserted' | 'updated' | 'deleted') => parts.reduce((n, p) => n + p[k], 0);
    const dataFiles = parts.flatMap((p) => p.data_files.map(deserializeFile));
    const deleteFiles = parts.flatMap((p) => p.delete_files.map(deserializeFile));
    snapshot = await gold.commitFiles({
      operation: deleteFiles.length === 0 ? 'append' : dataFiles.length === 0 ? 'delete' : 'overwrite',
      dataFiles,
      deleteFiles,
      requireLive: parts.flatMap((p) => p.targets),
      summary: { 'goldsmith.run-id': plan.run_id, ...ingestedSummary(plan.ingested) },
      expectSnapshotId: plan.gold_snapshot,
    });
    report.merge = {
      ...report.merge!,
      gold: {
        inserted: sum('inserted'),
        updated: sum('updated'),
        deleted: sum('deleted'),
        total: Number(snapshot.summary['total-records'] ?? 0),
      },
    };
    report.timings.push({
      step: 'write(iceberg)',
      ms: Math.round((performance.now() - started) * 10) / 10,
      rows: dataFiles.reduce((n, f) => n + Number(f.record_count), 0),
    });
  }
  await writeJson(io, join(location, RUN_FILES.report(plan.run_id)), report);
  return { report, snapshot };
}
