// The coverage grid as plain text for `backfill status`: one block per season (at most nine
// months, October to June) so that it fits 80 columns; each cell is covered/scheduled game dates,
// and under a table with stale dates that season a `stale` line counts them per month.
// ASCII only: it is read over SSH, in cron mail and in terminals without a UTF-8 locale.
import type {CoverageSummary} from './coverageSummary.js';

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LABEL = 5;
const CELL = 6;
const TOTAL = 10;
const PERCENT = 5;

function percent(covered: number, expected: number): string {
  if (expected === 0) return '-';
  // Floor, so that 99.6% never reads as 100% while a date is missing.
  return `${Math.floor((100 * covered) / expected)}%`;
}

/** Lines of the grid; every line is at most 80 characters. */
export function formatStatusGrid(summary: CoverageSummary, warehouse: string): string[] {
  const lines = [
    `Coverage of ${warehouse}`,
    `${summary.range.start} .. ${summary.range.end}, game dates covered/scheduled per month`,
  ];
  const seasons = [...new Set(summary.tables[0]?.months.map((m) => m.season) ?? [])];
  if (seasons.length === 0) {
    lines.push('', 'No scheduled game dates in this range.');
    return lines;
  }
  for (const season of seasons) {
    const months = summary.tables[0].months.filter((m) => m.season === season).map((m) => m.month);
    lines.push('');
    lines.push(
      season.padEnd(LABEL + 2).slice(0, LABEL + 2) +
        months.map((m) => MONTH_NAMES[Number(m.slice(5, 7)) - 1].padStart(CELL)).join('').slice(2) +
        'season'.padStart(TOTAL) +
        '%'.padStart(PERCENT),
    );
    for (const table of summary.tables) {
      const cells = table.months.filter((m) => m.season === season);
      const covered = cells.reduce((s, m) => s + m.covered, 0);
      const expected = cells.reduce((s, m) => s + m.expected, 0);
      lines.push(
        table.short.padEnd(LABEL) +
          cells.map((m) => `${m.covered}/${m.expected}`.padStart(CELL)).join('') +
          `${covered}/${expected}`.padStart(TOTAL) +
          percent(covered, expected).padStart(PERCENT),
      );
      const stale = cells.reduce((s, m) => s + m.stale, 0);
      if (stale > 0) lines.push('stale'.padEnd(LABEL) + cells.map((m) => String(m.stale).padStart(CELL)).join('') + String(stale).padStart(TOTAL));
    }
  }
  lines.push('');
  const {covered, expected} = summary.totals;
  const {stale} = summary;
  lines.push(`All tables: ${covered}/${expected} table-dates covered (${percent(covered, expected)})${stale ? `, ${stale} of them stale` : ''}`);
  if (covered === 0 && expected > 0) {
    lines.push('Nothing is built yet: `backfill run` plans and runs the whole range.');
    return lines;
  }
  for (const table of summary.tables.filter((t) => t.covered < t.expected)) {
    const first = table.months.find((m) => m.covered < m.expected)!;
    lines.push(`  ${table.short.padEnd(LABEL)} ${table.expected - table.covered} game dates missing, first gap in ${first.month}`);
  }
  for (const table of summary.tables.filter((t) => t.stale > 0)) {
    const first = table.months.find((m) => m.stale > 0)!;
    lines.push(`  ${table.short.padEnd(LABEL)} ${table.stale} game dates stale, first in ${first.month} (\`backfill stale\` says why)`);
  }
  return lines;
}
