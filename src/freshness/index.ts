// Freshness: which derived dates still match what they were built from, and why not.
//   readStaleness(warehouse, {last, config}) → {stale, inputs}: the fixed queries of inputs.ts,
//     then staleness.ts in memory;
//   listStale(stale, {range, tables}) → StaleDate[] in catalog then date order;
//   BuildRecorder (recorder.ts): what a run's batches record with their rows;
//   FreshnessReader (reader.ts): a session's cached reads for the grid's refresh.
import {DERIVED_TABLES} from '../catalog/tables.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';
import type {DateRange, IsoDate} from '../dates.js';
import type {Warehouse} from '../warehouse/types.js';
import {currentDefinitions} from './definition.js';
import type {SourcePrints} from './fingerprints.js';
import {readFreshnessInputs, type FreshnessInputs} from './inputs.js';
import {computeStaleness} from './staleness.js';
import type {StaleDate, StaleMap} from './types.js';

export type {Stale, StaleDate, StaleMap, StaleReason} from './types.js';
export {STALE_REASONS} from './types.js';

export interface StalenessOptions {
  /** The last date of interest (the day before the boundary). */
  readonly last: IsoDate;
  /** External commands are part of a processor's definition. */
  readonly config: Pick<Config, 'processors'>;
  readonly sources?: SourcePrints;
}

export async function readStaleness(warehouse: Warehouse, options: StalenessOptions): Promise<{stale: StaleMap; inputs: FreshnessInputs}> {
  const inputs = await readFreshnessInputs(warehouse, {last: options.last, ...(options.sources ? {sources: options.sources} : {})});
  return {stale: computeStaleness(inputs, currentDefinitions(warehouse.engine, options.config)).stale, inputs};
}

export function listStale(stale: StaleMap, filter: {readonly range?: DateRange; readonly tables?: readonly DerivedTableName[]} = {}): StaleDate[] {
  const out: StaleDate[] = [];
  for (const table of DERIVED_TABLES) {
    if (filter.tables && !filter.tables.includes(table.name)) continue;
    const dates = [...(stale.get(table.name) ?? new Map())].sort(([a], [b]) => a.localeCompare(b));
    for (const [date, {reason, detail}] of dates) {
      if (filter.range && (date < filter.range.start || date > filter.range.end)) continue;
      out.push({table: table.name, date, reason, detail});
    }
  }
  return out;
}
