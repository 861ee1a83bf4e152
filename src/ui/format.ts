// Human-readable figures for narrow panes: every function returns a short, fixed-ish width string
// (counts, durations and ranges shared with the headless log are in src/figures.ts).

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** '2021-12' → 'Dec21' (five characters, the grid's column header). */
export function shortMonth(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]}${month.slice(2, 4)}`;
}

/** '2021-12' → 'Dec 2021'. */
export function longMonth(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
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

