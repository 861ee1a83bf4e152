// Validation results (Session state `validation`): failing checks first, each with its table, count,
// dates and message, as an ink-table (scrolled with ↑/↓). The failing dates are marked in the grid
// meanwhile (state `invalid`).
import {Box, Text} from 'ink';
import {shortName} from '../../catalog/index.js';
import type {CheckResult, ValidationReport} from '../../validation/types.js';
import {formatDuration} from '../../figures.js';
import {truncate} from '../format.js';
import {useTheme, type Theme} from '../theme.js';
import {TextTable, type TableRow} from './TextTable.js';

const RESULT_COLUMNS = ['check', 'table', 'result', 'message'];

/** One check's result as a row of the results table (resultLine says the same on one line). */
export function resultRow(r: CheckResult, theme: Theme): TableRow {
  const dates = r.dates.length > 0 ? ` on ${r.dates.slice(0, 3).join(',')}${r.dates.length > 3 ? ` +${r.dates.length - 3}` : ''}` : '';
  return {check: `${theme.symbol(r.passed ? 'done' : 'failed')} ${r.check}`, table: shortName(r.table), result: r.passed ? 'ok' : `${r.failures} failures${dates}`, message: r.message};
}

export function resultLine(r: CheckResult): string {
  const dates = r.dates.length > 0 ? ` on ${r.dates.slice(0, 3).join(',')}${r.dates.length > 3 ? ` +${r.dates.length - 3}` : ''}` : '';
  return `${r.check.padEnd(14)} ${shortName(r.table).padEnd(5)} ${r.passed ? 'ok' : `${r.failures} failures${dates}`}: ${r.message}`;
}

export function sortedResults(report: ValidationReport): CheckResult[] {
  return [...report.results].sort((a, b) => Number(a.passed) - Number(b.passed));
}

export function ValidationPane({report, width, height, scroll}: {readonly report: ValidationReport; readonly width: number; readonly height: number; readonly scroll: number}) {
  const theme = useTheme();
  const results = sortedResults(report);
  const failed = results.filter((r) => !r.passed).length;
  const verdict = report.passed ? 'all checks passed' : `FAILED ${failed} of ${results.length} checks`;
  const title = `Validation ${report.range.start}..${report.range.end}: ${verdict} in ${formatDuration(report.durationMs / 1000)} (esc closes) `;
  const lines = Math.max(0, height - 2); // the title and the table's heading
  const start = Math.max(0, Math.min(scroll, results.length - lines));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate" color={theme.color(report.passed ? 'green' : 'red')}>
        {truncate(title, width, theme.ellipsis).padEnd(width, theme.rule)}
      </Text>
      {lines > 0 && <TextTable rows={results.slice(start, start + lines).map((r) => resultRow(r, theme))} columns={RESULT_COLUMNS} width={width} plain />}
    </Box>
  );
}
