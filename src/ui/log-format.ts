// One run event → one line of the job log pane: its time, then the words every front end shares
// (runner/event-text.ts) in the pane's style.
import type {LogLevel, RunEvent} from '../runner/types.js';
import {eventText} from '../runner/event-text.js';

export interface LogLine {
  /** Increasing; lets a scrolled view stay put while newer lines arrive. */
  readonly seq: number;
  readonly level: LogLevel;
  readonly text: string;
}

export function formatEvent(event: RunEvent): {level: LogLevel; text: string} {
  const {level, text} = eventText(event, 'pane')!;
  return {level, text: `${event.time.slice(11, 19)} ${text}`};
}
