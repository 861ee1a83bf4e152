// Shown when a run ends: how it ended, what it wrote (on BigQuery: what it billed, in all and per
// processor), what it changed (src/undo/changes.ts: rows added, removed and changed per table, the
// feature store's features), which processors failed, a table per processor (ink-table, as room
// allows: failed processors first), and the offers to validate what it wrote and to undo it (from
// the runs view).
import {Box, Text} from 'ink';
import type {ProcessorProgress, RunSnapshot} from '../../runner/types.js';
import {formatCount, formatDuration} from '../../figures.js';
import {changeReportLines} from '../../undo/changes.js';
import {truncate} from '../format.js';
import {runSpendStatus, spendFigures} from '../spend-text.js';
import {useTheme, type Theme} from '../theme.js';
import {TextTable, type TableRow} from './TextTable.js';

const STATUS_STATE = {idle: 'none', queued: 'queued', running: 'running', paused: 'paused', failed: 'failed', done: 'done', cancelled: 'missing'} as const;

/** One processor of the run as a row of the summary's table: its symbol says the state too. */
export function summaryRow(p: ProcessorProgress, theme: Theme): TableRow {
  return {processor: `${theme.symbol(STATUS_STATE[p.status])} ${p.short}`, status: p.status, dates: `${p.datesDone}/${p.datesTotal}`, rows: formatCount(p.rowsWritten), retries: String(p.retries), 'last error': p.lastError ?? ''};
}

const SUMMARY_COLUMNS = ['processor', 'status', 'dates', 'rows', 'retries', 'last error'];

export function summaryLines(run: RunSnapshot, arrow = '→'): string[] {
  const t = run.totals;
  const seconds = run.startedAt && run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : null;
  const lines = [
    `${t.datesDone}/${t.datesTotal} dates, ${formatCount(t.rowsWritten)} rows, ${t.batchesDone} batches, ${t.batchesFailed} failed${seconds !== null ? `, ${formatDuration(seconds)}` : ''}`,
  ];
  const total = spendFigures(run.spend);
  if (total) lines.push(`${total}; ${runSpendStatus(run)}`);
  const failed = run.processors.filter((p) => p.status === 'failed');
  for (const p of failed) lines.push(`${p.short} failed ${p.datesFailed} dates: ${p.lastError ?? 'see the log'}`);
  if (run.changes) lines.push(...changeReportLines(run.changes, {maxFeatures: 3, arrow}));
  // Last: the per-processor detail is what a short terminal can lose.
  for (const p of run.processors) {
    const figures = p.status === 'idle' ? null : spendFigures(p.spend);
    if (figures) lines.push(`${p.short.padEnd(4)} ${figures}`);
  }
  return lines;
}

export function RunSummary({run, width, height}: {readonly run: RunSnapshot; readonly width: number; readonly height: number}) {
  const theme = useTheme();
  const ok = run.state === 'completed';
  const range = run.range ? ` ${run.range.start}..${run.range.end}` : '';
  const body = summaryLines(run, theme.capabilities.unicode ? '→' : '->').slice(0, Math.max(0, height - 4));
  // The table takes what the lines leave: its heading and at least one processor.
  const room = height - 4 - body.length - 1;
  const processors = run.processors.filter((p) => p.status !== 'idle').sort((a, b) => Number(b.status === 'failed') - Number(a.status === 'failed'));
  const rows = room >= 1 ? processors.slice(0, room).map((p) => summaryRow(p, theme)) : [];
  const tableHeight = rows.length ? rows.length + 1 : 0;
  return (
    <Box flexDirection="column" borderStyle={theme.border} borderColor={theme.color(ok ? 'green' : 'red')} paddingX={1} width={width} height={Math.min(height, body.length + tableHeight + 4)} overflow="hidden">
      <Text bold wrap="truncate">
        {truncate(`Run ${run.state}${range}`, width - 4, theme.ellipsis)}
      </Text>
      {body.map((line, i) => (
        <Text key={i} wrap="truncate">
          {truncate(line, width - 4, theme.ellipsis)}
        </Text>
      ))}
      {rows.length > 0 && <TextTable rows={rows} columns={SUMMARY_COLUMNS} width={width - 4} plain />}
      <Text wrap="truncate" color={theme.color('yellow')}>
        {truncate('v: validate what it wrote   u: runs, to undo it   esc: close', width - 4, theme.ellipsis)}
      </Text>
    </Box>
  );
}
