// One log record per thing an operator (or a script) wants to see: the run's events, a periodic
// progress line per processor, and the summary. Field names are a contract for `--log-format json`
// consumers; every record carries all of them (null when they do not apply). The spend fields
// (bytes_processed, bytes_billed, slot_ms) are BigQuery's job statistics: a batch's on
// batch-finished, a processor's so far on progress and summary, the run's on budget-paused and
// run-finished; null on DuckDB, whose jobs bill nothing.
import {formatDuration} from '../figures.js';
import {formatBytes} from '../warehouse/sizes.js';
import {eventText, spendText} from '../runner/event-text.js';
import {changeClause, changeReportLines, changesJson, replacedAnything, type FeatureFigures} from '../undo/changes.js';
import type {BatchRef, LogLevel, ProcessorProgress, RunEvent, RunSnapshot, Spend} from '../runner/types.js';

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
  /** totalBytesProcessed of the batch's job, or the processor's or run's sum so far. */
  readonly bytes_processed: number | null;
  /** totalBytesBilled, likewise (what on-demand pricing charges). */
  readonly bytes_billed: number | null;
  /** totalSlotMs, likewise. */
  readonly slot_ms: number | null;
  /**
   * The run's change report (the run-wide `summary` record): per `dataset.table` whose rows it
   * replaced, rows added, removed and changed (and replaced), src/undo/changes.ts.
   */
  readonly changes: Readonly<Record<string, {readonly added: number; readonly removed: number; readonly changed: number; readonly replaced: number}>> | null;
  /** Beside it: per ML feature store feature, values changed, mean before and after, largest change. */
  readonly feature_changes: Readonly<Record<string, FeatureFigures>> | null;
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
    bytes_processed: fields.bytes_processed ?? null,
    bytes_billed: fields.bytes_billed ?? null,
    slot_ms: fields.slot_ms ?? null,
    changes: fields.changes ?? null,
    feature_changes: fields.feature_changes ?? null,
    message: fields.message,
  };
}

function spendFields(spend: Spend | undefined): Partial<LogRecord> {
  return spend ? {bytes_processed: spend.bytesProcessed, bytes_billed: spend.bytesBilled, slot_ms: spend.slotMs} : {};
}

/** A line of the command itself (a signal received, a clamped range, a resumed run). */
export function noticeRecord(level: LogLevel, event: string, message: string, time = new Date().toISOString()): LogRecord {
  return record({time, level, event, message});
}

/** The record of a run event (its words from runner/event-text.ts), or null for what headless mode does not print. */
export function eventRecord(event: RunEvent): LogRecord | null {
  const said = eventText(event, 'log');
  if (!said) return null;
  const base = {time: event.time, level: said.level, event: event.type, message: said.text};
  switch (event.type) {
    case 'run-started':
      return record({...base, start: event.range.start, end: event.range.end});
    case 'batch-started':
    case 'batch-failed':
      return record({...base, ...batchFields(event.batch)});
    case 'batch-finished':
      return record({...base, ...batchFields(event.batch), rows: event.rows, duration_ms: event.durationMs, ...spendFields(event.statistics)});
    case 'batch-retry':
      return record({...base, ...batchFields(event.batch), duration_ms: event.delayMs});
    case 'concurrency-changed':
    case 'processor-paused':
    case 'processor-resumed':
    case 'processor-cancelled':
    case 'external-output':
      return record({...base, processor: event.processor});
    case 'log':
      return record({...base, processor: event.processor ?? null});
    case 'budget-paused':
      return record({...base, bytes_billed: event.billed});
    case 'run-finished':
      return null;
  }
}

function batchFields(b: BatchRef): Partial<LogRecord> {
  return {processor: b.processor, start: b.start, end: b.end, attempt: b.attempt};
}

/** A progress line for a processor that is part of the run and not finished. */
export function progressRecord(p: ProcessorProgress, time: string): LogRecord | null {
  if (p.status === 'idle' || p.status === 'done' || p.status === 'cancelled') return null;
  const pct = p.datesTotal ? Math.floor((100 * p.datesDone) / p.datesTotal) : 100;
  const rate = p.throughput !== null ? `, ${p.throughput.toFixed(2)} dates/s` : '';
  const eta = p.etaSeconds !== null ? `, eta ${formatDuration(p.etaSeconds)}` : '';
  const failed = p.datesFailed ? `, ${p.datesFailed} failed` : '';
  return record({
    time, level: 'info', event: 'progress', processor: p.name, rows: p.rowsWritten, ...spendFields(p.spend),
    message: `${p.short} ${p.status}: ${p.datesDone}/${p.datesTotal} game dates (${pct}%)${failed}, ${p.rowsWritten} rows, ${p.running.length} in flight${rate}${eta}${spendText(p.spend, 'log')}`,
  });
}

/** The run's change report as one record (null when nothing is kept, or nothing was written). */
function changesRecord(snapshot: RunSnapshot, time: string): LogRecord | null {
  const report = snapshot.changes;
  if (!report || Object.keys(report).length === 0) return null;
  const {changes, feature_changes} = changesJson(report);
  const [features] = changeReportLines(report, {maxFeatures: 5}).filter((l) => l.startsWith('MLFS features'));
  const message = replacedAnything(report)
    ? `changes: ${Object.keys(changes).length} tables had rows replaced${features ? `; ${features}` : ''}`
    : 'changes: replaced nothing (a first build of every range it wrote)';
  return record({time, level: 'info', event: 'summary', changes, feature_changes, message});
}

/** The end of a run: one line per processor of the run (with what it changed), the change report, then the outcome. */
export function summaryRecords(snapshot: RunSnapshot, time: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const p of snapshot.processors) {
    if (p.status === 'idle') continue;
    const changed = snapshot.changes?.[p.name];
    records.push(
      record({
        time, level: p.status === 'failed' ? 'error' : 'info', event: 'summary', processor: p.name, rows: p.rowsWritten, ...spendFields(p.spend),
        message: `${p.short.padEnd(4)} ${p.status}: ${p.datesDone}/${p.datesTotal} game dates, ${p.rowsWritten} rows` +
          (p.retries ? `, ${p.retries} retries` : '') + spendText(p.spend, 'log') + (changed ? `; ${changeClause(changed)}` : '') +
          (p.lastError ? `; last error: ${p.lastError}` : ''),
      }),
    );
  }
  const changes = changesRecord(snapshot, time);
  if (changes) records.push(changes);
  const t = snapshot.totals;
  const elapsed = snapshot.startedAt && snapshot.finishedAt
    ? Date.parse(snapshot.finishedAt) - Date.parse(snapshot.startedAt)
    : null;
  const resumable = snapshot.state === 'interrupted' ? ' (resumable: run `backfill run` again to continue)' : '';
  records.push(
    record({
      time, level: snapshot.state === 'completed' ? 'info' : snapshot.state === 'failed' ? 'error' : 'warn',
      event: 'run-finished', start: snapshot.range?.start ?? null, end: snapshot.range?.end ?? null, rows: t.rowsWritten,
      duration_ms: elapsed, ...spendFields(snapshot.spend),
      message: `run ${snapshot.runId ?? ''} ${snapshot.state}: ${t.datesDone}/${t.datesTotal} game dates, ${t.batchesDone} batches done, ` +
        `${t.batchesFailed} failed, ${t.rowsWritten} rows` + (elapsed !== null ? ` in ${formatDuration(elapsed / 1000)}` : '') + runSpendText(snapshot) + resumable,
    }),
  );
  return records;
}

/** '; 3.5 GiB processed, 3.5 GiB billed, ... slot-ms of the 3.0 GiB estimate, budget 3.0 GiB (reached)' */
function runSpendText(snapshot: RunSnapshot): string {
  const spend = snapshot.spend;
  const text = spendText(spend, 'log');
  if (!spend || !text) return text;
  const estimate = spend.estimate !== null ? ` (estimate ${formatBytes(spend.estimate)})` : '';
  const budget = spend.budget !== null ? `, budget ${formatBytes(spend.budget)}${spend.budgetReached ? ' (reached)' : ''}` : '';
  return `${text}${estimate}${budget}`;
}

export function formatRecord(r: LogRecord, format: 'text' | 'json'): string {
  if (format === 'json') return JSON.stringify(r);
  return `${r.time} ${r.level.toUpperCase().padEnd(5)} ${r.message}`;
}
