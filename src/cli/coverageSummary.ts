// Coverage per table per month: covered and scheduled game dates, the numbers `status` prints
// (as a grid or JSON). Built from a CoverageSnapshot so that a live run can supply it later.
import {DERIVED_TABLES} from '../catalog/index.js';
import {monthOf, seasonOf, type DateRange} from '../dates.js';
import {coveredDates, gameDates} from '../queries/coverage.js';
import type {CoverageSnapshot} from '../runner/types.js';
import type {Warehouse} from '../warehouse/types.js';

export interface MonthCoverage {
  /** 'YYYY-MM' */
  readonly month: string;
  readonly season: string;
  readonly covered: number;
  readonly expected: number;
}

export interface TableCoverage {
  readonly name: string;
  readonly short: string;
  readonly phase: 3 | 4;
  readonly covered: number;
  readonly expected: number;
  /** Months with at least one scheduled game date, in order. */
  readonly months: readonly MonthCoverage[];
}

export interface CoverageSummary {
  readonly range: DateRange;
  readonly tables: readonly TableCoverage[];
  readonly totals: {readonly covered: number; readonly expected: number};
}

/** Two set-based queries: the game dates of the range and what each derived table covers. */
export async function readCoverage(warehouse: Warehouse, range: DateRange): Promise<CoverageSnapshot> {
  const [dates, covered] = await Promise.all([gameDates(warehouse, range), coveredDates(warehouse, DERIVED_TABLES, range)]);
  return {
    range,
    gameDates: dates,
    covered: Object.fromEntries([...covered].map(([name, set]) => [name, [...set].sort()])),
    takenAt: new Date().toISOString(),
  };
}

export function summarizeCoverage(snapshot: CoverageSnapshot): CoverageSummary {
  const expectedByMonth = new Map<string, number>();
  for (const g of snapshot.gameDates) expectedByMonth.set(monthOf(g.date), (expectedByMonth.get(monthOf(g.date)) ?? 0) + 1);
  const months = [...expectedByMonth.keys()].sort();
  const isGameDate = new Set(snapshot.gameDates.map((g) => g.date));

  const tables = DERIVED_TABLES.map((table): TableCoverage => {
    const coveredByMonth = new Map<string, number>();
    // Only game dates count: a stray row on an off day is not coverage of anything scheduled.
    for (const date of snapshot.covered[table.name] ?? []) {
      if (isGameDate.has(date)) coveredByMonth.set(monthOf(date), (coveredByMonth.get(monthOf(date)) ?? 0) + 1);
    }
    const perMonth = months.map((month) => ({
      month,
      season: seasonOf(`${month}-01`),
      covered: coveredByMonth.get(month) ?? 0,
      expected: expectedByMonth.get(month)!,
    }));
    return {
      name: table.name,
      short: table.short,
      phase: table.phase,
      covered: perMonth.reduce((s, m) => s + m.covered, 0),
      expected: perMonth.reduce((s, m) => s + m.expected, 0),
      months: perMonth,
    };
  });
  return {
    range: snapshot.range,
    tables,
    totals: {covered: tables.reduce((s, t) => s + t.covered, 0), expected: tables.reduce((s, t) => s + t.expected, 0)},
  };
}
