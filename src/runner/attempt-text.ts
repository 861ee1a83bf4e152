// An attempt as words, written once for `backfill history`, the console's day view and its detail
// pane: what it built, how it ended, when, how long, and (BigQuery) its job and bytes.
import {shortName} from '../catalog/index.js';
import {formatCount, formatSeconds} from '../figures.js';
import type {AttemptRecord} from '../state/attempts.js';
import {formatBytes} from '../warehouse/sizes.js';

const OUTCOME_WORDS: Record<AttemptRecord['outcome'], string> = {
  done: 'done',
  retry: 'failed, retried',
  failed: 'FAILED',
  cancelled: 'cancelled',
  requeued: 'requeued',
};

export function outcomeWord(a: AttemptRecord): string {
  return OUTCOME_WORDS[a.outcome];
}

/** '2021-12-01 10:03:12' in UTC (the log's clock). */
export function attemptTime(a: AttemptRecord): string {
  return a.startedAt.slice(0, 19).replace('T', ' ');
}

/** The figures of an attempt after its outcome: rows, job and bytes where known. */
export function attemptFigures(a: AttemptRecord): string {
  const parts = [formatSeconds(a.durationMs)];
  if (a.rows !== null) parts.push(`${formatCount(a.rows)} rows`);
  if (a.bytesBilled !== null) parts.push(`${formatBytes(a.bytesBilled)} billed`);
  else if (a.bytesProcessed !== null) parts.push(`${formatBytes(a.bytesProcessed)} processed`);
  if (a.jobId) parts.push(`job ${a.jobId}`);
  return parts.join(', ');
}

/** One line: `PGS 2021-12-01..2021-12-05 #2 FAILED 2021-12-01 10:03:12 (1.2s) run-...: error`. */
export function attemptLine(a: AttemptRecord): string {
  const error = a.error ? `: ${a.retryKind ? `${a.retryKind}: ` : ''}${a.error.split('\n')[0]}` : '';
  return `${shortName(a.processor).padEnd(4)} ${a.start}..${a.end} #${a.attempt} ${outcomeWord(a)} ${attemptTime(a)} (${attemptFigures(a)}) ${a.runId}${error}`;
}

/** The newest attempt that covers `date`, if any. */
export function latestAttemptOn(attempts: readonly AttemptRecord[], processor: string, date: string): AttemptRecord | undefined {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const a = attempts[i];
    if (a.processor === processor && a.start <= date && date <= a.end) return a;
  }
  return undefined;
}
