// What every check gets: the warehouse, the range and its game dates (read once per validation).
import type {DerivedTable} from '../../catalog/types.js';
import type {DateRange, IsoDate} from '../../dates.js';
import type {GameDate} from '../../queries/coverage.js';
import {rangeParams, type Params, type Warehouse} from '../../warehouse/types.js';

export interface CheckContext {
  readonly warehouse: Warehouse;
  readonly range: DateRange;
  /** start_date and end_date: every query filters game_date on them (BigQuery partition filter). */
  readonly params: Params;
  /** The game dates of the range, in order. */
  readonly gameDates: readonly GameDate[];
  readonly calendar: readonly IsoDate[];
  readonly signal?: AbortSignal;
}

export function checkContext(warehouse: Warehouse, range: DateRange, gameDates: readonly GameDate[], signal?: AbortSignal): CheckContext {
  return {
    warehouse,
    range,
    params: rangeParams(range.start, range.end),
    gameDates,
    calendar: gameDates.map((g) => g.date),
    signal,
  };
}

/** `"col"` list of a table's key, quoted for the dialect. */
export function keyList(context: CheckContext, table: DerivedTable, prefix = ''): string {
  return table.key.map((k) => `${prefix}${context.warehouse.dialect.ident(k)}`).join(', ');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

/** The verb agreeing with a count: `differs` for 1, `differ` otherwise. */
export function verb(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
