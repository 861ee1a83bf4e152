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
import type {Column, DerivedTable, SourceTable, Table} from '../catalog/types.js';
import type {UndoPolicy} from './policy.js';
import {slicesFor} from './slices.js';

/** The column of a kept table that says which run's batch replaced (and kept) the row. */
export const KEPT_BY = 'undo_run_id';

export const REPLACED_RANGES: SourceTable = {
  kind: 'source',
  name: 'replaced_ranges',
  dataset: 'nba_backfill',
  doc: 'one row per batch of a run: the table and game_date range it replaced, what it replaced and what became of it',
  key: ['run_id', 'table_name', 'start_date', 'end_date'],
  columns: [
    {name: 'run_id', type: 'STRING', doc: 'the run whose batch wrote the range'},
    {name: 'table_name', type: 'STRING', doc: 'the derived table (catalog name)'},
    {name: 'start_date', type: 'DATE'},
    {name: 'end_date', type: 'DATE'},
    {name: 'kept_at', type: 'TIMESTAMP', doc: 'when the replaced rows were last current (what time travel reads them as of)'},
    {name: 'kept_rows', type: 'INT64', doc: 'rows the batch replaced (0: a first build of the range)'},
    {name: 'undone_by', type: 'STRING', doc: 'the undo run that put them back, NULL until then'},
    {name: 'undone_at', type: 'TIMESTAMP'},
    {name: 'pruned_at', type: 'TIMESTAMP', doc: 'when retention dropped the kept rows (the run can no longer be undone)'},
  ],
};

export const KEPT_DATES: SourceTable = {
  kind: 'source',
  name: 'kept_dates',
  dataset: 'nba_backfill',
  doc: 'per run, table and game date rewritten identically: the lineage its replaced rows had (their values are the current ones)',
  key: ['undo_run_id', 'table_name', 'slice_key', 'game_date'],
  columns: [
    {name: 'undo_run_id', type: 'STRING', doc: 'the run whose batch rewrote the date'},
    {name: 'table_name', type: 'STRING', doc: 'the kept table (catalog name)'},
    {name: 'slice_key', type: 'STRING', doc: "the slice's filter values ('' for a table's own rows): two slices of one table keep apart"},
    {name: 'game_date', type: 'DATE'},
    {name: 'run_id', type: 'STRING', doc: 'the replaced rows\' run_id'},
    {name: 'processed_at', type: 'TIMESTAMP', doc: 'the replaced rows\' processed_at'},
    {name: 'row_count', type: 'INT64'},
    {name: 'fingerprint', type: 'STRING', doc: 'the replaced rows\' values, fingerprinted (dialect rowsFingerprint)'},
  ],
};

const keptColumn: Column = {name: KEPT_BY, type: 'STRING', doc: 'the run whose batch replaced this row'};

/** The kept-rows table of `table`: its columns as they are, and the run that replaced them. */
export function keptTable(table: Table): SourceTable {
  return {
    kind: 'source',
    name: `kept_${table.name}`,
    dataset: 'nba_backfill',
    doc: `rows of ${table.dataset}.${table.name} that a batch replaced, kept so that its run can be undone`,
    key: [KEPT_BY, ...table.key],
    columns: [keptColumn, ...table.columns],
  };
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
