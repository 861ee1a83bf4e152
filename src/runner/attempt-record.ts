// One batch attempt as the history keeps it (src/state/attempts.ts), built where the scheduler
// knows how the attempt ended: its whole error (not only the log's first line, bounded), the retry
// kind and, where the engine reports them, the job and its bytes.
import type {AttemptOutcome, AttemptRecord} from '../state/attempts.js';
import type {ErrorKind} from '../warehouse/errors.js';
import type {JobStatistics} from '../warehouse/types.js';
import type {PlannedBatch} from './plan.js';

/** An error's text kept in the history: enough for a SQL error with its context, never megabytes. */
export const ERROR_TEXT_MAX = 8000;

export interface AttemptFacts {
  readonly runId: string;
  readonly batch: PlannedBatch;
  readonly attempt: number;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly outcome: AttemptOutcome;
  readonly rows?: number;
  readonly statistics?: JobStatistics;
  readonly error?: unknown;
  readonly kind?: ErrorKind;
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX)}…` : text;
}

function jobIdOf(error: unknown): string | null {
  const id = (error as {jobId?: unknown} | null)?.jobId;
  return typeof id === 'string' ? id : null;
}

export function attemptRecord(facts: AttemptFacts): AttemptRecord {
  const {batch, statistics, error} = facts;
  return {
    runId: facts.runId,
    processor: batch.processor,
    start: batch.start,
    end: batch.end,
    dates: batch.dates.length,
    attempt: facts.attempt,
    startedAt: new Date(facts.startedAt).toISOString(),
    durationMs: facts.durationMs,
    rows: facts.rows ?? null,
    outcome: facts.outcome,
    error: error === undefined ? null : errorText(error),
    retryKind: error === undefined ? null : (facts.kind ?? null),
    jobId: statistics?.jobId ?? (error === undefined ? null : jobIdOf(error)),
    bytesProcessed: statistics?.bytesProcessed ?? null,
    bytesBilled: statistics?.bytesBilled ?? null,
    slotMs: statistics?.slotMs ?? null,
  };
}
