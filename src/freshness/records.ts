// Build records in the warehouse (catalog/bookkeeping.ts `build_records`): the statements that
// write a batch's records with its rows and read the current record of every (table, date).
//
// Written as a companion of the batch's write (WriteOptions.after): one INSERT, on DuckDB inside
// the batch's transaction (with the rows or not at all), on BigQuery one job right after the MERGE.
// Append-only on both: the current record of a (table, date) is its latest, and a run drops the
// superseded ones once, before its first batch (compactStatement); on BigQuery an INSERT is not a
// mutating DML statement, so the records never queue behind the tables' MERGEs. A crash between
// the MERGE and that INSERT leaves the rows newer than the date's record: staleness.ts reads such
// a date as `unknown` (its partition's last_modified_time is later than the record), never as
// fresh. A record is written only for the dates that have rows after the write.
import {buildRecords} from '../catalog/bookkeeping.js';
import type {DerivedTable, DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {Dialect} from '../queries/dialect.js';
import {rangePredicate} from '../queries/write.js';
import {stringParam, type Companion, type QueryOptions, type Warehouse} from '../warehouse/types.js';

export interface BuildRecord {
  readonly buildId: string;
  /** When the write began (ms): what it read, it read as of then. */
  readonly builtAt: number;
  /** When the record was written (ms). */
  readonly recordedAt: number;
  readonly definition: string;
  /** What it read, as recordEntry wrote it: `name=digest,...` per input (derived table or source). */
  readonly inputs: string;
}

export type RecordMap = Map<DerivedTableName, Map<IsoDate, BuildRecord>>;

export interface RecordsRead {
  readonly records: RecordMap;
  /** False when the warehouse has no records table yet (built before build records existed). */
  readonly present: boolean;
}

/** The inputs of a record as text: `name=digest,name=digest` in declaration order. */
export function inputsText(inputs: ReadonlyMap<string, string>): string {
  return [...inputs].map(([name, digest]) => `${name}=${digest}`).join(',');
}

/** One date's entry of a batch's records: `YYYY-MM-DD|name=digest,...`. */
export function recordEntry(date: IsoDate, inputs: ReadonlyMap<string, string>): string {
  return `${date}|${inputsText(inputs)}`;
}

/** name → digest of a record's inputs. */
export function parseInputs(text: string): Map<string, string> {
  const inputs = new Map<string, string>();
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) inputs.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return inputs;
}

/** A missing records table (or dataset): the warehouse predates build records. */
export function isMissingTable(error: unknown): boolean {
  return /Table with name \S+ does not exist|Schema with name \S+ does not exist|Not found: (Table|Dataset)/i.test(error instanceof Error ? error.message : String(error));
}

const INSERTED = ['table_name', 'game_date', 'run_id', 'build_id', 'built_at', 'recorded_at', 'definition', 'inputs'] as const;

/**
 * The rows of a batch's records: one per entry whose date has rows in `table` now. Parameters:
 * record_table, record_entries (`;`-separated entries), build_id, definition, and the write's
 * run_id, start_date, end_date and (BigQuery) replaced_at, when the MERGE began.
 */
function insertStatement(d: Dialect, table: DerivedTable): string {
  const entries = d.splitRows(d.param('record_entries', 'STRING'), ';', 'entry');
  // built_at on the clock that stamps the rows' processed_at: DuckDB's transaction start (the same
  // value, so a record and its rows agree to the microsecond whatever the session's time zone),
  // BigQuery's MERGE start (the record's own job runs later).
  const builtAt = d.engine === 'duckdb' ? d.currentTimestamp() : d.param('replaced_at', 'TIMESTAMP');
  return (
    `INSERT INTO ${d.table(buildRecords)} (${INSERTED.map((c) => d.ident(c)).join(', ')})\n` +
    `SELECT ${d.param('record_table', 'STRING')}, entry_date, ${d.param('run_id', 'STRING')}, ${d.param('build_id', 'STRING')}, ` +
    `${builtAt}, ${d.currentTimestamp()}, ${d.param('definition', 'STRING')}, entry_inputs\n` +
    `FROM (SELECT CAST(SUBSTR(entry, 1, 10) AS ${d.columnType('DATE')}) AS entry_date, SUBSTR(entry, 12) AS entry_inputs FROM ${entries} AS entries) AS dated\n` +
    `WHERE entry_date IN (SELECT game_date FROM ${d.table(table)} WHERE ${rangePredicate(d)})`
  );
}

export interface BatchRecords {
  readonly table: DerivedTable;
  readonly buildId: string;
  readonly definition: string;
  /** One entry per game date the write rewrote (recordEntry): a SQL batch's whole range, a command's own dates. */
  readonly entries: readonly string[];
}

/** Name of the companion (whose rows, on DuckDB, are the dates that got a record). */
export const RECORDS_COMPANION = 'build-records';

function recordParams(batch: BatchRecords) {
  return {
    record_table: stringParam(batch.table.name),
    record_entries: stringParam(batch.entries.join(';')),
    build_id: stringParam(batch.buildId),
    definition: stringParam(batch.definition),
  };
}

/**
 * The companion that writes a batch's records with its rows: one INSERT (the current record of a
 * date is its latest; compactRecords drops the older ones). DuckDB returns the dates recorded.
 */
export function recordCompanions(d: Dialect, batch: BatchRecords): Companion[] {
  const sql = insertStatement(d, batch.table);
  return [{name: RECORDS_COMPANION, sql: d.engine === 'duckdb' ? `${sql}\nRETURNING game_date` : sql, params: recordParams(batch)}];
}

/** Drops every record a later one of the same (table, date) replaced: a run does it once, before its first batch. */
export function compactStatement(d: Dialect): string {
  const records = d.table(buildRecords);
  return (
    `DELETE FROM ${records} AS old WHERE EXISTS (\n` +
    `  SELECT 1 FROM ${records} AS newer\n` +
    `  WHERE newer.table_name = old.table_name AND newer.game_date = old.game_date AND newer.recorded_at > old.recorded_at)`
  );
}

/** After an external command's coverage check: the same records as statements of their own. */
export async function writeRecords(warehouse: Warehouse, batch: BatchRecords, shared: Parameters<Warehouse['query']>[1], options: Parameters<Warehouse['query']>[2]): Promise<void> {
  for (const companion of recordCompanions(warehouse.dialect, batch)) {
    await warehouse.query(companion.sql, {...shared, ...companion.params}, options);
  }
}

/** The current record of every (table, date), one row per table: `date|build|built|recorded|definition|inputs;...`. */
export function latestRecordsStatement(d: Dialect): string {
  const text = (expr: string) => `CAST(${expr} AS ${d.columnType('STRING')})`;
  const entry = [text('game_date'), 'build_id', text(d.epochMillis('built_at')), text(d.epochMillis('recorded_at')), 'definition', 'inputs'].join(" || '|' || ");
  return (
    `SELECT table_name, STRING_AGG(${entry}, ';') AS records\n` +
    `FROM (\n  SELECT table_name, game_date, build_id, built_at, recorded_at, definition, inputs,\n` +
    `    ROW_NUMBER() OVER (PARTITION BY table_name, game_date ORDER BY recorded_at DESC) AS newest\n` +
    `  FROM ${d.table(buildRecords)}\n) AS ranked\nWHERE newest = 1\nGROUP BY table_name`
  );
}

export async function readRecords(warehouse: Warehouse): Promise<RecordsRead> {
  let rows;
  try {
    rows = await warehouse.query(latestRecordsStatement(warehouse.dialect));
  } catch (error) {
    if (isMissingTable(error)) return {records: new Map(), present: false};
    throw error;
  }
  const records: RecordMap = new Map();
  for (const row of rows) {
    const byDate = new Map<IsoDate, BuildRecord>();
    for (const entry of String(row.records ?? '').split(';')) {
      const [date, buildId, builtAt, recordedAt, definition, inputs] = entry.split('|');
      if (inputs === undefined) continue;
      byDate.set(date, {buildId, builtAt: Number(builtAt), recordedAt: Number(recordedAt), definition, inputs});
    }
    records.set(row.table_name as DerivedTableName, byDate);
  }
  return {records, present: true};
}

/** Creates `nba_backfill` and the records table where they are missing (a warehouse from before them), then compacts it. */
export async function prepareRecordsTable(warehouse: Warehouse, options: QueryOptions = {}): Promise<void> {
  await warehouse.ensureTables([buildRecords]);
  await warehouse.query(compactStatement(warehouse.dialect), {}, options);
}
