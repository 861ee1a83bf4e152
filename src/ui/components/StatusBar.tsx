// Top line: the warehouse, the run's overall progress, on BigQuery its spend (billed against the
// estimate and the budget), whether the grid is the saved coverage ("as of HH:MM") or live, and
// what the session is busy with, behind ink-spinner: one activity at a time, so one spinner timer
// at most (the processors' spinners share one clock instead, see spinner-clock.ts).
import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import type {RunSnapshot} from '../../runner/types.js';
import {useSessionFields} from '../console-stores.js';
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

/** `as of 10:03` (local time) for a coverage saved today, `as of 2021-12-01 10:03` for an older one. */
export function asOfText(iso: string, now = new Date()): string {
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const sameDay = at.toDateString() === now.toDateString();
  return `as of ${sameDay ? '' : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} `}${time}`;
}

export function StatusBar({width}: {readonly width: number}) {
  const theme = useTheme();
  const {warehouse, run, activity, attached, coverageAsOf: asOf, unavailable} = useSessionFields('warehouse', 'run', 'activity', 'attached', 'coverageAsOf', 'unavailable');
  const parts = [`backfill ${warehouse}${attached ? ' (attached)' : ''}`];
  if (unavailable) parts.push('cannot reach the warehouse');
  else parts.push(runProgressText(run));
  const spend = runSpendStatus(run);
  if (spend) parts.push(spend);
  if (asOf) parts.push(`coverage ${asOfText(asOf)}`);
  const spinning = activity !== null && !unavailable;
  if (spinning) parts.push(activity);
  // The spinner follows the activity's words, when they leave room for it.
  const text = truncate(parts.join(' | '), width, theme.ellipsis);
  const spinner = spinning && text.length + 2 <= width;
  return (
    <Box height={1}>
      <Text inverse wrap="truncate">
        {text}
        {spinner && (
          <>
            {' '}
            <Spinner type={theme.spinner} />
          </>
        )}
        {''.padEnd(Math.max(0, width - text.length - (spinner ? 2 : 0)))}
      </Text>
    </Box>
  );
}
