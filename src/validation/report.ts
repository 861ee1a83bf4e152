// The completion report (the seed's generate_final_coverage_report.py, improved): per season and
// month, per table, covered / expected game dates; totals; feature store statistics; what the last
// run changed (src/undo); what the runs billed on BigQuery; the last validation. Gathered as data
// first (tests compare it with direct queries), then printed.
import {DERIVED_TABLES, mlFeatureStore} from '../catalog/tables.js';
import {monthOf, type DateRange} from '../dates.js';
import {coveredDates, gameDates} from '../queries/coverage.js';
import {rangePredicate} from '../queries/write.js';
import {rangeParams, type Warehouse} from '../warehouse/types.js';
import {changesSection, lastChanges, type LastChanges} from '../undo/report-section.js';
import {loadLastValidation, type LastValidation} from './lastValidation.js';
import {spendLines, spendSummary, type SpendSummary} from './spend-report.js';
import {failureLines, headline, rawSourcesLines, shortName, validationMatrix} from './summary.js';

export interface MonthCoverage {
  readonly season: string;
  readonly month: string;
  /** Game dates scheduled (with a Final game) in the month. */
  readonly expected: number;
  /** Per table: how many of those game dates it covers. */
  readonly covered: Readonly<Record<string, number>>;
}

export interface TableTotal {
  readonly table: string;
  readonly covered: number;
  readonly expected: number;
}

export interface FeatureStoreStats {
  readonly rows: number;
  readonly players: number;
  readonly dates: number;
  readonly nullRates: readonly {readonly column: string; readonly nulls: number; readonly rate: number}[];
}

export interface CompletionReport {
  readonly generatedAt: string;
  readonly warehouse: string;
  readonly range: DateRange;
  readonly months: readonly MonthCoverage[];
  readonly totals: readonly TableTotal[];
  readonly featureStore: FeatureStoreStats;
  readonly lastValidation: LastValidation;
  /** What the runs of the history in this range billed (BigQuery); null when nothing did. */
  readonly spend: SpendSummary | null;
  /** What the last run that wrote changed (src/undo), null before any. */
  readonly lastChanges: LastChanges | null;
}

async function featureStoreStats(warehouse: Warehouse, range: DateRange): Promise<FeatureStoreStats> {
  const d = warehouse.dialect;
  const columns = mlFeatureStore.columns.map((c) => c.name).filter((c) => c !== 'processed_at' && c !== 'run_id');
  const [row] = await warehouse.query(
    `SELECT COUNT(*) AS row_count, COUNT(DISTINCT player_lookup) AS players, COUNT(DISTINCT game_date) AS dates,
  ${columns.map((c) => `SUM(CASE WHEN ${d.ident(c)} IS NULL THEN 1 ELSE 0 END) AS ${d.ident(`null_${c}`)}`).join(',\n  ')}
FROM ${d.table(mlFeatureStore)} WHERE ${rangePredicate(d)}`,
    rangeParams(range.start, range.end),
  );
  const rows = Number(row.row_count);
  return {
    rows,
    players: Number(row.players),
    dates: Number(row.dates),
    nullRates: columns.map((column) => {
      const nulls = Number(row[`null_${column}`] ?? 0);
      return {column, nulls, rate: rows ? nulls / rows : 0};
    }),
  };
}

export async function buildCompletionReport(
  warehouse: Warehouse,
  options: {readonly range: DateRange; readonly stateDir: string; readonly now?: Date},
): Promise<CompletionReport> {
  const {range} = options;
  const scheduled = await gameDates(warehouse, range);
  const covered = await coveredDates(warehouse, DERIVED_TABLES, range);
  const months = new Map<string, {season: string; month: string; expected: number; covered: Record<string, number>}>();
  for (const g of scheduled) {
    const key = `${g.season} ${monthOf(g.date)}`;
    const entry = months.get(key) ?? {season: g.season, month: monthOf(g.date), expected: 0, covered: Object.fromEntries(DERIVED_TABLES.map((t) => [t.name, 0]))};
    entry.expected += 1;
    for (const t of DERIVED_TABLES) if (covered.get(t.name)!.has(g.date)) entry.covered[t.name] += 1;
    months.set(key, entry);
  }
  const monthList = [...months.values()];
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    warehouse: warehouse.description,
    range,
    months: monthList,
    totals: DERIVED_TABLES.map((t) => ({
      table: t.name,
      expected: scheduled.length,
      covered: monthList.reduce((sum, m) => sum + m.covered[t.name], 0),
    })),
    featureStore: await featureStoreStats(warehouse, range),
    lastValidation: loadLastValidation(options.stateDir, warehouse.description),
    spend: spendSummary(options.stateDir, warehouse.description, range),
    lastChanges: lastChanges(options.stateDir, warehouse.description),
  };
}

const RULE = '='.repeat(96);

function percent(part: number, whole: number): string {
  return whole ? `${((100 * part) / whole).toFixed(1)}%` : 'n/a';
}

function grid(head: string[], rows: string[][]): string[] {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
}

export function formatCompletionReport(report: CompletionReport): string {
  const shorts = DERIVED_TABLES.map((t) => t.short);
  const lines = [
    RULE,
    'NBA BACKFILL COMPLETION REPORT',
    `Generated: ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
    `Warehouse: ${report.warehouse}`,
    `Range:     ${report.range.start} .. ${report.range.end} (${report.totals[0]?.expected ?? 0} game dates)`,
    RULE,
    '',
    'COVERAGE: covered / expected game dates, per season and month',
  ];
  const seasons = [...new Set(report.months.map((m) => m.season))];
  for (const season of seasons) {
    const months = report.months.filter((m) => m.season === season);
    const cell = (covered: number, expected: number) => `${covered}/${expected}${covered < expected ? '!' : ''}`;
    const rows = months.map((m) => [m.month, ...DERIVED_TABLES.map((t) => cell(m.covered[t.name], m.expected))]);
    const expected = months.reduce((s, m) => s + m.expected, 0);
    rows.push(['season', ...DERIVED_TABLES.map((t) => cell(months.reduce((s, m) => s + m.covered[t.name], 0), expected))]);
    lines.push('', `Season ${season}`, ...grid(['month', ...shorts], rows).map((l) => `  ${l}`));
  }
  if (seasons.length === 0) lines.push('', '  no game dates in the range');
  lines.push('  (! = game dates missing)', '', 'TOTALS');
  lines.push(
    ...grid(
      ['table', 'short', 'phase', 'covered', 'expected', 'complete'],
      DERIVED_TABLES.map((t, i) => {
        const total = report.totals[i];
        return [t.name, t.short, String(t.phase), String(total.covered), String(total.expected), percent(total.covered, total.expected)];
      }),
    ).map((l) => `  ${l}`),
  );

  const fs = report.featureStore;
  lines.push('', `ML FEATURE STORE (nba_precompute.ml_feature_store)`);
  lines.push(`  rows ${fs.rows}   players ${fs.players}   dates ${fs.dates}`);
  lines.push('  NULL rate per column:');
  lines.push(
    ...grid(['column', 'nulls', 'rate'], fs.nullRates.map((r) => [r.column, String(r.nulls), percent(r.nulls, fs.rows)])).map((l) => `    ${l}`),
  );

  lines.push(...changesSection(report.lastChanges, grid));
  lines.push('', 'SPEND (BigQuery job statistics of the runs in the history that touched the range)', ...spendLines(report.spend));

  lines.push('', 'LAST VALIDATION');
  const last = report.lastValidation;
  if (last.state === 'none') lines.push('  none yet: run `backfill validate`');
  else if (last.state === 'unreadable') lines.push(`  ${last.file} is unreadable (${last.reason}): run \`backfill validate\` again`);
  else if (last.state === 'other-warehouse') lines.push(`  none for this warehouse (the last one checked ${last.warehouse}): run \`backfill validate\``);
  else {
    const v = last.report;
    lines.push(`  ${v.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${v.range.start} .. ${v.range.end}, ${v.tables.map(shortName).join(' ')}: ${headline(v)}`);
    lines.push(...[...validationMatrix(v), ...rawSourcesLines(v)].map((l) => `  ${l}`));
    const failures = failureLines(v, false);
    if (failures.length) lines.push('', ...failures.map((l) => `  ${l}`));
  }
  lines.push('', RULE);
  return `${lines.join('\n')}\n`;
}
