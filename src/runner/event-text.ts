// The words of every run event, written once for both front ends: the console's job log (80
// columns: short ranges, grouped counts) and the headless log lines (full dates, raw counts, for
// grep and cron mail). A style only changes how figures and batches are written, never what is
// said, so the two cannot drift apart.
import {shortName} from '../catalog/index.js';
import {formatCount, formatDuration, formatSeconds, shortRange} from '../figures.js';
import {formatBytes} from '../warehouse/sizes.js';
import type {BatchRef, LogLevel, RunEvent, Spend} from './types.js';

export type EventStyle = 'pane' | 'log';

interface Style {
  /** The batch a line is about. */
  batch(b: BatchRef): string;
  /** What `done:` says before the rows. */
  dates(n: number): string;
  count(n: number): string;
  ms(ms: number): string;
  /** Whether a start says how many game dates it holds. */
  startDetail(b: BatchRef): string;
  /** The level of routine progress lines (the pane hides debug lines unless asked). */
  routine: LogLevel;
  /** What the budget pause tells the operator to do. */
  resumeHint: string;
}

const STYLES: Readonly<Record<EventStyle, Style>> = {
  pane: {
    batch: (b) => `${shortName(b.processor)} batch ${shortRange(b.start, b.end)}`,
    dates: (n) => `${n} dates, `,
    count: formatCount,
    ms: (ms) => formatDuration(ms / 1000),
    startDetail: (b) => (b.attempt > 1 ? ` (attempt ${b.attempt})` : ''),
    routine: 'debug',
    resumeHint: 'R resumes them past it',
  },
  log: {
    batch: (b) => `${shortName(b.processor)} ${b.start}..${b.end}`,
    dates: () => '',
    count: String,
    ms: formatSeconds,
    startDetail: (b) => ` (${b.dates} game date${b.dates === 1 ? '' : 's'}${b.attempt > 1 ? `, attempt ${b.attempt}` : ''})`,
    routine: 'info',
    resumeHint: 'resume them in the console (R) or with `backfill attach` to go on past it; a headless run with no console attached stops here, resumable',
  },
};

/**
 * A batch's (or a total's) job statistics: '; 1.2 GiB processed, 1.2 GiB billed, 45000 slot-ms',
 * empty where the engine reports none (DuckDB, an external command).
 */
export function spendText(spend: Spend | undefined, style: EventStyle): string {
  if (!spend || (spend.bytesProcessed === null && spend.bytesBilled === null && spend.slotMs === null)) return '';
  const bytes = (n: number | null) => (n === null ? '?' : formatBytes(n));
  const slots = spend.slotMs === null ? '?' : STYLES[style].count(spend.slotMs);
  return `; ${bytes(spend.bytesProcessed)} processed, ${bytes(spend.bytesBilled)} billed, ${slots} slot-ms`;
}

export interface EventText {
  readonly level: LogLevel;
  readonly text: string;
}

/**
 * One event as a line (without its time). Null for what the style does not print: a debug log
 * line in the headless log, and a run's end there (its summary records say it in full).
 */
export function eventText(event: RunEvent, style: EventStyle): EventText | null {
  const s = STYLES[style];
  const say = (level: LogLevel, text: string): EventText => ({level, text});
  switch (event.type) {
    case 'run-started': {
      const {start, end} = event.range;
      const processors = event.processors.map(shortName).join(',');
      return style === 'pane'
        ? say('info', `run started ${start}..${end}: ${processors} (${event.batches} batches)`)
        : say('info', `run ${event.runId} started: ${start}..${end}, ${event.batches} batches, processors ${processors}`);
    }
    case 'batch-started':
      return say(s.routine, `${s.batch(event.batch)} started${s.startDetail(event.batch)}`);
    case 'batch-finished':
      return say('info', `${s.batch(event.batch)} done: ${s.dates(event.batch.dates)}${s.count(event.rows)} rows in ${s.ms(event.durationMs)}${spendText(event.statistics, style)}`);
    case 'batch-retry':
      return say('warn', `${s.batch(event.batch)} ${event.kind} error on attempt ${event.batch.attempt}, retrying in ${s.ms(event.delayMs)}: ${event.error}`);
    case 'batch-failed':
      return say('error', `${s.batch(event.batch)} ${style === 'pane' ? 'FAILED' : 'failed'}: ${event.error}`);
    case 'concurrency-changed':
      return say('warn', `${shortName(event.processor)} concurrency ${event.from} -> ${event.to}: ${event.reason}`);
    case 'processor-paused':
    case 'processor-resumed':
    case 'processor-cancelled':
      return say(event.type === 'processor-cancelled' ? 'warn' : 'info', `${shortName(event.processor)} ${event.type.slice('processor-'.length)}`);
    case 'external-output':
      return say(event.stream === 'stderr' ? 'warn' : 'info', `${shortName(event.processor)} ${event.stream === 'stderr' ? '!' : '|'} ${event.line}`);
    case 'log':
      if (event.level === 'debug' && style === 'log') return null;
      return say(event.level, event.processor ? `${shortName(event.processor)} ${event.message}` : event.message);
    case 'budget-paused': {
      const estimate = event.estimate === null ? '' : ` (estimate ${formatBytes(event.estimate)})`;
      return say('warn', `budget reached: ${formatBytes(event.billed)} billed of the ${formatBytes(event.budget)} budget${estimate}; every processor is paused, resumably: ${s.resumeHint}`);
    }
    case 'run-finished': {
      if (style === 'log') return null;
      const t = event.snapshot.totals;
      return say(event.state === 'completed' ? 'info' : 'error', `run ${event.state}: ${t.datesDone}/${t.datesTotal} dates, ${formatCount(t.rowsWritten)} rows, ${t.batchesFailed} failed batches`);
    }
  }
}
