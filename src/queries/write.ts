// The statements that atomically replace a date range of a derived table: one definition,
// used by both adapters and printed by `backfill sql` for review.
import type {DerivedTable} from '../catalog/types.js';
import type {Dialect} from './dialect.js';

const LINEAGE = new Set(['processed_at', 'run_id']);

/** The table's columns a processor's SELECT must produce (everything but lineage). */
export function selectedColumns(table: DerivedTable): string[] {
  return table.columns.filter((c) => !LINEAGE.has(c.name)).map((c) => c.name);
}

/** The processor's rows with lineage added, in the table's column order. */
export function rowsWithLineage(d: Dialect, table: DerivedTable, select: string): string {
  const columns = table.columns.map((c) =>
    c.name === 'processed_at' ? `${d.currentTimestamp()} AS processed_at`
    : c.name === 'run_id' ? `${d.param('run_id', 'STRING')} AS run_id`
    : `${d.ident(c.name)}`,
  );
  return `SELECT ${columns.join(', ')}\nFROM (\n${select}\n) AS processor_rows`;
}

export function rangePredicate(d: Dialect, column = 'game_date'): string {
  return `${column} BETWEEN ${d.param('start_date', 'DATE')} AND ${d.param('end_date', 'DATE')}`;
}

/**
 * DuckDB: DELETE then INSERT, run by the adapter inside one transaction.
 * BigQuery: one MERGE ... ON FALSE, atomic by itself; the DELETE arm names the range so that
 * only the batch's partitions are touched (and require_partition_filter is satisfied).
 */
export function replaceRangeStatements(d: Dialect, table: DerivedTable, select: string): string[] {
  const target = d.table(table);
  const rows = rowsWithLineage(d, table, select);
  if (d.engine === 'bigquery') {
    return [
      `MERGE ${target} AS target\nUSING (\n${rows}\n) AS source\nON FALSE\n` +
        `WHEN NOT MATCHED BY SOURCE AND target.${rangePredicate(d)} THEN DELETE\n` +
        `WHEN NOT MATCHED THEN INSERT ROW`,
    ];
  }
  const columns = table.columns.map((c) => d.ident(c.name)).join(', ');
  return [`DELETE FROM ${target} WHERE ${rangePredicate(d)}`, `INSERT INTO ${target} (${columns})\n${rows}`];
}

export function deleteRangeStatement(d: Dialect, table: DerivedTable): string {
  return `DELETE FROM ${d.table(table)} WHERE ${rangePredicate(d)}`;
}
