// The grid's coverage snapshot, read where the warehouse is: the range's game dates, what each
// table covers and, with a freshness reader, what of it is stale and why. With staleness the
// coverage comes from the same read as the staleness (each covered date with its last write), so
// it costs no second pass over the tables; without it, the two set-based queries of before.
import {DERIVED_TABLES} from '../catalog/index.js';
import type {DateRange, IsoDate} from '../dates.js';
import {describeError} from '../warehouse/errors.js';
import {FreshnessReader} from '../freshness/reader.js';
import {encodeStale, type FreshnessSnapshot} from '../freshness/wire.js';
import {coveredDates, gameDates} from '../queries/coverage.js';
import type {CoverageSnapshot} from '../runner/types.js';
import type {Warehouse} from '../warehouse/types.js';

async function plainCoverage(warehouse: Warehouse, range: DateRange, freshness?: FreshnessSnapshot): Promise<CoverageSnapshot> {
  const [dates, covered] = await Promise.all([gameDates(warehouse, range), coveredDates(warehouse, DERIVED_TABLES, range)]);
  return {
    range,
    gameDates: dates,
    covered: Object.fromEntries([...covered].map(([name, set]) => [name, [...set].sort()])),
    ...(freshness ? {freshness} : {}),
    takenAt: new Date().toISOString(),
  };
}

export async function readGridCoverage(warehouse: Warehouse, range: DateRange, reader: FreshnessReader | null): Promise<CoverageSnapshot> {
  if (!reader) return plainCoverage(warehouse, range);
  let read;
  try {
    read = await reader.read(range.end);
  } catch (error) {
    // The grid still shows coverage; the reason staleness is missing shows with it.
    return plainCoverage(warehouse, range, {unavailable: `staleness could not be read: ${describeError(error)}`, details: [], stale: {}});
  }
  const {inputs, stale} = read;
  const inRange = (d: IsoDate) => d >= range.start && d <= range.end;
  const dates = inputs.calendar.gameDates.filter((g) => inRange(g.date));
  const covered = FreshnessReader.covered(inputs);
  return {
    range,
    gameDates: dates,
    covered: Object.fromEntries(DERIVED_TABLES.map((t) => [t.name, [...(covered.get(t.name) ?? [])].filter(inRange).sort()])),
    freshness: encodeStale(stale, dates.map((g) => g.date)),
    takenAt: new Date().toISOString(),
  };
}
