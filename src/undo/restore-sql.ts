// The statements of an undo step, for any slice: what puts a batch range back as it was before the
// run (`undo_of`) replaced it, every column as it was (lineage included), and the index's note
// that it was. The data table's step is the write path's own replace (Warehouse.replaceRange with
// lineage kept): one transaction on DuckDB, one MERGE on BigQuery; the other slices of the table
// (slices.ts) and the bookkeeping travel with it as companion statements.
import type {Table} from '../catalog/types.js';
import type {Dialect} from '../queries/dialect.js';
import {columnList, indexKeyOf, keptFilter, notesFilter, sliceFilter} from './keep-sql.js';
import type {KeepMode} from './policy.js';
import type {RangeSlice} from './slices.js';
import {KEPT_BY, KEPT_DATES, keptTable, REPLACED_RANGES} from './tables.js';

/**
 * The slice's rows as they were before `undo_of` replaced them: its kept rows (copy), or the table
 * as of `kept_at` (time travel, within the window). All columns, in the table's order. A history
 * slice (slices.ts) gives each key's newest row only, restamped now.
 */
export function restoredRows(d: Dialect, s: RangeSlice, mode: KeepMode): string {
  const [alias, from, where] =
    mode === 'time-travel'
      ? ['earlier', `${d.table(s.table)} AS earlier FOR SYSTEM_TIME AS OF ${d.param('kept_at', 'TIMESTAMP')}`, sliceFilter(d, s, 'earlier')]
      : ['kept', `${d.table(keptTable(s.table))} AS kept`, keptFilter(d, s, 'kept', 'undo_of')];
  if (!s.history) return `SELECT ${columnList(d, s.table, alias)}\nFROM ${from}\nWHERE ${where}`;
  const {newest, restamp} = s.history;
  const partition = s.table.key.filter((k) => k !== newest).map((k) => `${alias}.${d.ident(k)}`).join(', ');
  const values = s.table.columns.map((c) => (c.name === restamp ? `${d.currentTimestamp()} AS ${d.ident(c.name)}` : `ranked.${d.ident(c.name)}`));
  return (
    `SELECT ${values.join(', ')}\nFROM (\n` +
    `  SELECT ${columnList(d, s.table, alias)}, ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${alias}.${d.ident(newest)} DESC) AS undo_newest\n` +
    `  FROM ${from}\n  WHERE ${where}\n) AS ranked\nWHERE ranked.undo_newest = 1`
  );
}

/**
 * Before a copy-mode step: each noted date of `undo_of` (rewritten identically) gets its kept rows
 * back, as the current rows restamped with the lineage the note kept; the step then restores kept
 * rows alone. A date whose kept rows are already there (an expansion a crash left) is skipped.
 */
export function expandNotesStatement(d: Dialect, s: RangeSlice): string {
  const kept = keptTable(s.table);
  const values = s.table.columns.map((c) => (c.name === 'run_id' || c.name === 'processed_at' ? `noted.${d.ident(c.name)}` : `current_rows.${d.ident(c.name)}`));
  return (
    `INSERT INTO ${d.table(kept)} (${d.ident(KEPT_BY)}, ${columnList(d, s.table)})\n` +
    `SELECT ${d.param('undo_of', 'STRING')}, ${values.join(', ')}\n` +
    `FROM ${d.table(s.table)} AS current_rows\n` +
    `JOIN ${d.table(KEPT_DATES)} AS noted ON noted.game_date = current_rows.game_date AND ${notesFilter(d, s, 'noted', 'undo_of')}\n` +
    `WHERE ${sliceFilter(d, s, 'current_rows')}\n` +
    `  AND NOT EXISTS (SELECT 1 FROM ${d.table(kept)} AS already WHERE ${keptFilter(d, s, 'already', 'undo_of')} AND already.game_date = noted.game_date)`
  );
}

/** The notes of a range once its rows are back. */
export function dropNotesStatement(d: Dialect, s: RangeSlice): string {
  return `DELETE FROM ${d.table(KEPT_DATES)} AS noted WHERE ${notesFilter(d, s, 'noted', 'undo_of')}`;
}

/**
 * A slice other than the table's own rows put back: DELETE then INSERT in the step's transaction
 * (DuckDB), or one MERGE (BigQuery, atomic by itself).
 */
export function restoreSliceStatements(d: Dialect, s: RangeSlice, mode: KeepMode): string[] {
  const target = d.table(s.table);
  const rows = restoredRows(d, s, mode);
  if (d.engine === 'bigquery') {
    return [`MERGE ${target} AS target\nUSING (\n${rows}\n) AS source\nON FALSE\nWHEN NOT MATCHED BY SOURCE AND ${sliceFilter(d, s, 'target')} THEN DELETE\nWHEN NOT MATCHED THEN INSERT ROW`];
  }
  return [`DELETE FROM ${target} AS target WHERE ${sliceFilter(d, s, 'target')}`, `INSERT INTO ${target} (${columnList(d, s.table)})\n${rows}`];
}

/** The index says the range of `undo_of` was put back by this undo run (`run_id`). */
export function markUndoneStatement(d: Dialect): string {
  return (
    `UPDATE ${d.table(REPLACED_RANGES)} AS recorded SET undone_by = ${d.param('run_id', 'STRING')}, undone_at = ${d.currentTimestamp()}\n` +
    `WHERE ${indexKeyOf(d, 'recorded', 'undo_of')} AND recorded.undone_by IS NULL`
  );
}

/** The kept rows of a range once they are back in their table: nothing keeps them any more. */
export function dropRestoredStatement(d: Dialect, s: RangeSlice): string {
  return `DELETE FROM ${d.table(keptTable(s.table))} AS kept WHERE ${keptFilter(d, s, 'kept', 'undo_of')}`;
}

/** Retention: the kept rows of every pruned run (those pruned now, and any a crash left behind). */
export function dropPrunedStatement(d: Dialect, source: Table): string {
  return (
    `DELETE FROM ${d.table(keptTable(source))} AS kept WHERE kept.${d.ident(KEPT_BY)} IN ` +
    `(SELECT recorded.run_id FROM ${d.table(REPLACED_RANGES)} AS recorded WHERE recorded.pruned_at IS NOT NULL)`
  );
}

/** Retention: the notes of every pruned run. */
export function dropPrunedNotesStatement(d: Dialect): string {
  return (
    `DELETE FROM ${d.table(KEPT_DATES)} AS noted WHERE noted.${d.ident(KEPT_BY)} IN ` +
    `(SELECT recorded.run_id FROM ${d.table(REPLACED_RANGES)} AS recorded WHERE recorded.pruned_at IS NOT NULL)`
  );
}

/** Retention: the index says the run's kept rows are gone (it can no longer be undone). */
export function markPrunedStatement(d: Dialect): string {
  return `UPDATE ${d.table(REPLACED_RANGES)} AS recorded SET pruned_at = ${d.currentTimestamp()} WHERE recorded.run_id = ${d.param('run_id', 'STRING')} AND recorded.pruned_at IS NULL`;
}

/** Every row of the index: small (one per batch of a run), read whole by undo, `runs` and retention. */
export function indexStatement(d: Dialect): string {
  const columns = REPLACED_RANGES.columns.map((c) => `recorded.${d.ident(c.name)}`).join(', ');
  return `SELECT ${columns} FROM ${d.table(REPLACED_RANGES)} AS recorded ORDER BY recorded.kept_at, recorded.table_name, recorded.start_date`;
}
