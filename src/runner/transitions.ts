// The transition function: the only way a batch changes state during a run. It moves the batch
// in the graph (which checks the move and propagates it), then, for every move applied, emits the
// matching event and tells the journal when a batch settled. So "a batch failed" is always one
// batch-failed event and one journal record, whoever decided it: an error, a missing input, an
// input that failed, the safety net.
import type {DerivedTableName} from '../catalog/types.js';
import type {JobStatistics} from '../warehouse/types.js';
import type {BatchGraph, Move} from './graph.js';
import {isSettled} from './graph.js';
import type {PlannedBatch} from './plan.js';
import type {TableChanges} from '../undo/changes.js';
import type {BatchRef, RunEvent} from './types.js';

/** An event as the run emits it; the supervisor stamps the time and the run id. */
export type RunEventDraft = RunEvent extends infer E ? (E extends unknown ? Omit<E, 'time' | 'runId'> : never) : never;

/** What a batch's attempts amount to so far (the scheduler keeps it). */
export interface Attempts {
  /** 1 for the first try, 0 before it. */
  readonly attempt: number;
  readonly rows: number;
  /** What the attempt that finished changed (with a keeper). */
  readonly changes: TableChanges | null;
  /** Over every attempt. */
  readonly durationMs: number;
  /** The write job's statistics of the attempt that finished it; null (or absent) until then. */
  readonly statistics?: JobStatistics | null;
}

export interface SettledBatch {
  readonly processor: DerivedTableName;
  readonly plan: PlannedBatch;
  readonly status: 'done' | 'failed' | 'cancelled';
  readonly rows: number;
  readonly changes: TableChanges | null;
  readonly durationMs: number;
  readonly attempts: number;
  readonly error: string | null;
  /** What its write job cost (null unless it is done). */
  readonly statistics: JobStatistics | null;
}

/** A requested move, with what its event says. */
export type Transition =
  | {readonly to: 'ready'}
  | {readonly to: 'running'}
  | {readonly to: 'done'; readonly rows: number; /** This attempt's. */ readonly durationMs: number; readonly statistics?: JobStatistics}
  | {readonly to: 'backoff'; readonly error: string; readonly kind: 'transient' | 'quota'; readonly delayMs: number}
  /** `log`: an error line said right after the batch-failed event. */
  | {readonly to: 'failed'; readonly error: string; readonly log?: string}
  | {readonly to: 'cancelled'; readonly reason: string};

export type Transit = (id: number, transition: Transition) => void;

export function batchRef(batch: PlannedBatch, attempt: number): BatchRef {
  return {processor: batch.processor, start: batch.start, end: batch.end, dates: batch.dates.length, attempt};
}

export interface TransitionContext {
  readonly graph: BatchGraph;
  readonly attempts: (id: number) => Attempts;
  readonly emit: (event: RunEventDraft) => void;
  readonly onBatchSettled?: (batch: SettledBatch) => void;
}

export function transitions({graph, attempts, emit, onBatchSettled}: TransitionContext): Transit {
  const announce = (move: Move, transition: Transition | null) => {
    const batch = graph.batch(move.id);
    const tried = attempts(move.id);
    const ref = () => batchRef(batch, tried.attempt);
    if (move.to === 'running') emit({type: 'batch-started', batch: ref()});
    else if (move.to === 'done' && transition?.to === 'done') emit({type: 'batch-finished', batch: ref(), rows: transition.rows, durationMs: transition.durationMs, ...(transition.statistics ? {statistics: transition.statistics} : {})});
    else if (move.to === 'backoff' && transition?.to === 'backoff') emit({type: 'batch-retry', batch: ref(), error: transition.error, kind: transition.kind, delayMs: transition.delayMs});
    else if (move.to === 'failed') {
      emit({type: 'batch-failed', batch: ref(), error: move.reason ?? 'failed'});
      if (transition?.to === 'failed' && transition.log) emit({type: 'log', level: 'error', message: transition.log, processor: batch.processor});
    }
    if (isSettled(move.to)) {
      onBatchSettled?.({
        processor: batch.processor,
        plan: batch,
        status: move.to,
        rows: tried.rows,
        changes: tried.changes,
        durationMs: tried.durationMs,
        attempts: tried.attempt,
        error: move.reason,
        statistics: tried.statistics ?? null,
      });
    }
  };
  return (id, transition) => {
    const reason = transition.to === 'failed' ? transition.error : transition.to === 'cancelled' ? transition.reason : null;
    const [own, ...caused] = graph.move(id, transition.to, reason);
    announce(own, transition);
    for (const move of caused) announce(move, null);
  };
}
