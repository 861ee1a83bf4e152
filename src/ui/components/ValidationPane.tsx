// Validation results (Session state `validation`): failing checks first, each with its table, count,
// dates and message. The failing dates are marked in the grid meanwhile (state `invalid`).
import {Box, Text} from 'ink';
import {shortName} from '../../catalog/index.js';
import type {CheckResult, ValidationReport} from '../../validation/types.js';
import {formatDuration} from '../../figures.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

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
  const lines = Math.max(0, height - 1);
  const start = Math.max(0, Math.min(scroll, results.length - lines));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate" color={theme.color(report.passed ? 'green' : 'red')}>
        {truncate(title, width, theme.ellipsis).padEnd(width, theme.rule)}
      </Text>
      {results.slice(start, start + lines).map((r, i) => (
        <Text key={`${r.check}-${r.table}-${i}`} wrap="truncate" color={theme.color(r.passed ? 'green' : 'red')}>
          {truncate(`${theme.symbol(r.passed ? 'done' : 'failed')} ${resultLine(r)}`, width, theme.ellipsis)}
        </Text>
      ))}
    </Box>
  );
}
