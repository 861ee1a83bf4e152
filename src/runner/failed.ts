// `--reprocess failed`: the dates whose last batch failed, from the run history in the state store
// (each batch's range over the calendar; a later batch that covered the date, done or cancelled,
// decides instead). Runs are read oldest first, batches in the order they settled.
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {GameDate} from '../queries/coverage.js';
import type {RunRecord} from '../state/store.js';

export function failedDates(history: readonly RunRecord[], calendar: readonly GameDate[]): Map<DerivedTableName, Set<IsoDate>> {
  const last = new Map<DerivedTableName, Map<IsoDate, string>>();
  const runs = [...history].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (const run of runs) {
    for (const batch of run.batches) {
      let outcome = last.get(batch.processor);
      if (!outcome) last.set(batch.processor, (outcome = new Map()));
      for (const g of calendar) if (g.date >= batch.start && g.date <= batch.end) outcome.set(g.date, batch.status);
    }
  }
  return new Map([...last].map(([table, dates]) => [table, new Set([...dates].filter(([, status]) => status === 'failed').map(([date]) => date))]));
}
