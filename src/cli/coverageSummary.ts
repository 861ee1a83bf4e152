// Coverage per table per month: covered, stale and scheduled game dates, the numbers `status`
// prints (as a grid or JSON). Built from a CoverageSnapshot so that a live run can supply it later.
import {DERIVED_TABLES} from '../catalog/index.js';
import type {Config} from '../config.js';
import {monthOf, seasonOf, type DateRange} from '../dates.js';
import {FreshnessReader} from '../freshness/reader.js';
import {decodeStale} from '../freshness/wire.js';
import type {CoverageSnapshot} from '../runner/types.js';
import {readGridCoverage} from '../session/grid-coverage.js';
import type {Warehouse} from '../warehouse/types.js';

export interface MonthCoverage {
  /** 'YYYY-MM' */
  readonly month: string;
  readonly season: string;
  readonly covered: number;
  /** Covered game dates whose rows are out of date (`backfill stale` says why). */
  readonly stale: number;
  readonly expected: number;
}

export interface TableCoverage {
  readonly name: string;
  readonly short: string;
  readonly phase: 3 | 4;
  readonly covered: number;
  readonly stale: number;
  readonly expected: number;
  /** Months with at least one scheduled game date, in order. */
  readonly months: readonly MonthCoverage[];
}

export interface CoverageSummary {
  readonly range: DateRange;
  readonly tables: readonly TableCoverage[];
  readonly totals: {readonly covered: number; readonly expected: number};
  /** Stale table-dates of the range (each table's `stale`, summed). */
  readonly stale: number;
  /** Why the stale counts are missing (staleness could not be read), or null. */
  readonly staleUnavailable: string | null;
}

/** The game dates of the range, what each derived table covers and what of it is stale (grid-coverage.ts). */
export async function readCoverage(warehouse: Warehouse, range: DateRange, config: Pick<Config, 'processors'>): Promise<CoverageSnapshot> {
  return readGridCoverage(warehouse, range, new FreshnessReader(warehouse, config));
}

export function summarizeCoverage(snapshot: CoverageSnapshot): CoverageSummary {
  const expectedByMonth = new Map<string, number>();
  for (const g of snapshot.gameDates) expectedByMonth.set(monthOf(g.date), (expectedByMonth.get(monthOf(g.date)) ?? 0) + 1);
  const months = [...expectedByMonth.keys()].sort();
  const isGameDate = new Set(snapshot.gameDates.map((g) => g.date));
  const stale = decodeStale(snapshot.freshness, snapshot.gameDates.map((g) => g.date));

  const tables = DERIVED_TABLES.map((table): TableCoverage => {
    const coveredByMonth = new Map<string, number>();
    const staleByMonth = new Map<string, number>();
    // Only game dates count: a stray row on an off day is not coverage of anything scheduled.
    for (const date of snapshot.covered[table.name] ?? []) {
      if (isGameDate.has(date)) coveredByMonth.set(monthOf(date), (coveredByMonth.get(monthOf(date)) ?? 0) + 1);
    }
    for (const date of stale.get(table.name)?.keys() ?? []) staleByMonth.set(monthOf(date), (staleByMonth.get(monthOf(date)) ?? 0) + 1);
    const perMonth = months.map((month) => ({
      month,
      season: seasonOf(`${month}-01`),
      covered: coveredByMonth.get(month) ?? 0,
      stale: staleByMonth.get(month) ?? 0,
      expected: expectedByMonth.get(month)!,
    }));
    return {
      name: table.name,
      short: table.short,
      phase: table.phase,
      covered: perMonth.reduce((s, m) => s + m.covered, 0),
      stale: perMonth.reduce((s, m) => s + m.stale, 0),
      expected: perMonth.reduce((s, m) => s + m.expected, 0),
      months: perMonth,
    };
  });
  return {
    range: snapshot.range,
    tables,
    totals: {covered: tables.reduce((s, t) => s + t.covered, 0), expected: tables.reduce((s, t) => s + t.expected, 0)},
    stale: tables.reduce((s, t) => s + t.stale, 0),
    staleUnavailable: snapshot.freshness ? snapshot.freshness.unavailable : 'not read',
  };
}
