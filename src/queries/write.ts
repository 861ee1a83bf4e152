// The statements that atomically replace a date range of a derived table: one definition,
// used by both adapters and printed by `backfill sql` for review.
//
// A write stays in its range: the rows' game_date is the processor's game_date passed through a
// guard that raises (guards.ts, stray-row) for a date outside [start_date, end_date] or NULL, and
// the insert takes only rows in the range. A processor that returned a stray row would otherwise
// insert it without the delete having cleared that date: a duplicate. The guard is a column of the
// one statement, so the processor's SELECT runs once; only after a failure does the adapter run
// strayDatesStatement to list every stray date for the message.
import type {DerivedTable} from '../catalog/types.js';
import type {Dialect} from './dialect.js';
import {STRAY_ROW_PREFIX} from './guards.js';

const LINEAGE = new Set(['processed_at', 'run_id']);

/** The table's columns a processor's SELECT must produce (everything but lineage). */
export function selectedColumns(table: DerivedTable): string[] {
  return table.columns.filter((c) => !LINEAGE.has(c.name)).map((c) => c.name);
}

export function rangePredicate(d: Dialect, column = 'game_date'): string {
  return `${column} BETWEEN ${d.param('start_date', 'DATE')} AND ${d.param('end_date', 'DATE')}`;
}

/** game_date, or the stray-row guard's error for a row dated outside the range (or NULL). */
function guardedGameDate(d: Dialect, table: DerivedTable): string {
  const message = `CONCAT(${d.literal(STRAY_ROW_PREFIX(table.short))}, COALESCE(CAST(game_date AS ${d.columnType('STRING')}), 'NULL'))`;
  return `CASE WHEN ${rangePredicate(d)} THEN game_date ELSE ${d.raise(message)} END`;
}

/**
 * What a write does with the lineage columns: `stamp` writes now and the write's run_id (a processor's
 * rows); `keep` takes them from the select as they are (an undo puts earlier rows back exactly).
 */
export type Lineage = 'stamp' | 'keep';

/** The processor's rows with lineage added (or kept), in the table's column order, game_date guarded. */
export function rowsWithLineage(d: Dialect, table: DerivedTable, select: string, lineage: Lineage = 'stamp'): string {
  const stamp = lineage === 'stamp';
  const columns = table.columns.map((c) =>
    stamp && c.name === 'processed_at' ? `${d.currentTimestamp()} AS processed_at`
    : stamp && c.name === 'run_id' ? `${d.param('run_id', 'STRING')} AS run_id`
    : c.name === 'game_date' ? `${guardedGameDate(d, table)} AS game_date`
    : `${d.ident(c.name)}`,
  );
  return `SELECT ${columns.join(', ')}\nFROM (\n${select}\n) AS processor_rows`;
}

/** The dates (and row counts) outside the range that `select` returns: the diagnostic after a stray-row guard. */
export function strayDatesStatement(d: Dialect, select: string): string {
  return (
    `SELECT game_date, COUNT(*) AS row_count\nFROM (\n${select}\n) AS processor_rows\n` +
    `WHERE game_date IS NULL OR NOT (${rangePredicate(d)})\nGROUP BY game_date\nORDER BY game_date`
  );
}

/**
 * DuckDB: DELETE then INSERT, run by the adapter inside one transaction.
 * BigQuery: one MERGE ... ON FALSE, atomic by itself; the DELETE arm names the range so that
 * only the batch's partitions are touched (and require_partition_filter is met), the INSERT arm
 * takes only source rows in the range (BigQuery's documented pruning form for ON FALSE merges).
 */
export function replaceRangeStatements(d: Dialect, table: DerivedTable, select: string, lineage: Lineage = 'stamp'): string[] {
  const target = d.table(table);
  const rows = rowsWithLineage(d, table, select, lineage);
  if (d.engine === 'bigquery') {
    return [
      `MERGE ${target} AS target\nUSING (\n${rows}\n) AS source\nON FALSE\n` +
        `WHEN NOT MATCHED BY SOURCE AND target.${rangePredicate(d)} THEN DELETE\n` +
        `WHEN NOT MATCHED AND source.${rangePredicate(d)} THEN INSERT ROW`,
    ];
  }
  const columns = table.columns.map((c) => d.ident(c.name)).join(', ');
  // The filter reads the guarded game_date (a column of guarded_rows), so it cannot skip the guard.
  return [
    `DELETE FROM ${target} WHERE ${rangePredicate(d)}`,
    `INSERT INTO ${target} (${columns})\nSELECT * FROM (\n${rows}\n) AS guarded_rows\nWHERE guarded_rows.${rangePredicate(d)}`,
  ];
}

export function deleteRangeStatement(d: Dialect, table: DerivedTable): string {
  return `DELETE FROM ${d.table(table)} WHERE ${rangePredicate(d)}`;
}
