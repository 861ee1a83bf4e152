// Top line: the warehouse, the run's overall progress, on BigQuery its spend (billed against the
// estimate and the budget), and what the session is busy with.
import {Box, Text} from 'ink';
import type {RunSnapshot} from '../../runner/types.js';
import {useSessionSlice} from '../console-stores.js';
import {formatCount, formatDuration} from '../../figures.js';
import {formatPercent, truncate} from '../format.js';
import {runSpendStatus} from '../spend-text.js';
import {useTheme} from '../theme.js';

export function runProgressText(run: RunSnapshot | null): string {
  if (!run) return 'no run yet';
  const t = run.totals;
  const etas = run.processors.map((p) => p.etaSeconds).filter((s): s is number => s !== null);
  const eta = run.state === 'running' && etas.length > 0 ? ` ETA ${formatDuration(Math.max(...etas))}` : '';
  const failed = t.batchesFailed > 0 ? ` ${t.batchesFailed} failed` : '';
  return `run ${run.state} ${formatPercent(t.datesDone, t.datesTotal)} ${formatCount(t.datesDone)}/${formatCount(t.datesTotal)} dates ${formatCount(t.rowsWritten)} rows${failed}${eta}`;
}

export function StatusBar({width}: {readonly width: number}) {
  const theme = useTheme();
  const warehouse = useSessionSlice((s) => s.warehouse);
  const run = useSessionSlice((s) => s.run);
  const activity = useSessionSlice((s) => s.activity);
  const attached = useSessionSlice((s) => s.attached);
  const parts = [`backfill ${warehouse}${attached ? ' (attached)' : ''}`, runProgressText(run)];
  const spend = runSpendStatus(run);
  if (spend) parts.push(spend);
  if (activity) parts.push(activity);
  const text = truncate(parts.join(' | '), width, theme.ellipsis);
  return (
    <Box height={1}>
      <Text inverse wrap="truncate">
        {text.padEnd(width)}
      </Text>
    </Box>
  );
}
