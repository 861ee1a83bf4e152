// Which log lines a view shows (filter, anchor) and how scrolling moves the anchor: pure, shared by
// the job log pane (drawing) and the keys that scroll it, so neither imports the other.
import type {LogLine} from './log-format.js';

export interface LogView {
  readonly shown: readonly LogLine[];
  /** Lines after the view (newer), 0 when following. */
  readonly newer: number;
  readonly matching: number;
}

/** The lines to show: those matching the filter, the last `size` at or before the anchor. */
export function logView(lines: readonly LogLine[], filter: string, anchor: number | null, size: number): LogView {
  const needle = filter.toLowerCase();
  const matching = needle ? lines.filter((l) => l.text.toLowerCase().includes(needle)) : lines;
  let end = matching.length;
  if (anchor !== null) {
    const index = matching.findIndex((l) => l.seq > anchor);
    end = index === -1 ? matching.length : index;
  }
  const start = Math.max(0, end - size);
  return {shown: size > 0 ? matching.slice(start, end) : [], newer: matching.length - end, matching: matching.length};
}

/** Moves the anchor `by` lines (negative = older); null again once back at the newest. */
export function scrollLog(lines: readonly LogLine[], filter: string, anchor: number | null, by: number, size: number): number | null {
  const needle = filter.toLowerCase();
  const matching = needle ? lines.filter((l) => l.text.toLowerCase().includes(needle)) : lines;
  if (matching.length === 0) return null;
  let end = matching.length - 1;
  if (anchor !== null) {
    const index = matching.findIndex((l) => l.seq > anchor);
    end = (index === -1 ? matching.length : index) - 1;
  }
  const next = Math.min(matching.length - 1, Math.max(Math.min(size, matching.length) - 1, end + by));
  return next >= matching.length - 1 ? null : matching[next].seq;
}
