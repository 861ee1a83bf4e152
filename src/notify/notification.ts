// Which run events call the operator, and what the call says: a run that ended (completed, failed,
// cancelled, stopped), a batch that failed for good, and a BigQuery run paused on its budget. One
// plain JSON line per notification is the contract of `--notify CMD` (on its stdin); the console
// rings the terminal for the same ones.
import {shortName} from '../catalog/index.js';
import type {RunEvent} from '../runner/types.js';
import {formatBytes} from '../warehouse/sizes.js';

export interface Notification {
  /** 'run-finished' | 'batch-failed' | 'budget-paused'. */
  readonly event: string;
  readonly time: string;
  readonly runId: string;
  /** The warehouse's identity: the DuckDB file, or bigquery:PROJECT. */
  readonly warehouse: string;
  /** run-finished: completed, failed, cancelled or interrupted. */
  readonly state: string | null;
  readonly processor: string | null;
  readonly start: string | null;
  readonly end: string | null;
  readonly attempt: number | null;
  readonly error: string | null;
  readonly datesDone: number | null;
  readonly datesTotal: number | null;
  readonly rowsWritten: number | null;
  readonly batchesFailed: number | null;
  /** budget-paused: the budget and what the run has billed, in bytes. */
  readonly budget?: number;
  readonly billed?: number;
  /** One line for a person (the terminal notification's text). */
  readonly message: string;
}

/** The events that notify. */
export const NOTIFYING: ReadonlySet<RunEvent['type']> = new Set(['run-finished', 'batch-failed', 'budget-paused']);

export function notificationFor(event: RunEvent, warehouse: string): Notification | null {
  const base = {time: event.time, runId: event.runId, warehouse, state: null, processor: null, start: null, end: null, attempt: null, error: null, datesDone: null, datesTotal: null, rowsWritten: null, batchesFailed: null};
  switch (event.type) {
    case 'run-finished': {
      const t = event.snapshot.totals;
      return {
        ...base, event: 'run-finished', state: event.state, start: event.snapshot.range?.start ?? null, end: event.snapshot.range?.end ?? null,
        datesDone: t.datesDone, datesTotal: t.datesTotal, rowsWritten: t.rowsWritten, batchesFailed: t.batchesFailed,
        message: `backfill: run ${event.state}, ${t.datesDone}/${t.datesTotal} dates, ${t.batchesFailed} failed batches`,
      };
    }
    case 'batch-failed': {
      const {processor, start, end, attempt} = event.batch;
      return {...base, event: 'batch-failed', processor, start, end, attempt, error: event.error, message: `backfill: ${shortName(processor)} ${start}..${end} failed: ${event.error.slice(0, 200)}`};
    }
    case 'budget-paused':
      return {
        ...base, event: 'budget-paused', budget: event.budget, billed: event.billed,
        message: `backfill: paused on its budget: ${formatBytes(event.billed)} billed of ${formatBytes(event.budget)}; resume it to go on`,
      };
    default:
      return null;
  }
}

/** The line a notify command reads on its stdin. */
export function notificationLine(notification: Notification): string {
  return `${JSON.stringify(notification)}\n`;
}
