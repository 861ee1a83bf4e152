// The tables undo keeps in the bookkeeping dataset (nba_backfill), derived from the catalog:
// - replaced_ranges, the index: one row per (run, table, batch range) a run wrote, with when the
//   rows it replaced were last current and how many there were, and whether the range was since
//   undone or its kept rows pruned. Written with the batch (a companion statement), so it never
//   says less than what was replaced; undo, `runs` and retention read it.
// - kept_<table>, one per table whose rows are kept (copy mode: DuckDB, BigQuery `keep: "copy"`):
//   the table's own columns, lineage included, plus the run that replaced them.
// - kept_dates: a date the batch rewrote bit for bit identical (every column but lineage) keeps no
//   rows in kept_<table>, only a note of the lineage its rows had: putting it back is restamping
//   the current rows with it. A force rebuild that changed nothing keeps one note per date.
// Names and columns come from the catalog, never from data: a kept table is named after its table.
import {DERIVED_TABLES} from '../catalog/tables.js';
import {backfillTable} from '../catalog/bookkeeping.js';
import {col, cols} from '../catalog/columns.js';
import type {DerivedTable, SourceTable, Table} from '../catalog/types.js';
import type {UndoPolicy} from './policy.js';
import {slicesFor} from './slices.js';

/** The column of a kept table that says which run's batch replaced (and kept) the row. */
export const KEPT_BY = 'undo_run_id';

export const REPLACED_RANGES: SourceTable = backfillTable('source', 'replaced_ranges', 'one row per batch of a run: the table and game_date range it replaced, what it replaced and what became of it', ['run_id', 'table_name', 'start_date', 'end_date'], [
  col('run_id', 'STRING', 'the run whose batch wrote the range'),
  col('table_name', 'STRING', 'the derived table (catalog name)'),
  ...cols('DATE', 'start_date end_date'),
  col('kept_at', 'TIMESTAMP', 'when the replaced rows were last current (what time travel reads them as of)'),
  col('kept_rows', 'INT64', 'rows the batch replaced (0: a first build of the range)'),
  col('undone_by', 'STRING', 'the undo run that put them back, NULL until then'),
  col('undone_at', 'TIMESTAMP'),
  col('pruned_at', 'TIMESTAMP', 'when retention dropped the kept rows (the run can no longer be undone)'),
]);

export const KEPT_DATES: SourceTable = backfillTable('source', 'kept_dates', 'per run, table and game date rewritten identically: the lineage its replaced rows had (their values are the current ones)', ['undo_run_id', 'table_name', 'slice_key', 'game_date'], [
  col('undo_run_id', 'STRING', 'the run whose batch rewrote the date'),
  col('table_name', 'STRING', 'the kept table (catalog name)'),
  col('slice_key', 'STRING', "the slice's filter values ('' for a table's own rows): two slices of one table keep apart"),
  col('game_date', 'DATE'),
  col('run_id', 'STRING', "the replaced rows' run_id"),
  col('processed_at', 'TIMESTAMP', "the replaced rows' processed_at"),
  col('row_count', 'INT64'),
  col('fingerprint', 'STRING', "the replaced rows' values, fingerprinted (dialect rowsFingerprint)"),
]);

const keptBy = col(KEPT_BY, 'STRING', 'the run whose batch replaced this row');

/** The kept-rows table of `table`: its columns as they are, and the run that replaced them. */
export function keptTable(table: Table): SourceTable {
  return backfillTable('source', `kept_${table.name}`, `rows of ${table.dataset}.${table.name} that a batch replaced, kept so that its run can be undone`, [KEPT_BY, ...table.key], [keptBy, ...table.columns]);
}

/** Every table whose rows a batch of some derived table keeps (the data tables and what travels with them). */
export function keptSources(tables: readonly DerivedTable[] = DERIVED_TABLES): Table[] {
  const byName = new Map<string, Table>();
  for (const table of tables) for (const slice of slicesFor(table)) byName.set(`${slice.table.dataset}.${slice.table.name}`, slice.table);
  return [...byName.values()];
}

/** What undo needs in the warehouse: the index, and the kept tables unless BigQuery's time travel keeps the rows. */
export function undoTables(policy: Pick<UndoPolicy, 'mode'>): Table[] {
  return [REPLACED_RANGES, ...(policy.mode === 'copy' ? [KEPT_DATES, ...keptSources().map(keptTable)] : [])];
}
