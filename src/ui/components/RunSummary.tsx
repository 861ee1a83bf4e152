// Shown when a run ends: how it ended, what it wrote, what it changed (src/undo/changes.ts: rows
// added, removed and changed per table, the feature store's features), which processors failed,
// and the offers to validate what it wrote and to undo it (from the runs view).
import {Box, Text} from 'ink';
import type {RunSnapshot} from '../../runner/types.js';
import {formatCount, formatDuration} from '../../figures.js';
import {changeReportLines} from '../../undo/changes.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export function summaryLines(run: RunSnapshot, arrow = '→'): string[] {
  const t = run.totals;
  const seconds = run.startedAt && run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : null;
  const lines = [
    `${t.datesDone}/${t.datesTotal} dates, ${formatCount(t.rowsWritten)} rows, ${t.batchesDone} batches, ${t.batchesFailed} failed${seconds !== null ? `, ${formatDuration(seconds)}` : ''}`,
  ];
  const failed = run.processors.filter((p) => p.status === 'failed');
  for (const p of failed) lines.push(`${p.short} failed ${p.datesFailed} dates: ${p.lastError ?? 'see the log'}`);
  if (run.changes) lines.push(...changeReportLines(run.changes, {maxFeatures: 3, arrow}));
  return lines;
}

export function RunSummary({run, width, height}: {readonly run: RunSnapshot; readonly width: number; readonly height: number}) {
  const theme = useTheme();
  const ok = run.state === 'completed';
  const range = run.range ? ` ${run.range.start}..${run.range.end}` : '';
  const body = summaryLines(run, theme.capabilities.unicode ? '→' : '->').slice(0, Math.max(0, height - 4));
  return (
    <Box flexDirection="column" borderStyle={theme.border} borderColor={theme.color(ok ? 'green' : 'red')} paddingX={1} width={width} height={Math.min(height, body.length + 4)} overflow="hidden">
      <Text bold wrap="truncate">
        {truncate(`Run ${run.state}${range}`, width - 4, theme.ellipsis)}
      </Text>
      {body.map((line, i) => (
        <Text key={i} wrap="truncate">
          {truncate(line, width - 4, theme.ellipsis)}
        </Text>
      ))}
      <Text wrap="truncate" color={theme.color('yellow')}>
        {truncate('v: validate what it wrote   u: runs, to undo it   esc: close', width - 4, theme.ellipsis)}
      </Text>
    </Box>
  );
}
