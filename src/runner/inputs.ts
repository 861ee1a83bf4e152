// Which input dates a derived table needs before it can build some dates (its lookback).
// The planner gates batches on it and preflight reports what is missing; one definition for both.
import type {DerivedTable, DerivedTableName, Lookback} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {GameDate} from '../queries/coverage.js';

function previousSeason(season: string): string {
  const start = Number(season.slice(0, 4)) - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

function neededFor(lookback: Lookback, dates: readonly GameDate[], calendar: readonly GameDate[]): IsoDate[] {
  if (lookback === 'date') return dates.map((d) => d.date);
  const last = dates.reduce((max, d) => (d.date > max ? d.date : max), '');
  const seasons = new Set(dates.map((d) => d.season));
  if (lookback === 'two-seasons') for (const s of [...seasons]) seasons.add(previousSeason(s));
  return calendar.filter((g) => seasons.has(g.season) && g.date <= last).map((g) => g.date);
}

/**
 * For building `table` on `dates`, the game dates each input table must cover.
 * `calendar` is every game date the warehouse knows (from the schedule), in order.
 */
export function requiredInputs(
  table: DerivedTable,
  dates: readonly GameDate[],
  calendar: readonly GameDate[],
): Map<DerivedTableName, IsoDate[]> {
  const needs = new Map<DerivedTableName, IsoDate[]>();
  if (dates.length === 0) return needs;
  for (const dependency of table.dependsOn) {
    const merged = new Set([...(needs.get(dependency.table) ?? []), ...neededFor(dependency.lookback, dates, calendar)]);
    needs.set(dependency.table, [...merged].sort());
  }
  return needs;
}
