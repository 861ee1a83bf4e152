// Coverage: which game dates exist (the schedule) and which of them each derived table holds.
// One set-based query per question; the grid, the planner, preflight and validation share them.
import {nbaSchedule} from '../catalog/tables.js';
import type {DerivedTable} from '../catalog/types.js';
import type {DateRange, IsoDate} from '../dates.js';
import {rangeParams, type Warehouse} from '../warehouse/types.js';

export interface GameDate {
  readonly date: IsoDate;
  readonly season: string;
  /** Final games on the date. */
  readonly games: number;
}

/** No schedule begins before the league's first season: every read of "all game dates" starts here. */
export const CALENDAR_START: IsoDate = '1946-11-01';

/** Every game date the warehouse knows up to `last`, in order (the planner's and preflight's calendar). */
export function gameCalendar(warehouse: Warehouse, last: IsoDate): Promise<GameDate[]> {
  return gameDates(warehouse, {start: CALENDAR_START, end: last});
}

/** Dates in the range with at least one Final game, in order. */
export async function gameDates(warehouse: Warehouse, range: DateRange): Promise<GameDate[]> {
  const d = warehouse.dialect;
  const rows = await warehouse.query(
    `SELECT game_date, MIN(season) AS season, COUNT(*) AS games FROM ${d.table(nbaSchedule)}
     WHERE game_status = 'Final' AND game_date BETWEEN ${d.param('start_date', 'DATE')} AND ${d.param('end_date', 'DATE')}
     GROUP BY game_date ORDER BY game_date`,
    rangeParams(range.start, range.end),
  );
  return rows.map((r) => ({date: r.game_date as string, season: r.season as string, games: Number(r.games)}));
}

/**
 * For each table, the dates in the range where it has at least one row. One UNION ALL query for
 * all tables, so that the grid's refresh is a single round trip.
 */
export async function coveredDates(
  warehouse: Warehouse,
  tables: readonly DerivedTable[],
  range: DateRange,
): Promise<Map<string, Set<IsoDate>>> {
  // BigQuery answers from partition metadata (one query per dataset) instead of scanning tables.
  if (warehouse.coveredDates && tables.length > 0) return warehouse.coveredDates(tables, range);
  const d = warehouse.dialect;
  const covered = new Map<string, Set<IsoDate>>(tables.map((t) => [t.name, new Set<IsoDate>()]));
  if (tables.length === 0) return covered;
  const between = `game_date BETWEEN ${d.param('start_date', 'DATE')} AND ${d.param('end_date', 'DATE')}`;
  const sql = tables
    .map((t) => `SELECT DISTINCT ${d.literal(t.name)} AS table_name, game_date FROM ${d.table(t)} WHERE ${between}`)
    .join('\nUNION ALL\n');
  const rows = await warehouse.query(sql, rangeParams(range.start, range.end));
  for (const row of rows) covered.get(row.table_name as string)!.add(row.game_date as string);
  return covered;
}
