// What a batch keeps and an undo restores, generically: "the rows of a table in a game_date range",
// optionally narrowed by column = value filters. A batch of a derived table keeps the slices of
// slicesFor(table) before it replaces its range, and the undo of that batch puts all of them back
// in the same atomic step, so that what travels with a table's rows (freshness's build records,
// rows of nba_backfill.build_records with table_name = the table) is restored together with them:
//
//   slicesFor(table) = [dataSlice(table), recordsSlice(table)]
//
// Any table with a game_date column works; its kept table (tables.ts keptTable) is derived from it.
import {buildRecords} from '../catalog/bookkeeping.js';
import type {DerivedTable, Table} from '../catalog/types.js';
import {stringParam, type Param, type Params} from '../warehouse/types.js';

/**
 * A table that keeps a history of rows per key (build records: BigQuery appends a record per
 * write): only each key's newest row (by `newest`) is current, and a restore puts back that one,
 * stamped `restamp` = the restore's time, so that it is current again and never older than the
 * rows it describes (BigQuery dates a partition's last write by its modification, which the
 * restore itself is).
 */
export interface SliceHistory {
  readonly newest: string;
  readonly restamp: string;
}

export interface RangeSlice {
  /** Any table with a game_date column. */
  readonly table: Table;
  /** Beyond the range: only rows where each column equals its value (values travel as parameters). */
  readonly where: Readonly<Record<string, Param>>;
  readonly history?: SliceHistory;
}

export function slice(table: Table, where: Readonly<Record<string, Param>> = {}, history?: SliceHistory): RangeSlice {
  const has = (column: string) => table.columns.some((c) => c.name === column);
  if (!has('game_date')) throw new Error(`${table.name} has no game_date column: it cannot be kept by range`);
  for (const column of [...Object.keys(where), ...(history ? [history.newest, history.restamp] : [])]) {
    if (!has(column)) throw new Error(`${table.name} has no column ${column}`);
  }
  return history ? {table, where, history} : {table, where};
}

/** The table's own rows in the range. */
export const dataSlice = (table: DerivedTable): RangeSlice => slice(table);

/** The build records of `table` (src/freshness): what built each date travels with its rows. */
export const recordsSlice = (table: DerivedTable): RangeSlice =>
  slice(buildRecords, {table_name: stringParam(table.name)}, {newest: 'recorded_at', restamp: 'recorded_at'});

/** What a batch of `table` keeps and its undo restores, its own rows first. */
export function slicesFor(table: DerivedTable): RangeSlice[] {
  return [dataSlice(table), recordsSlice(table)];
}

/** The parameter that carries a filter's value: `slice_<column>`. */
export const sliceParamName = (column: string): string => `slice_${column}`;

/** The filters' parameters, to add to a statement's. */
export function sliceParams(s: RangeSlice): Params {
  return Object.fromEntries(Object.entries(s.where).map(([column, param]) => [sliceParamName(column), param]));
}
