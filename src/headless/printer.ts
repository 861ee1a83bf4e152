// The --no-tty front end: follows a run (in this process or behind a socket) and writes its
// events as log lines, a progress line per processor at a steady interval, and a summary.
// It never mounts Ink; the console is the other subscriber of the same events.
import type {RunHandle, RunSnapshot} from '../runner/types.js';
import {eventRecord, formatRecord, progressRecord, summaryRecords, type LogRecord} from './records.js';

export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

export interface PrinterOptions {
  readonly format: 'text' | 'json';
  readonly write: (line: string) => void;
  /** How often progress lines are written (env BACKFILL_PROGRESS_INTERVAL_MS in the CLI). */
  readonly progressIntervalMs?: number;
}

/** The progress interval from the environment, for tests and chatty cron logs. */
export function progressIntervalFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.BACKFILL_PROGRESS_INTERVAL_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_PROGRESS_INTERVAL_MS;
}

export interface Printer {
  /** Writes one record (the CLI's own lines: signals, clamps, hints). */
  print(record: LogRecord): void;
  /** Resolves with the final snapshot once the run ended and its summary is written. */
  readonly finished: Promise<RunSnapshot>;
}

/** Starts printing `handle`; events already emitted before this call are not replayed. */
export function printRun(handle: RunHandle, options: PrinterOptions): Printer {
  const print = (r: LogRecord | null) => {
    if (r) options.write(formatRecord(r, options.format));
  };
  const unsubscribe = handle.subscribe((event) => print(eventRecord(event)));
  const timer = setInterval(() => {
    const time = new Date().toISOString();
    for (const p of handle.getSnapshot().processors) print(progressRecord(p, time));
  }, options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS);
  const finished = handle.finished.then(
    (snapshot) => {
      for (const r of summaryRecords(snapshot, new Date().toISOString())) print(r);
      return snapshot;
    },
  ).finally(() => {
    clearInterval(timer);
    unsubscribe();
  });
  return {print, finished};
}
