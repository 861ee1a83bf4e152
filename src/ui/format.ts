// Human-readable figures for narrow panes: every function returns a short, fixed-ish width string.

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** '2021-12' → 'Dec21' (five characters, the grid's column header). */
export function shortMonth(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]}${month.slice(2, 4)}`;
}

/** '2021-12' → 'Dec 2021'. */
export function longMonth(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

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

export function formatPercent(done: number, total: number): string {
  if (total === 0) return '-';
  return `${Math.floor((100 * done) / total)}%`;
}

/** Cuts a line to `width` columns before layout, so a long error never wraps a pane. */
export function truncate(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  const flat = text.replace(/[\r\n\t]+/g, ' ');
  if (flat.length <= width) return flat;
  return width <= ellipsis.length ? flat.slice(0, width) : flat.slice(0, width - ellipsis.length) + ellipsis;
}

/** '2021-12-01'..'2021-12-07' → '12-01..12-07' when in the same year. */
export function shortRange(start: string, end: string): string {
  if (start === end) return start.slice(5);
  return start.slice(0, 4) === end.slice(0, 4) ? `${start.slice(5)}..${end.slice(5)}` : `${start}..${end}`;
}
