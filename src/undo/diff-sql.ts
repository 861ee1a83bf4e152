// The change report of one batch in one statement: the rows it replaced (kept rows, or on BigQuery
// the table as of `kept_at` through time travel) against the rows it wrote, matched on the
// catalog's key. One row out: how many were replaced and written, added (new keys), removed (keys
// gone), changed (same key, some column other than lineage differs; floats beyond a relative
// tolerance, NULL differs from any value), and for the ML feature store per feature: values
// changed, sums and counts before and after (for the means), the largest absolute change.
// On DuckDB it runs in the batch's transaction, after the insert; on BigQuery as a job right after
// the MERGE.
import type {Column, DerivedTable} from '../catalog/types.js';
import type {Dialect} from '../queries/dialect.js';
import {rangePredicate} from '../queries/write.js';
import {featureColumns} from './features.js';
import {keptFilter} from './keep-sql.js';
import type {KeepMode} from './policy.js';
import {dataSlice} from './slices.js';
import {keptTable} from './tables.js';

const LINEAGE = new Set(['processed_at', 'run_id']);

/** The columns whose values make a row "changed": all but the key and lineage. */
export function comparedColumns(table: DerivedTable): Column[] {
  return table.columns.filter((c) => !LINEAGE.has(c.name) && !table.key.includes(c.name));
}

/** SQL TRUE when the column's values differ on the matched pair. */
function differs(d: Dialect, column: Column): string {
  const b = `before_rows.${d.ident(column.name)}`;
  const a = `after_rows.${d.ident(column.name)}`;
  if (column.type !== 'FLOAT64') return `(${b} IS DISTINCT FROM ${a})`;
  const tolerance = `${d.param('float_tolerance', 'FLOAT64')} * GREATEST(1.0, ABS(${b}))`;
  return `(CASE WHEN ${b} IS NULL AND ${a} IS NULL THEN FALSE WHEN ${b} IS NULL OR ${a} IS NULL THEN TRUE ELSE ABS(${a} - ${b}) > ${tolerance} END)`;
}

/** A feature's value as FLOAT64 (a BOOL as 0 or 1) for its means and changes. */
function numeric(d: Dialect, alias: string, column: Column): string {
  const value = `${alias}.${d.ident(column.name)}`;
  return column.type === 'BOOL' ? d.float(`CAST(${value} AS ${d.columnType('INT64')})`) : d.float(value);
}

const count = (condition: string) => `COALESCE(SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`;
const BOTH = 'before_rows.present = 1 AND after_rows.present = 1';

/** The aggregates of one feature, named `<feature>__changed`, `__sum_before`, ... (see changes.ts). */
function featureAggregates(d: Dialect, column: Column): string[] {
  const name = (suffix: string) => d.ident(`${column.name}__${suffix}`);
  const before = numeric(d, 'before_rows', column);
  const after = numeric(d, 'after_rows', column);
  return [
    `${count(`${BOTH} AND ${differs(d, column)}`)} AS ${name('changed')}`,
    `SUM(${before}) AS ${name('sum_before')}`,
    `COUNT(before_rows.${d.ident(column.name)}) AS ${name('n_before')}`,
    `SUM(${after}) AS ${name('sum_after')}`,
    `COUNT(after_rows.${d.ident(column.name)}) AS ${name('n_after')}`,
    `MAX(CASE WHEN ${BOTH} THEN ABS(${after} - ${before}) END) AS ${name('max_abs')}`,
  ];
}

/** The rows the batch replaced, as a FROM item. */
function replacedRows(d: Dialect, table: DerivedTable, mode: KeepMode, columns: string): string {
  if (mode === 'time-travel') {
    return `SELECT 1 AS present, ${columns} FROM ${d.table(table)} AS replaced FOR SYSTEM_TIME AS OF ${d.param('kept_at', 'TIMESTAMP')} WHERE ${rangePredicate(d, 'replaced.game_date')}`;
  }
  return `SELECT 1 AS present, ${columns} FROM ${d.table(keptTable(table))} AS replaced WHERE ${keptFilter(d, dataSlice(table), 'replaced', 'run_id')}`;
}

/**
 * One row: the batch's change report (parameters: the write's, float_tolerance, and kept_at on time
 * travel). When the batch replaced nothing both sides are empty and its figures come from the rows
 * it wrote (changes.ts batchChanges): a first build pays for no comparison.
 */
export function changesStatement(d: Dialect, table: DerivedTable, mode: KeepMode): string {
  const read = [...table.key, ...comparedColumns(table).map((c) => c.name)];
  const columns = (alias: string) => read.map((name) => `${alias}.${d.ident(name)}`).join(', ');
  const anyDiffers = comparedColumns(table).map((c) => differs(d, c)).join('\n    OR ');
  const features = featureColumns(table).flatMap((c) => featureAggregates(d, c));
  const on = table.key.map((k) => `before_rows.${d.ident(k)} = after_rows.${d.ident(k)}`).join(' AND ');
  const select = [
    `${count('before_rows.present = 1')} AS replaced_rows`,
    `${count('after_rows.present = 1')} AS written_rows`,
    `${count('before_rows.present IS NULL')} AS added`,
    `${count('after_rows.present IS NULL')} AS removed`,
    `${count(`${BOTH} AND (\n    ${anyDiffers || 'FALSE'})`)} AS changed`,
    ...features,
  ];
  return (
    `SELECT\n  ${select.join(',\n  ')}\n` +
    `FROM (${replacedRows(d, table, mode, columns('replaced'))}) AS before_rows\n` +
    // Nothing replaced (a first build of the range): no row on either side, nothing to compare.
    `FULL OUTER JOIN (SELECT 1 AS present, ${columns('written')} FROM ${d.table(table)} AS written WHERE ${rangePredicate(d, 'written.game_date')}\n` +
    `  AND EXISTS (${replacedRows(d, table, mode, 'replaced.game_date')})) AS after_rows\n` +
    `ON ${on}`
  );
}
