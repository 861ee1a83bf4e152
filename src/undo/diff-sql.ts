// The change report of one batch in one statement: the rows it replaced against the rows it wrote,
// matched on the catalog's key. One row out: how many were replaced and written, added (new keys),
// removed (keys gone), changed (same key, some column other than lineage differs; floats beyond a
// relative tolerance, NULL differs from any value), and for the ML feature store per feature:
// values changed, sums and counts before and after (for the means), the largest absolute change.
//
// Copy mode (DuckDB; BigQuery `keep: "copy"`): the replaced rows are the kept ones, and the dates
// the batch rewrote identically (kept_dates notes, keep-sql.ts) are not compared again: they count
// as replaced and written, none added, removed or changed, their values the current ones. Time
// travel: the table as of `kept_at` against the table now.
// On DuckDB it runs in the batch's transaction, after the insert; on BigQuery as a job after the MERGE.
import type {Column, DerivedTable} from '../catalog/types.js';
import type {Dialect} from '../queries/dialect.js';
import {rangePredicate} from '../queries/write.js';
import {featureColumns} from './features.js';
import {keptFilter, notesFilter} from './keep-sql.js';
import type {KeepMode} from './policy.js';
import {dataSlice} from './slices.js';
import {KEPT_DATES, keptTable} from './tables.js';

const LINEAGE = new Set(['processed_at', 'run_id']);

/** The columns whose values make a row "changed": all but the key and lineage. */
export function comparedColumns(table: DerivedTable): Column[] {
  return table.columns.filter((c) => !LINEAGE.has(c.name) && !table.key.includes(c.name));
}

/** SQL TRUE when the column's values differ on the matched pair (the exact test first: most pairs are equal). */
function differs(d: Dialect, column: Column): string {
  const b = `before_rows.${d.ident(column.name)}`;
  const a = `after_rows.${d.ident(column.name)}`;
  if (column.type !== 'FLOAT64') return `(${b} IS DISTINCT FROM ${a})`;
  return `(${b} IS DISTINCT FROM ${a} AND (${b} IS NULL OR ${a} IS NULL OR ABS(${a} - ${b}) > ${d.param('float_tolerance', 'FLOAT64')} * GREATEST(1.0, ABS(${b}))))`;
}

/** A feature's value as FLOAT64 (a BOOL as 0 or 1) for its means and changes. */
export function numeric(d: Dialect, alias: string, column: Column): string {
  const value = `${alias}.${d.ident(column.name)}`;
  return column.type === 'BOOL' ? d.float(`CAST(${value} AS ${d.columnType('INT64')})`) : d.float(value);
}

const count = (condition: string) => `COALESCE(SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`;
const BOTH = 'before_rows.present = 1 AND after_rows.present = 1';
export const feature = (d: Dialect, column: Column, suffix: string) => d.ident(`${column.name}__${suffix}`);

/** The compared pairs' aggregates of one feature. */
function featureAggregates(d: Dialect, column: Column): string[] {
  const before = numeric(d, 'before_rows', column);
  const after = numeric(d, 'after_rows', column);
  return [
    `${count(`${BOTH} AND ${differs(d, column)}`)} AS ${feature(d, column, 'changed')}`,
    `SUM(${before}) AS ${feature(d, column, 'sum_before')}`,
    `COUNT(before_rows.${d.ident(column.name)}) AS ${feature(d, column, 'n_before')}`,
    `SUM(${after}) AS ${feature(d, column, 'sum_after')}`,
    `COUNT(after_rows.${d.ident(column.name)}) AS ${feature(d, column, 'n_after')}`,
    `MAX(CASE WHEN ${BOTH} THEN ABS(${after} - ${before}) END) AS ${feature(d, column, 'max_abs')}`,
  ];
}

interface Sides {
  /** The replaced rows compared, as a SELECT of `present` and the columns read (alias `replaced`). */
  readonly replaced: (columns: string) => string;
  /** Extra condition on the written rows compared (alias `written`). */
  readonly writtenFilter: string;
  /** Something was replaced at all (else neither side holds a row). */
  readonly anything: string;
}

function sides(d: Dialect, table: DerivedTable, mode: KeepMode): Sides {
  if (mode === 'time-travel') {
    const replaced = (columns: string) =>
      `SELECT 1 AS present, ${columns} FROM ${d.table(table)} AS replaced FOR SYSTEM_TIME AS OF ${d.param('kept_at', 'TIMESTAMP')} WHERE ${rangePredicate(d, 'replaced.game_date')}`;
    return {replaced, writtenFilter: '', anything: `EXISTS (${replaced('replaced.game_date')})`};
  }
  const s = dataSlice(table);
  const notes = (alias: string) => `SELECT 1 FROM ${d.table(KEPT_DATES)} AS ${alias} WHERE ${notesFilter(d, s, alias, 'run_id')}`;
  const replaced = (columns: string) => `SELECT 1 AS present, ${columns} FROM ${d.table(keptTable(table))} AS replaced WHERE ${keptFilter(d, s, 'replaced', 'run_id')}`;
  return {
    replaced,
    writtenFilter: `\n    AND NOT EXISTS (${notes('noted')} AND noted.game_date = written.game_date)`,
    anything: `(EXISTS (${replaced('replaced.game_date')}) OR EXISTS (${notes('any_note')}))`,
  };
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
  const features = featureColumns(table);
  const on = table.key.map((k) => `before_rows.${d.ident(k)} = after_rows.${d.ident(k)}`).join(' AND ');
  const {replaced, writtenFilter, anything} = sides(d, table, mode);
  const compared = [
    `${count('before_rows.present = 1')} AS replaced_rows`,
    `${count('after_rows.present = 1')} AS written_rows`,
    `${count('before_rows.present IS NULL')} AS added`,
    `${count('after_rows.present IS NULL')} AS removed`,
    `${count(`${BOTH} AND (\n    ${anyDiffers || 'FALSE'})`)} AS changed`,
    ...features.flatMap((c) => featureAggregates(d, c)),
  ];
  const pairs =
    `SELECT\n  ${compared.join(',\n  ')}\n` +
    `FROM (${replaced(columns('replaced'))}) AS before_rows\n` +
    `FULL OUTER JOIN (SELECT 1 AS present, ${columns('written')} FROM ${d.table(table)} AS written WHERE ${rangePredicate(d, 'written.game_date')}${writtenFilter}\n` +
    `  AND ${anything}) AS after_rows\n` +
    `ON ${on}`;
  if (mode === 'time-travel') return pairs;
  return `SELECT\n  ${identicalTotals(d, features).join(',\n  ')}\nFROM (${pairs}) AS compared\nCROSS JOIN (${identicalDates(d, table, features)}) AS identical`;
}

/** The noted (identical) dates' rows and feature sums, from the current rows of those dates. */
function identicalDates(d: Dialect, table: DerivedTable, features: readonly Column[]): string {
  const s = dataSlice(table);
  const sums = features.flatMap((c) => [`SUM(${numeric(d, 'current_rows', c)}) AS ${feature(d, c, 'sum')}`, `COUNT(current_rows.${d.ident(c.name)}) AS ${feature(d, c, 'n')}`]);
  return (
    `SELECT COUNT(*) AS identical_rows${sums.length ? `, ${sums.join(', ')}` : ''} FROM ${d.table(table)} AS current_rows\n` +
    `  WHERE ${rangePredicate(d, 'current_rows.game_date')} AND current_rows.game_date IN (SELECT noted.game_date FROM ${d.table(KEPT_DATES)} AS noted WHERE ${notesFilter(d, s, 'noted', 'run_id')})`
  );
}

/** The compared figures plus the identical dates': replaced, written and the features' sums and counts. */
function identicalTotals(d: Dialect, features: readonly Column[]): string[] {
  const plus = (a: string, b: string) => `COALESCE(${a}, 0) + COALESCE(${b}, 0)`;
  return [
    `${plus('compared.replaced_rows', 'identical.identical_rows')} AS replaced_rows`,
    `${plus('compared.written_rows', 'identical.identical_rows')} AS written_rows`,
    'compared.added AS added',
    'compared.removed AS removed',
    'compared.changed AS changed',
    ...features.flatMap((c) => {
      const at = (alias: string, suffix: string) => `${alias}.${feature(d, c, suffix)}`;
      return [
        `${at('compared', 'changed')} AS ${feature(d, c, 'changed')}`,
        `${plus(at('compared', 'sum_before'), at('identical', 'sum'))} AS ${feature(d, c, 'sum_before')}`,
        `${plus(at('compared', 'n_before'), at('identical', 'n'))} AS ${feature(d, c, 'n_before')}`,
        `${plus(at('compared', 'sum_after'), at('identical', 'sum'))} AS ${feature(d, c, 'sum_after')}`,
        `${plus(at('compared', 'n_after'), at('identical', 'n'))} AS ${feature(d, c, 'n_after')}`,
        `${at('compared', 'max_abs')} AS ${feature(d, c, 'max_abs')}`,
      ];
    }),
  ];
}
