// Figures as words, shared by every front end (the console's panes, the headless log lines, the
// report): one way to write a count, a duration and a date range.

/** 1234 → '1,234'; 1234567 → '1.2M'. */
export function formatCount(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  return n.toLocaleString('en-US');
}

/** Seconds → '45s', '3m05s', '2h07m'. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Milliseconds → '1.2s' under ten seconds, else whole seconds: a batch's or a backoff's length. */
export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
}

/** '2021-12-01'..'2021-12-07' → '12-01..12-07' when in the same year. */
export function shortRange(start: string, end: string): string {
  if (start === end) return start.slice(5);
  return start.slice(0, 4) === end.slice(0, 4) ? `${start.slice(5)}..${end.slice(5)}` : `${start}..${end}`;
}
