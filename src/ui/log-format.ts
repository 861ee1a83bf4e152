// One run event → one log line for the job log pane (the headless printer has its own format).
import {DERIVED_TABLES} from '../catalog/index.js';
import type {LogLevel, RunEvent} from '../runner/types.js';
import {formatCount, formatDuration, shortRange} from './format.js';

export interface LogLine {
  /** Increasing; lets a scrolled view stay put while newer lines arrive. */
  readonly seq: number;
  readonly level: LogLevel;
  readonly text: string;
}

const shortNames = new Map<string, string>(DERIVED_TABLES.map((t) => [t.name, t.short]));
const short = (name: string) => shortNames.get(name) ?? name;

export function formatEvent(event: RunEvent): {level: LogLevel; text: string} {
  const time = event.time.slice(11, 19);
  const line = (level: LogLevel, text: string) => ({level, text: `${time} ${text}`});
  switch (event.type) {
    case 'run-started':
      return line('info', `run started ${event.range.start}..${event.range.end}: ${event.processors.map(short).join(',')} (${event.batches} batches)`);
    case 'batch-started':
      return line('debug', `${short(event.batch.processor)} batch ${shortRange(event.batch.start, event.batch.end)} started${event.batch.attempt > 1 ? ` (attempt ${event.batch.attempt})` : ''}`);
    case 'batch-finished':
      return line('info', `${short(event.batch.processor)} batch ${shortRange(event.batch.start, event.batch.end)} done: ${event.batch.dates} dates, ${formatCount(event.rows)} rows in ${formatDuration(event.durationMs / 1000)}`);
    case 'batch-retry':
      return line('warn', `${short(event.batch.processor)} batch ${shortRange(event.batch.start, event.batch.end)} ${event.kind} error, retry in ${formatDuration(event.delayMs / 1000)}: ${event.error}`);
    case 'batch-failed':
      return line('error', `${short(event.batch.processor)} batch ${shortRange(event.batch.start, event.batch.end)} FAILED: ${event.error}`);
    case 'concurrency-changed':
      return line('warn', `${short(event.processor)} concurrency ${event.from} -> ${event.to}: ${event.reason}`);
    case 'processor-paused':
      return line('info', `${short(event.processor)} paused`);
    case 'processor-resumed':
      return line('info', `${short(event.processor)} resumed`);
    case 'processor-cancelled':
      return line('warn', `${short(event.processor)} cancelled`);
    case 'external-output':
      return line(event.stream === 'stderr' ? 'warn' : 'info', `${short(event.processor)} ${event.stream === 'stderr' ? '!' : '|'} ${event.line}`);
    case 'log':
      return line(event.level, event.processor ? `${short(event.processor)} ${event.message}` : event.message);
    case 'run-finished': {
      const t = event.snapshot.totals;
      return line(event.state === 'completed' ? 'info' : 'error', `run ${event.state}: ${t.datesDone}/${t.datesTotal} dates, ${formatCount(t.rowsWritten)} rows, ${t.batchesFailed} failed batches`);
    }
  }
}
