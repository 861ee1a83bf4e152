// Which dates failed, and why, per processor. The run snapshot only counts failures; the events say
// which batch and what error, so the drilldown can answer "why is this day not done".
import type {IsoDate} from '../dates.js';
import type {RunEvent} from '../runner/types.js';

export interface FailedBatch {
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly error: string;
}

export type FailureMap = ReadonlyMap<string, readonly FailedBatch[]>;

/** Folds one event into the map; returns the same map when the event changes nothing. */
export function applyFailureEvent(failures: FailureMap, event: RunEvent): FailureMap {
  switch (event.type) {
    case 'batch-failed': {
      const next = new Map(failures);
      const {processor, start, end} = event.batch;
      next.set(processor, [...(failures.get(processor) ?? []), {start, end, error: event.error}]);
      return next;
    }
    case 'batch-finished': {
      const {processor, start, end} = event.batch;
      const list = failures.get(processor);
      if (!list) return failures;
      // A successful retry (this run or a later one) rewrote those dates.
      const kept = list.filter((f) => f.end < start || f.start > end);
      if (kept.length === list.length) return failures;
      const next = new Map(failures);
      if (kept.length === 0) next.delete(processor);
      else next.set(processor, kept);
      return next;
    }
    case 'run-started': {
      if (!event.processors.some((p) => failures.has(p))) return failures;
      const next = new Map(failures);
      for (const p of event.processors) next.delete(p);
      return next;
    }
    default:
      return failures;
  }
}

export function failureOn(failures: FailureMap, processor: string, date: IsoDate): FailedBatch | undefined {
  return failures.get(processor)?.find((f) => f.start <= date && date <= f.end);
}
