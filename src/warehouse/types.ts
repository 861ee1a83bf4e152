// The warehouse boundary: the little the runner, the grid and validation need from an engine.
// Adapters (DuckDB, BigQuery) implement it; nothing above it knows which engine it talks to.
import type {ColumnType, DerivedTable, Table} from '../catalog/types.js';
import type {DateRange, IsoDate} from '../dates.js';
import type {Dialect, Engine} from '../queries/dialect.js';
import type {Lineage} from '../queries/write.js';

export type SqlValue = string | number | boolean | null;

/** A typed parameter: BigQuery needs the type (a date string is not a DATE), DuckDB casts in SQL. */
export interface Param {
  readonly type: ColumnType;
  readonly value: SqlValue;
}

export type Params = Readonly<Record<string, Param>>;

/** A result row: DATE as 'YYYY-MM-DD', TIMESTAMP as ISO text, integers as numbers. */
export type Row = Record<string, SqlValue>;

export interface QueryOptions {
  /** Aborting cancels the running query (DuckDB interrupt, BigQuery job.cancel). */
  readonly signal?: AbortSignal;
  /** What the query is for: BigQuery job labels and a deterministic job id derive from it. */
  readonly job?: JobIdentity;
  /**
   * Called once with the statement's job statistics after it succeeded (query(); writes return
   * them in WriteResult). BigQuery reads them from the job (one jobs.get, only when asked);
   * DuckDB reports NO_STATISTICS.
   */
  readonly onStatistics?: (statistics: JobStatistics) => void;
}

/** What a statement cost, from BigQuery's job statistics; every field null on DuckDB. */
export interface JobStatistics {
  readonly jobId: string | null;
  /** totalBytesProcessed. */
  readonly bytesProcessed: number | null;
  /** totalBytesBilled (on-demand pricing bills this, rounded and with its minimums). */
  readonly bytesBilled: number | null;
  /** totalSlotMs. */
  readonly slotMs: number | null;
  /** The dry-run estimate the job's cap was derived from (null with a fixed cap, or on DuckDB). */
  readonly estimatedBytes: number | null;
  /** maximumBytesBilled the job ran under. */
  readonly bytesCap: number | null;
}

export const NO_STATISTICS: JobStatistics = Object.freeze({
  jobId: null,
  bytesProcessed: null,
  bytesBilled: null,
  slotMs: null,
  estimatedBytes: null,
  bytesCap: null,
});

export interface JobIdentity {
  readonly runId: string;
  readonly processor: string;
  /** Distinguishes the statements of one run and processor, e.g. the batch range and attempt. */
  readonly step: string;
}

/** How long to wait before retrying a failed call: the engine's own backoff, in the runner's terms. */
export interface RetryDelays {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * A statement that travels with a batch's write (the rows it replaces kept for undo, the build
 * record of its dates): run in the same atomic step as the replace where the engine has one. It
 * gets the write's parameters (start_date, end_date, run_id), its own, and after the replace
 * `replaced_at` (TIMESTAMP: when the replaced rows were last current, what BigQuery's time travel
 * reads them as of).
 */
export interface Companion {
  /** Names its result rows in WriteResult.companions (and its BigQuery job). */
  readonly name: string;
  readonly sql: string;
  readonly params?: Params;
}

export interface WriteOptions extends QueryOptions {
  /**
   * `stamp` (default): processed_at and run_id are the write's. `keep`: the select gives them too and
   * they are written as they are (an undo puts a range back exactly as it was).
   */
  readonly lineage?: Lineage;
  /** DuckDB: inside the transaction, before the DELETE. BigQuery: jobs before the MERGE. */
  readonly before?: readonly Companion[];
  /**
   * DuckDB: inside the same transaction, after the INSERT (a failure rolls the whole batch back).
   * BigQuery: jobs right after the MERGE; a crash between the two leaves the MERGE done and these
   * not, which each companion must tolerate (README: BigQuery's write path).
   */
  readonly after?: readonly Companion[];
}

export interface WriteResult {
  readonly rowsWritten: number;
  /** The write's job (BigQuery's MERGE), NO_STATISTICS on DuckDB. */
  readonly statistics: JobStatistics;
  /** ISO time just before the replace: the rows it replaced were current then (the `replaced_at` parameter). */
  readonly replacedAt: string;
  /** The rows each companion statement returned, by its name. */
  readonly companions: Readonly<Record<string, readonly Row[]>>;
}

export interface Warehouse {
  readonly engine: Engine;
  readonly dialect: Dialect;
  /** Names the warehouse (status bar, messages) and keys its lock, socket and resume state: the DuckDB file, or `bigquery:PROJECT` (the location is not part of it). */
  readonly description: string;
  /** Backoff that suits the engine (BigQuery: 1 s growing to 32 s); the runner's default otherwise. */
  readonly retryDelays?: RetryDelays;
  query(sql: string, params?: Params, options?: QueryOptions): Promise<Row[]>;
  /**
   * Atomically replaces the rows of `table` with game_date in [start_date, end_date] by the rows
   * of `select` (a SELECT of the table's columns without lineage, using the same parameters; with
   * lineage too when `options.lineage` is `keep`).
   * Re-running the same range never duplicates a row.
   */
  replaceRange(table: DerivedTable, select: string, params: Params, options?: WriteOptions): Promise<WriteResult>;
  /** Deletes the rows of `table` in [start_date, end_date] (rollback). */
  deleteRange(table: DerivedTable, params: Params, options?: QueryOptions): Promise<number>;
  /** Creates datasets and tables that are missing; existing ones are left as they are. */
  ensureTables(tables: readonly Table[]): Promise<void>;
  /**
   * Optional, engine-specific: covered dates per table read from metadata instead of the tables
   * (BigQuery: INFORMATION_SCHEMA.PARTITIONS). queries/coverage.ts uses it when present.
   */
  coveredDates?(tables: readonly DerivedTable[], range: DateRange): Promise<Map<string, Set<IsoDate>>>;
  /** Optional (BigQuery): the bytes a statement would process, from a dry-run job; nothing runs. */
  dryRun?(sql: string, params?: Params, options?: QueryOptions): Promise<{readonly bytes: number}>;
  close(): Promise<void>;
}

export function dateParam(value: string): Param {
  return {type: 'DATE', value};
}

export function timestampParam(iso: string): Param {
  return {type: 'TIMESTAMP', value: iso};
}

export function stringParam(value: string): Param {
  return {type: 'STRING', value};
}

/** The parameters every processor's SELECT takes. */
export function rangeParams(start: string, end: string, runId = 'adhoc'): Params {
  return {start_date: dateParam(start), end_date: dateParam(end), run_id: stringParam(runId)};
}
