// The statements that keep what a batch replaces, for any slice (slices.ts), in both dialects:
// every value a parameter (the write's start_date, end_date and run_id, the slice's filters,
// table_name, kept_at), every identifier from the catalog. They run as companions of the write:
// before the replace, in its transaction on DuckDB, as jobs before the MERGE on BigQuery.
//
// Each may run more than once for one run and range (a retried batch, a resumed run, a job after
// a crash on BigQuery) and must then change nothing: the first keep of (run, range) wins (a later
// one finds kept rows of that run there and adds none), rows this run wrote itself are never kept
// as replaced, and the index row of (run, table, range) is inserted once.
import type {DerivedTable, Table} from '../catalog/types.js';
import type {Dialect} from '../queries/dialect.js';
import {rangePredicate} from '../queries/write.js';
import type {KeepMode} from './policy.js';
import {sliceParamName, type RangeSlice} from './slices.js';
import {KEPT_BY, KEPT_DATES, keptTable, REPLACED_RANGES} from './tables.js';

const hasRunId = (table: Table) => table.columns.some((c) => c.name === 'run_id');
const LINEAGE = ['processed_at', 'run_id'];

/** A slice whose identical dates are kept as a note of their lineage (its table has both lineage columns). */
export const compactable = (table: Table): boolean => LINEAGE.every((name) => table.columns.some((c) => c.name === name));

/** Every column but lineage: what "identical" compares. */
const valueColumns = (d: Dialect, table: Table, alias: string) => table.columns.filter((c) => !LINEAGE.includes(c.name)).map((c) => `${alias}.${d.ident(c.name)}`);

/** The slice's rows of the batch range, on `alias`: game_date in range and each filter. */
export function sliceFilter(d: Dialect, s: RangeSlice, alias: string): string {
  const filters = Object.entries(s.where).map(([column, param]) => `${alias}.${d.ident(column)} = ${d.param(sliceParamName(column), param.type)}`);
  return [rangePredicate(d, `${alias}.game_date`), ...filters].join(' AND ');
}

/** The run a batch or an undo reads kept rows of: `run_id` when keeping, `undo_of` when putting back. */
export type KeptRun = 'run_id' | 'undo_of';

/** The slice's kept rows of one run in the batch range, on `alias`. */
export function keptFilter(d: Dialect, s: RangeSlice, alias: string, run: KeptRun): string {
  return `${alias}.${d.ident(KEPT_BY)} = ${d.param(run, 'STRING')} AND ${sliceFilter(d, s, alias)}`;
}

export function columnList(d: Dialect, table: Table, alias?: string): string {
  return table.columns.map((c) => (alias ? `${alias}.${d.ident(c.name)}` : d.ident(c.name))).join(', ');
}

/** Copies the slice's current rows of the range into its kept table, unless this run already kept that range. */
export function keepStatement(d: Dialect, s: RangeSlice): string {
  const kept = keptTable(s.table);
  const own = hasRunId(s.table) ? ` AND current_rows.${d.ident('run_id')} IS DISTINCT FROM ${d.param('run_id', 'STRING')}` : '';
  return (
    `INSERT INTO ${d.table(kept)} (${d.ident(KEPT_BY)}, ${columnList(d, s.table)})\n` +
    `SELECT ${d.param('run_id', 'STRING')}, ${columnList(d, s.table, 'current_rows')}\n` +
    `FROM ${d.table(s.table)} AS current_rows\n` +
    `WHERE ${sliceFilter(d, s, 'current_rows')}${own}\n` +
    `  AND NOT EXISTS (SELECT 1 FROM ${d.table(kept)} AS already WHERE ${keptFilter(d, s, 'already', 'run_id')})`
  );
}

export const indexKey = (d: Dialect, alias: string, run: KeptRun = 'run_id') =>
  `${alias}.run_id = ${d.param(run, 'STRING')} AND ${alias}.table_name = ${d.param('table_name', 'STRING')} ` +
  `AND ${alias}.start_date = ${d.param('start_date', 'DATE')} AND ${alias}.end_date = ${d.param('end_date', 'DATE')}`;

/**
 * The batch's row of the index, once per (run, table, range): the rows it replaces (those of the
 * range this run did not write itself), counted before the replace, and when they were current:
 * the transaction's clock, or on time travel `kept_at` (read before the write by keptAtStatement:
 * the table's rows of the range as of then are the ones replaced).
 */
export function recordStatement(d: Dialect, table: DerivedTable, mode: KeepMode): string {
  const index = d.table(REPLACED_RANGES);
  const keptAt = mode === 'time-travel' ? d.param('kept_at', 'TIMESTAMP') : d.currentTimestamp();
  const keptRows =
    `(SELECT COUNT(*) FROM ${d.table(table)} AS current_rows WHERE ${rangePredicate(d, 'current_rows.game_date')} ` +
    `AND current_rows.${d.ident('run_id')} IS DISTINCT FROM ${d.param('run_id', 'STRING')})`;
  const columns = REPLACED_RANGES.columns.map((c) => d.ident(c.name)).join(', ');
  return (
    `INSERT INTO ${index} (${columns})\n` +
    `SELECT ${d.param('run_id', 'STRING')}, ${d.param('table_name', 'STRING')}, ${d.param('start_date', 'DATE')}, ${d.param('end_date', 'DATE')}, ` +
    `${keptAt}, ${keptRows}, NULL, NULL, NULL\n` +
    `FROM (SELECT 1 AS one) AS seed\n` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${index} AS recorded WHERE ${indexKey(d, 'recorded')})`
  );
}

/**
 * Time travel, before the write: when this run already recorded the range (a retry after its MERGE
 * committed), its rows are read as of that first time; else as of now, before anything changes.
 */
export function keptAtStatement(d: Dialect): string {
  return (
    `SELECT COALESCE((SELECT MIN(recorded.kept_at) FROM ${d.table(REPLACED_RANGES)} AS recorded WHERE ${indexKey(d, 'recorded')}), ` +
    `${d.currentTimestamp()}) AS kept_at`
  );
}

/** What tells the notes of two slices of one table apart: their filters' values (parameters), '' for none. */
export function sliceKey(d: Dialect, s: RangeSlice): string {
  const values = Object.entries(s.where).map(([column, param]) => `CAST(${d.param(sliceParamName(column), param.type)} AS ${d.columnType('STRING')})`);
  return values.length ? values.join(` || ${d.literal('|')} || `) : d.literal('');
}

/** The notes of a run's identical dates of the slice in the range, on `alias`. */
export function notesFilter(d: Dialect, s: RangeSlice, alias: string, run: KeptRun): string {
  return (
    `${alias}.${d.ident(KEPT_BY)} = ${d.param(run, 'STRING')} AND ${alias}.table_name = ${d.literal(s.table.name)} ` +
    `AND ${alias}.slice_key = ${sliceKey(d, s)} AND ${rangePredicate(d, `${alias}.game_date`)}`
  );
}

export const fingerprintOf = (d: Dialect, table: Table, alias: string) => `CAST(${d.rowsFingerprint(valueColumns(d, table, alias))} AS ${d.columnType('STRING')})`;

/** A date's rows of one lineage (as a batch writes them): a note can restamp them exactly. */
export const oneLineage = (alias: string) =>
  `COUNT(${alias}.run_id) = COUNT(*) AND COUNT(${alias}.processed_at) = COUNT(*) AND MIN(${alias}.run_id) = MAX(${alias}.run_id) AND MIN(${alias}.processed_at) = MAX(${alias}.processed_at)`;

export const noteColumns = (d: Dialect) => KEPT_DATES.columns.map((c) => d.ident(c.name)).join(', ');
export const notYetNoted = (d: Dialect, s: RangeSlice, date: string) =>
  `NOT EXISTS (SELECT 1 FROM ${d.table(KEPT_DATES)} AS noted WHERE ${notesFilter(d, s, 'noted', 'run_id')} AND noted.game_date = ${date})`;

/**
 * Copy mode, after the replace: a note for each date whose kept rows the batch rewrote identically
 * (same rows, same values, bit for bit; replaced rows of one lineage), once per run and date.
 */
export function noteIdenticalStatement(d: Dialect, s: RangeSlice): string {
  const kept = keptTable(s.table);
  return (
    `INSERT INTO ${d.table(KEPT_DATES)} (${noteColumns(d)})\n` +
    `SELECT ${d.param('run_id', 'STRING')}, ${d.literal(s.table.name)}, ${sliceKey(d, s)}, kept_side.game_date, kept_side.run_id, kept_side.processed_at, kept_side.row_count, kept_side.fingerprint\n` +
    `FROM (SELECT k.game_date, MIN(k.run_id) AS run_id, MIN(k.processed_at) AS processed_at, COUNT(*) AS row_count, ${fingerprintOf(d, s.table, 'k')} AS fingerprint\n` +
    `      FROM ${d.table(kept)} AS k WHERE ${keptFilter(d, s, 'k', 'run_id')} GROUP BY k.game_date HAVING ${oneLineage('k')}) AS kept_side\n` +
    `JOIN (SELECT t.game_date, COUNT(*) AS row_count, ${fingerprintOf(d, s.table, 't')} AS fingerprint\n` +
    `      FROM ${d.table(s.table)} AS t WHERE ${sliceFilter(d, s, 't')} GROUP BY t.game_date) AS current_side\n` +
    `  ON current_side.game_date = kept_side.game_date\n` +
    `WHERE kept_side.row_count = current_side.row_count AND kept_side.fingerprint = current_side.fingerprint\n` +
    `  AND ${notYetNoted(d, s, 'kept_side.game_date')}`
  );
}

/** After the notes: the kept rows of noted dates are dropped (on DuckDB before they were ever committed). */
export function compactStatement(d: Dialect, s: RangeSlice): string {
  return (
    `DELETE FROM ${d.table(keptTable(s.table))} AS k WHERE ${keptFilter(d, s, 'k', 'run_id')}\n` +
    `  AND k.game_date IN (SELECT noted.game_date FROM ${d.table(KEPT_DATES)} AS noted WHERE ${notesFilter(d, s, 'noted', 'run_id')})`
  );
}

/** The index's key of one batch range of `undo_of` (an undo marks it), or of `run_id`. */
export function indexKeyOf(d: Dialect, alias: string, run: KeptRun): string {
  return indexKey(d, alias, run);
}
