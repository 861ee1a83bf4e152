// Pre-flight: before phase 4 runs on a range, are its phase 3 inputs there, lookback included?
// (The seed's verify_phase3_for_phase4.py.) And are the range's raw sources sound (the raw
// checks of validate)? A malformed minutes value would fail every batch that reads it, and the
// other raw faults would be built into phase 3 without a word: either keeps the range from being ready.
import {tablesOfPhase} from '../catalog/index.js';
import type {DerivedTable, DerivedTableName} from '../catalog/types.js';
import {DERIVED_TABLES} from '../catalog/tables.js';
import type {DateRange, IsoDate} from '../dates.js';
import {coveredDates, gameCalendar} from '../queries/coverage.js';
import {LookbackIndex} from '../runner/lookback.js';
import type {Warehouse} from '../warehouse/types.js';
import {checkContext} from './checks/context.js';
import {rawChecks} from './checks/raw-sources.js';
import {dateRuns} from './dateRuns.js';
import type {MissingInput, PreflightResult} from './types.js';


export interface PreflightOptions {
  /** The phase 4 tables about to run (default: all of phase 4). */
  readonly tables?: readonly DerivedTable[];
  /** Run the raw-source checks for the range too (default true). */
  readonly raw?: boolean;
}

export async function preflight(warehouse: Warehouse, range: DateRange, options: PreflightOptions = {}): Promise<PreflightResult> {
  const phase4 = (options.tables ?? tablesOfPhase(4)).filter((t) => t.phase === 4);
  const calendar = await gameCalendar(warehouse, range.end);
  const dates = calendar.filter((g) => g.date >= range.start);
  // Phase 4 tables feeding each other are built by the same run; only inputs from outside count.
  const building = new Set(phase4.map((t) => t.name));
  const needs = new Map<DerivedTableName, Set<IsoDate>>();
  const lookback = new LookbackIndex(calendar);
  for (const table of phase4) {
    for (const [input, inputDates] of lookback.inputsFor(table, dates.map((g) => g.date))) {
      if (building.has(input)) continue;
      needs.set(input, new Set([...(needs.get(input) ?? []), ...inputDates]));
    }
  }
  const inputs = DERIVED_TABLES.filter((t) => needs.has(t.name));
  const earliest = [...needs.values()].flatMap((s) => [...s]).sort()[0] ?? range.start;
  const covered = await coveredDates(warehouse, inputs, {start: earliest, end: range.end});
  const calendarDates = calendar.map((g) => g.date);
  const missing: MissingInput[] = [];
  for (const table of inputs) {
    const lacking = [...needs.get(table.name)!].filter((d) => !covered.get(table.name)!.has(d)).sort();
    if (lacking.length) missing.push({table: table.name, dates: lacking, ranges: dateRuns(lacking, calendarDates)});
  }
  const context = checkContext(warehouse, range, dates);
  const raw = [];
  for (const check of options.raw === false ? [] : rawChecks(context)) raw.push(await check());
  return {range, tables: phase4.map((t) => t.name), ready: missing.length === 0 && raw.every((r) => r.passed), missing, raw};
}
