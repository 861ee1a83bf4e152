// Everything staleness is computed from, read with a fixed number of queries whatever the range:
//   DuckDB   1 the calendar (schedule), 2 every derived table's dates with their last write (one
//            UNION ALL), 3 the current build records, 4 the sources' fingerprints (one UNION ALL);
//   BigQuery 1 the calendar, 2-3 INFORMATION_SCHEMA.PARTITIONS of the two derived datasets
//            (coverage and each partition's last change), 4 the records table (small: one row per
//            table and date), 5-6 PARTITIONS of the two source datasets. No raw table is scanned.
// The rest is computed in memory (staleness.ts).
import {DERIVED_TABLES} from '../catalog/tables.js';
import type {Dataset, DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import {gameCalendar} from '../queries/coverage.js';
import type {Engine} from '../queries/dialect.js';
import type {Warehouse} from '../warehouse/types.js';
import {SeasonCalendar} from './calendar.js';
import {partitionKey, partitionsStatement, sourceFingerprints, type SourcePrints} from './fingerprints.js';
import {readRecords, type RecordMap} from './records.js';

/** Per derived table, its dates with rows and when they were last written (ms; null when the rows do not say). */
export type WrittenMap = Map<DerivedTableName, Map<IsoDate, number | null>>;

export interface FreshnessInputs {
  readonly engine: Engine;
  readonly calendar: SeasonCalendar;
  readonly written: WrittenMap;
  readonly records: RecordMap;
  /** False when the warehouse has no records table: every covered date is `unknown`. */
  readonly recordsPresent: boolean;
  readonly sources: SourcePrints;
}

/** DuckDB: per table one row `date=lastWriteMs;...` (processed_at, which every write stamps). */
function duckdbWrittenStatement(warehouse: Warehouse): string {
  const d = warehouse.dialect;
  return DERIVED_TABLES.map(
    (t) =>
      `SELECT ${d.literal(t.name)} AS table_name, string_agg(CAST(game_date AS VARCHAR) || '=' || COALESCE(CAST(written AS VARCHAR), ''), ';') AS dates\n` +
      `FROM (SELECT game_date, ${d.epochMillis('max(processed_at)')} AS written FROM ${d.table(t)} WHERE game_date <= ${d.param('end_date', 'DATE')} GROUP BY game_date) AS per_date`,
  ).join('\nUNION ALL\n');
}

export async function readWritten(warehouse: Warehouse, last: IsoDate): Promise<WrittenMap> {
  const written: WrittenMap = new Map(DERIVED_TABLES.map((t) => [t.name, new Map()]));
  const d = warehouse.dialect;
  if (warehouse.engine === 'duckdb') {
    for (const row of await warehouse.query(duckdbWrittenStatement(warehouse), {end_date: {type: 'DATE', value: last}})) {
      const dates = written.get(row.table_name as DerivedTableName)!;
      for (const entry of String(row.dates ?? '').split(';')) {
        const [date, ms] = entry.split('=');
        if (ms !== undefined) dates.set(date, ms === '' ? null : Number(ms));
      }
    }
    return written;
  }
  const byDataset = new Map<Dataset, string[]>();
  for (const t of DERIVED_TABLES) byDataset.set(t.dataset, [...(byDataset.get(t.dataset) ?? []), t.name]);
  const answers = await Promise.all([...byDataset].map(([dataset, tables]) => warehouse.query(partitionsStatement(d, dataset, tables))));
  for (const row of answers.flat()) {
    const date = partitionKey(row.partition_id);
    if (!date || date > last || Number(row.total_rows) <= 0) continue;
    written.get(row.table_name as DerivedTableName)?.set(date, Number(row.modified));
  }
  return written;
}

export interface ReadOptions {
  /** The last date of interest (the day before the boundary): windows read back from it. */
  readonly last: IsoDate;
  /** Source fingerprints already read (a session's cache on DuckDB, see reader.ts). */
  readonly sources?: SourcePrints;
}

export async function readFreshnessInputs(warehouse: Warehouse, {last, sources}: ReadOptions): Promise<FreshnessInputs> {
  const [calendar, written, {records, present}, prints] = await Promise.all([
    gameCalendar(warehouse, last),
    readWritten(warehouse, last),
    readRecords(warehouse),
    sources ?? sourceFingerprints(warehouse),
  ]);
  return {engine: warehouse.engine, calendar: new SeasonCalendar(calendar), written, records, recordsPresent: present, sources: prints};
}
