// The month view (enter on a month): the days of that month per table, one symbol per day, and
// for the day under the cursor its latest batch attempt (from the history: outcome, when, how
// long) and why it is (not) done: not scheduled, waiting on an input, failed with the error,
// running, stale and why. Enter on a day opens its detail pane.
import {Box, Text} from 'ink';
import {useEffect} from 'react';
import {DERIVED_TABLES} from '../../catalog/index.js';
import {endOfMonth} from '../../dates.js';
import {formatSeconds} from '../../figures.js';
import {latestAttemptOn, outcomeWord} from '../../runner/attempt-text.js';
import type {AttemptRecord} from '../../state/attempts.js';
import {useAttempts, useStores} from '../console-stores.js';
import {daysOfMonth, type GridModel} from '../coverage-grid.js';
import {longMonth, truncate} from '../format.js';
import {useTheme} from '../theme.js';
import {LABEL_WIDTH} from './CoverageGrid.js';

export interface MonthDaysProps {
  readonly model: GridModel;
  readonly month: string;
  readonly row: number;
  readonly day: number;
  readonly width: number;
}

/** `#2 FAILED 10:03:12 (1.2s)`: the day view's word on an attempt (the detail pane has the rest). */
export function attemptBrief(a: AttemptRecord): string {
  return `last attempt #${a.attempt} ${outcomeWord(a)} ${a.startedAt.slice(11, 19)} (${formatSeconds(a.durationMs)})`;
}

export function MonthDays({model, month, row, day, width}: MonthDaysProps) {
  const theme = useTheme();
  const {attempts: store} = useStores();
  useEffect(() => {
    store.watch({start: `${month}-01`, end: endOfMonth(month)});
    return () => store.watch(null);
  }, [store, month]);
  const attempts = useAttempts();
  const days = daysOfMonth(month);
  // Two columns per day when they fit, one otherwise (60-column terminals).
  const step = LABEL_WIDTH + days.length * 2 <= width ? 2 : 1;
  const tens = days.map((d) => (d[8] === '0' ? ' ' : d[8]).padEnd(step)).join('');
  const table = model.rows[row]?.table ?? DERIVED_TABLES[0];
  const date = days[Math.min(day, days.length - 1)];
  const status = model.dayStatus(table, date);
  const colIndex = model.months.indexOf(month);
  const counts = colIndex >= 0 ? model.rows[row]?.cells[colIndex] : undefined;
  const staleNote = counts?.stale ? `, ${counts.stale} stale` : '';
  const title = `${longMonth(month)}: days per table${counts ? ` (${table.short} ${counts.covered}/${counts.expected} game dates${staleNote})` : ''}, esc back`;

  return (
    <Box flexDirection="column" height={14}>
      <Text bold wrap="truncate">
        {truncate(title, width, theme.ellipsis)}
      </Text>
      <Text>{' '.repeat(LABEL_WIDTH) + truncate(tens, width - LABEL_WIDTH, '')}</Text>
      <Box height={1}>
        <Text>{' '.repeat(LABEL_WIDTH)}</Text>
        {days.map((d, i) => (
          <Text key={d} inverse={i === day}>
            {d[9]}
            {step === 2 ? ' ' : ''}
          </Text>
        ))}
      </Box>
      {model.rows.map((r, ri) => (
        <Box key={r.table.name} height={1}>
          <Text>{`${ri === row ? theme.arrows.right : ' '}${r.table.short}`.padEnd(LABEL_WIDTH)}</Text>
          {days.map((d, i) => {
            const s = model.dayStatus(r.table, d).state;
            return (
              <Text key={d} color={theme.stateColor(s)} inverse={ri === row && i === day}>
                {theme.symbol(s)}
                {step === 2 ? ' ' : ''}
              </Text>
            );
          })}
        </Box>
      ))}
      <Text wrap="truncate" color={theme.stateColor(status.state)}>
        {truncate(`${table.short} ${date} ${theme.symbol(status.state)} ${dayLine(latestAttemptOn(attempts, table.name, date), status.reason)}`, width, theme.ellipsis)}
      </Text>
    </Box>
  );
}

/**
 * The day's reason and its latest attempt, the news first within 80 columns: a failed attempt
 * before the reason; after a done attempt the reason (stale and why, blocked on what) comes first.
 */
function dayLine(latest: AttemptRecord | undefined, reason: string): string {
  if (!latest) return reason;
  return latest.outcome === 'done' ? `${reason} · ${attemptBrief(latest)}` : `${attemptBrief(latest)} · ${reason}`;
}
