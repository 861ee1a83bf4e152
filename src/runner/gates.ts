// The gates of a plan's batches: which planned batches build the input dates each batch reads
// (lookback included), and which inputs nobody builds. The planner computes them once and puts
// them in the plan, so that the run's graph is built from the plan alone: the plan an operator
// approved is the plan that runs, gates included. Ids are compact (runs of integers) because a
// plan is JSON and may cross a socket; a season's lookback is one run per input.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {LookbackIndex} from './lookback.js';

/** Inclusive run of batch ids: [3, 7] is 3, 4, 5, 6, 7. */
export type BatchIdRun = readonly [first: number, last: number];

/** An input a batch reads on `dates` game dates that are neither covered nor planned. */
export interface UnplannedInput {
  readonly input: DerivedTableName;
  readonly dates: number;
}

export interface Gates {
  /** The planned batches it waits for, as inclusive runs of ids, ascending. */
  readonly waitsFor: readonly BatchIdRun[];
  /** Inputs that will never be there: the batch fails as soon as the run starts. */
  readonly blockedBy: readonly UnplannedInput[];
}

interface Ungated {
  readonly processor: DerivedTableName;
  readonly dates: readonly IsoDate[];
}

/** `[1, 2, 3, 7]` → `[[1, 3], [7, 7]]`. */
export function toRuns(ids: Iterable<number>): BatchIdRun[] {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const id of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] === id - 1) last[1] = id;
    else runs.push([id, id]);
  }
  return runs;
}

export function* idsOf(runs: readonly BatchIdRun[]): Generator<number> {
  for (const [first, last] of runs) for (let id = first; id <= last; id++) yield id;
}

/**
 * The gates of every batch; `batches[i]` gets id `i`. `isCovered(table, date)`: the warehouse
 * holds that input date already (and the plan does not rebuild it).
 */
export function gatesOf(
  batches: readonly Ungated[],
  lookback: LookbackIndex,
  isCovered: (table: DerivedTableName, date: IsoDate) => boolean,
): Gates[] {
  const provider = new Map<DerivedTableName, Map<IsoDate, number>>();
  batches.forEach((batch, id) => {
    let byDate = provider.get(batch.processor);
    if (!byDate) provider.set(batch.processor, (byDate = new Map()));
    for (const date of batch.dates) byDate.set(date, id);
  });
  return batches.map((batch, id) => {
    const waitsFor = new Set<number>();
    const blockedBy: UnplannedInput[] = [];
    for (const [input, needed] of lookback.inputsFor(derivedTable(batch.processor), batch.dates)) {
      const built = provider.get(input);
      let unplanned = 0;
      for (const date of needed) {
        const source = built?.get(date);
        if (source !== undefined) {
          if (source !== id) waitsFor.add(source);
        } else if (!isCovered(input, date)) unplanned++;
      }
      if (unplanned) blockedBy.push({input, dates: unplanned});
    }
    return {waitsFor: toRuns(waitsFor), blockedBy};
  });
}
