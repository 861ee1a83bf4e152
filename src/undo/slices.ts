// What a batch keeps and an undo restores, generically: "the rows of a table in a game_date range",
// optionally narrowed by column = value filters. A batch of a derived table keeps the slices of
// slicesFor(table) before it replaces its range, and the undo of that batch puts all of them back
// in the same atomic step, so that what travels with a table's rows (freshness's build records,
// rows of nba_backfill.build_records with table_name = the table) is restored together with them:
//
//   slicesFor(table) = [dataSlice(table), slice(buildRecords, {table_name: stringParam(table.name)})]
//
// Any table with a game_date column works; its kept table (tables.ts keptTable) is derived from it.
import type {DerivedTable, Table} from '../catalog/types.js';
import type {Param, Params} from '../warehouse/types.js';

export interface RangeSlice {
  /** Any table with a game_date column. */
  readonly table: Table;
  /** Beyond the range: only rows where each column equals its value (values travel as parameters). */
  readonly where: Readonly<Record<string, Param>>;
}

export function slice(table: Table, where: Readonly<Record<string, Param>> = {}): RangeSlice {
  if (!table.columns.some((c) => c.name === 'game_date')) throw new Error(`${table.name} has no game_date column: it cannot be kept by range`);
  for (const column of Object.keys(where)) {
    if (!table.columns.some((c) => c.name === column)) throw new Error(`${table.name} has no column ${column}`);
  }
  return {table, where};
}

/** The table's own rows in the range. */
export const dataSlice = (table: DerivedTable): RangeSlice => slice(table);

/** What a batch of `table` keeps and its undo restores, its own rows first. */
export function slicesFor(table: DerivedTable): RangeSlice[] {
  return [dataSlice(table)];
}

/** The parameter that carries a filter's value: `slice_<column>`. */
export const sliceParamName = (column: string): string => `slice_${column}`;

/** The filters' parameters, to add to a statement's. */
export function sliceParams(s: RangeSlice): Params {
  return Object.fromEntries(Object.entries(s.where).map(([column, param]) => [sliceParamName(column), param]));
}
