// The optimistic keep (DuckDB: everything in the batch's one transaction). Copying the rows a batch
// replaces is most of what keeping costs, and a rebuild mostly rewrites rows as they were; so
// before the replace each date's rows about to go are only noted (their lineage, count and a
// fingerprint of their values), and after it one statement checks that every noted date came out
// identical and reports the changes. If one did not, it fails the transaction (nothing was written)
// and the keeper writes the batch again, copying the rows (keep-sql.ts). Notes restore exactly: the
// current rows of a noted date are the replaced ones with another lineage.
import type {DerivedTable} from '../catalog/types.js';
import type {Dialect} from '../queries/dialect.js';
import {feature, numeric} from './diff-sql.js';
import {featureColumns} from './features.js';
import {fingerprintOf, indexKey, keptFilter, noteColumns, notesFilter, notYetNoted, oneLineage, sliceFilter, sliceKey} from './keep-sql.js';
import type {RangeSlice} from './slices.js';
import {KEPT_DATES, keptTable, REPLACED_RANGES} from './tables.js';

/** What the optimistic keep raises when a replaced date changed: the batch is written again, keeping its rows. */
export const CHANGED_MARKER = 'backfill undo: replaced rows changed';

export const isChangedRows = (error: unknown): boolean => String((error as Error)?.message ?? error).includes(CHANGED_MARKER);

/** Before the replace: a note per date of the rows about to be replaced (one lineage each), once per run and date. */
export function fingerprintStatement(d: Dialect, s: RangeSlice): string {
  return (
    `INSERT INTO ${d.table(KEPT_DATES)} (${noteColumns(d)})\n` +
    `SELECT ${d.param('run_id', 'STRING')}, ${d.literal(s.table.name)}, ${sliceKey(d, s)}, current_rows.game_date, MIN(current_rows.run_id), MIN(current_rows.processed_at), COUNT(*), ${fingerprintOf(d, s.table, 'current_rows')}\n` +
    `FROM ${d.table(s.table)} AS current_rows\n` +
    `WHERE ${sliceFilter(d, s, 'current_rows')} AND current_rows.run_id IS DISTINCT FROM ${d.param('run_id', 'STRING')} AND ${notYetNoted(d, s, 'current_rows.game_date')}\n` +
    `GROUP BY current_rows.game_date\nHAVING ${oneLineage('current_rows')}`
  );
}

const notesOf = (d: Dialect, s: RangeSlice) =>
  `SELECT noted.game_date, noted.row_count, noted.fingerprint FROM ${d.table(KEPT_DATES)} AS noted WHERE ${notesFilter(d, s, 'noted', 'run_id')}`;

/**
 * Not every replaced row is a noted one: the index's count differs from the noted rows (a date of
 * mixed lineage was not noted), or rows of this run and range are kept whole (an earlier attempt
 * copied them): either way the copying write, whose report reads kept rows, is the one to run.
 */
function unaccounted(d: Dialect, s: RangeSlice): string {
  const recorded = `(SELECT recorded.kept_rows FROM ${d.table(REPLACED_RANGES)} AS recorded WHERE ${indexKey(d, 'recorded')})`;
  const noted = `(SELECT COALESCE(SUM(noted.row_count), 0) FROM ${d.table(KEPT_DATES)} AS noted WHERE ${notesFilter(d, s, 'noted', 'run_id')})`;
  const whole = `EXISTS (SELECT 1 FROM ${d.table(keptTable(s.table))} AS k WHERE ${keptFilter(d, s, 'k', 'run_id')})`;
  return `${recorded} <> ${noted} OR ${whole}`;
}

const raiseChanged = (d: Dialect, s: RangeSlice) => d.raise(d.literal(`${CHANGED_MARKER} in ${s.table.name}`));

/** After the replace, the check alone, for any slice with lineage (the keeper checks only a table's own rows, in the report's statement). */
export function verifyIdenticalStatement(d: Dialect, s: RangeSlice): string {
  const current = `SELECT t.game_date, COUNT(*) AS row_count, ${fingerprintOf(d, s.table, 't')} AS fingerprint FROM ${d.table(s.table)} AS t WHERE ${sliceFilter(d, s, 't')} GROUP BY t.game_date`;
  const changed =
    `SELECT 1 FROM (${notesOf(d, s)}) AS before_side LEFT JOIN (${current}) AS after_side ON after_side.game_date = before_side.game_date\n` +
    `  WHERE after_side.game_date IS NULL OR after_side.row_count <> before_side.row_count OR after_side.fingerprint <> before_side.fingerprint`;
  return `SELECT CASE WHEN EXISTS (${changed})\n  OR ${unaccounted(d, s)}\n  THEN ${raiseChanged(d, s)} ELSE 1 END AS verified`;
}

/**
 * After the replace, for the table's own rows: the check and the change report in one scan of the
 * written rows, per date against the notes (the report's columns as diff-sql.ts writes them). Every
 * noted date is identical (else the check fails), so nothing is removed or changed; a written date
 * without a note had no rows before: all added.
 */
export function verifiedChangesStatement(d: Dialect, table: DerivedTable, s: RangeSlice): string {
  const features = featureColumns(table);
  const sums = features.flatMap((c) => [`SUM(${numeric(d, 't', c)}) AS ${feature(d, c, 'sum')}`, `COUNT(t.${d.ident(c.name)}) AS ${feature(d, c, 'n')}`]);
  const written =
    `SELECT t.game_date, COUNT(*) AS row_count, ${fingerprintOf(d, table, 't')} AS fingerprint${sums.length ? `, ${sums.join(', ')}` : ''}\n` +
    `    FROM ${d.table(table)} AS t WHERE ${sliceFilter(d, s, 't')} GROUP BY t.game_date`;
  const noted = 'before_side.row_count IS NOT NULL';
  const mismatch = `${noted} AND (after_side.row_count IS NULL OR after_side.row_count <> before_side.row_count OR after_side.fingerprint <> before_side.fingerprint)`;
  const total = (expr: string) => `COALESCE(SUM(${expr}), 0)`;
  const columns = [
    `CASE WHEN ${total(`CASE WHEN ${mismatch} THEN 1 ELSE 0 END`)} > 0 OR ${unaccounted(d, s)} THEN ${raiseChanged(d, s)} ELSE 1 END AS verified`,
    `${total('before_side.row_count')} AS replaced_rows`,
    `${total('after_side.row_count')} AS written_rows`,
    `${total(`CASE WHEN ${noted} THEN 0 ELSE after_side.row_count END`)} AS added`,
    '0 AS removed',
    '0 AS changed',
    ...features.flatMap((c) => {
      const at = (suffix: string) => `after_side.${feature(d, c, suffix)}`;
      return [
        `0 AS ${feature(d, c, 'changed')}`,
        `SUM(CASE WHEN ${noted} THEN ${at('sum')} END) AS ${feature(d, c, 'sum_before')}`,
        `${total(`CASE WHEN ${noted} THEN ${at('n')} END`)} AS ${feature(d, c, 'n_before')}`,
        `SUM(${at('sum')}) AS ${feature(d, c, 'sum_after')}`,
        `${total(at('n'))} AS ${feature(d, c, 'n_after')}`,
        `CASE WHEN ${total(`CASE WHEN ${noted} THEN after_side.row_count ELSE 0 END`)} > 0 THEN 0.0 END AS ${feature(d, c, 'max_abs')}`,
      ];
    }),
  ];
  return `SELECT\n  ${columns.join(',\n  ')}\nFROM (${notesOf(d, s)}) AS before_side\nFULL OUTER JOIN (\n  ${written}) AS after_side\nON after_side.game_date = before_side.game_date`;
}
