// One log record per thing an operator (or a script) wants to see: the run's events, a periodic
// progress line per processor, and the summary. Field names are a contract for `--log-format json`
// consumers; every record carries all of them (null when they do not apply).
import {derivedTable, type DerivedTableName} from '../catalog/index.js';
import type {LogLevel, ProcessorProgress, RunEvent, RunSnapshot} from '../runner/types.js';

export interface LogRecord {
  readonly time: string;
  readonly level: LogLevel;
  /** run-started, batch-started, batch-finished, batch-retry, batch-failed, external-output, progress, summary, ... */
  readonly event: string;
  /** The table name of the processor, null for run-wide records. */
  readonly processor: string | null;
  readonly start: string | null;
  readonly end: string | null;
  readonly rows: number | null;
  readonly duration_ms: number | null;
  readonly attempt: number | null;
  /** The human-readable line (the text format prints it after time and level). */
  readonly message: string;
}

function record(fields: Partial<LogRecord> & Pick<LogRecord, 'time' | 'level' | 'event' | 'message'>): LogRecord {
  return {
    time: fields.time,
    level: fields.level,
    event: fields.event,
    processor: fields.processor ?? null,
    start: fields.start ?? null,
    end: fields.end ?? null,
    rows: fields.rows ?? null,
    duration_ms: fields.duration_ms ?? null,
    attempt: fields.attempt ?? null,
    message: fields.message,
  };
}

function short(name: DerivedTableName): string {
  return derivedTable(name).short;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

export function duration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A line of the command itself (a signal received, a clamped range, a resumed run). */
export function noticeRecord(level: LogLevel, event: string, message: string, time = new Date().toISOString()): LogRecord {
  return record({time, level, event, message});
}

/** The record of a run event, or null for events headless mode does not print. */
export function eventRecord(event: RunEvent): LogRecord | null {
  const time = event.time;
  switch (event.type) {
    case 'run-started':
      return record({
        time, level: 'info', event: event.type, start: event.range.start, end: event.range.end,
        message: `run ${event.runId} started: ${event.range.start}..${event.range.end}, ${event.batches} batches, processors ${event.processors.map(short).join(',')}`,
      });
    case 'batch-started': {
      const b = event.batch;
      return record({
        time, level: 'info', event: event.type, processor: b.processor, start: b.start, end: b.end, attempt: b.attempt,
        message: `${short(b.processor)} ${b.start}..${b.end} started (${b.dates} game date${b.dates === 1 ? '' : 's'}${b.attempt > 1 ? `, attempt ${b.attempt}` : ''})`,
      });
    }
    case 'batch-finished': {
      const b = event.batch;
      return record({
        time, level: 'info', event: event.type, processor: b.processor, start: b.start, end: b.end, attempt: b.attempt,
        rows: event.rows, duration_ms: event.durationMs,
        message: `${short(b.processor)} ${b.start}..${b.end} done: ${event.rows} rows in ${seconds(event.durationMs)}`,
      });
    }
    case 'batch-retry': {
      const b = event.batch;
      return record({
        time, level: 'warn', event: event.type, processor: b.processor, start: b.start, end: b.end, attempt: b.attempt,
        duration_ms: event.delayMs,
        message: `${short(b.processor)} ${b.start}..${b.end} ${event.kind} error on attempt ${b.attempt}, retrying in ${seconds(event.delayMs)}: ${event.error}`,
      });
    }
    case 'batch-failed': {
      const b = event.batch;
      return record({
        time, level: 'error', event: event.type, processor: b.processor, start: b.start, end: b.end, attempt: b.attempt,
        message: `${short(b.processor)} ${b.start}..${b.end} failed: ${event.error}`,
      });
    }
    case 'concurrency-changed':
      return record({
        time, level: 'warn', event: event.type, processor: event.processor,
        message: `${short(event.processor)} concurrency ${event.from} -> ${event.to}: ${event.reason}`,
      });
    case 'processor-paused':
    case 'processor-resumed':
    case 'processor-cancelled':
      return record({
        time, level: 'info', event: event.type, processor: event.processor,
        message: `${short(event.processor)} ${event.type.slice('processor-'.length)}`,
      });
    case 'external-output':
      return record({
        time, level: event.stream === 'stderr' ? 'warn' : 'info', event: event.type, processor: event.processor,
        message: `${short(event.processor)} ${event.stream === 'stderr' ? '!' : '|'} ${event.line}`,
      });
    case 'log':
      if (event.level === 'debug') return null;
      return record({time, level: event.level, event: 'log', processor: event.processor ?? null, message: event.message});
    case 'run-finished':
      // The summary records say it in full.
      return null;
  }
}

/** A progress line for a processor that is part of the run and not finished. */
export function progressRecord(p: ProcessorProgress, time: string): LogRecord | null {
  if (p.status === 'idle' || p.status === 'done' || p.status === 'cancelled') return null;
  const pct = p.datesTotal ? Math.floor((100 * p.datesDone) / p.datesTotal) : 100;
  const rate = p.throughput !== null ? `, ${p.throughput.toFixed(2)} dates/s` : '';
  const eta = p.etaSeconds !== null ? `, eta ${duration(p.etaSeconds)}` : '';
  const failed = p.datesFailed ? `, ${p.datesFailed} failed` : '';
  return record({
    time, level: 'info', event: 'progress', processor: p.name, rows: p.rowsWritten,
    message: `${p.short} ${p.status}: ${p.datesDone}/${p.datesTotal} game dates (${pct}%)${failed}, ${p.rowsWritten} rows, ${p.running.length} in flight${rate}${eta}`,
  });
}

/** The end of a run: one line per processor of the run, then the outcome. */
export function summaryRecords(snapshot: RunSnapshot, time: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const p of snapshot.processors) {
    if (p.status === 'idle') continue;
    records.push(
      record({
        time, level: p.status === 'failed' ? 'error' : 'info', event: 'summary', processor: p.name, rows: p.rowsWritten,
        message: `${p.short.padEnd(4)} ${p.status}: ${p.datesDone}/${p.datesTotal} game dates, ${p.rowsWritten} rows` +
          (p.retries ? `, ${p.retries} retries` : '') + (p.lastError ? `; last error: ${p.lastError}` : ''),
      }),
    );
  }
  const t = snapshot.totals;
  const elapsed = snapshot.startedAt && snapshot.finishedAt
    ? Date.parse(snapshot.finishedAt) - Date.parse(snapshot.startedAt)
    : null;
  const resumable = snapshot.state === 'interrupted' ? ' (resumable: run `backfill run` again to continue)' : '';
  records.push(
    record({
      time, level: snapshot.state === 'completed' ? 'info' : snapshot.state === 'failed' ? 'error' : 'warn',
      event: 'run-finished', start: snapshot.range?.start ?? null, end: snapshot.range?.end ?? null, rows: t.rowsWritten,
      duration_ms: elapsed,
      message: `run ${snapshot.runId ?? ''} ${snapshot.state}: ${t.datesDone}/${t.datesTotal} game dates, ${t.batchesDone} batches done, ` +
        `${t.batchesFailed} failed, ${t.rowsWritten} rows` + (elapsed !== null ? ` in ${duration(elapsed / 1000)}` : '') + resumable,
    }),
  );
  return records;
}

export function formatRecord(r: LogRecord, format: 'text' | 'json'): string {
  if (format === 'json') return JSON.stringify(r);
  return `${r.time} ${r.level.toUpperCase().padEnd(5)} ${r.message}`;
}
