// The processors pane: one line per processor of the run (a window around the selected one when
// space is short): state with a spinner while running, dates done/total, rows, throughput, ETA,
// retries and the batch in flight, and, where the width allows, a sparkline of its dates per
// second over the last minutes (the runner's series, src/runner/throughput.ts).
import {Box, Text} from 'ink';
import {memo} from 'react';
import type {ProcessorProgress, ProcessorStatus} from '../../runner/types.js';
import {useSessionFields} from '../console-stores.js';
import {formatCount, formatDuration, shortRange} from '../../figures.js';
import {truncate} from '../format.js';
import {fittedSparkline} from '../sparkline.js';
import {useSpinnerFrame} from '../spinner-clock.js';
import {useTheme, type CellState} from '../theme.js';

const STATUS_STATE: Record<ProcessorStatus, CellState> = {
  idle: 'none',
  queued: 'queued',
  running: 'running',
  paused: 'paused',
  failed: 'failed',
  done: 'done',
  cancelled: 'missing',
};

export function processorLine(p: ProcessorProgress): string {
  const status = p.paused && p.status !== 'paused' ? 'pausing' : p.status;
  const parts = [p.short.padEnd(4), status.padEnd(9), `${p.datesDone}/${p.datesTotal}`.padStart(7), `${formatCount(p.rowsWritten)} rows`];
  if (p.throughput !== null) parts.push(`${p.throughput.toFixed(1)}/s`);
  if (p.etaSeconds !== null && p.status === 'running') parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  parts.push(`retry ${p.retries}`);
  if (p.running.length > 0) {
    const first = p.running[0];
    parts.push(`${shortRange(first.start, first.end)}${p.running.length > 1 ? ` +${p.running.length - 1}` : ''}`);
  }
  if (p.concurrency < p.maxConcurrency) parts.push(`workers ${p.concurrency}/${p.maxConcurrency}`);
  if (p.lastError && p.status === 'failed') parts.push(p.lastError);
  return parts.join(' ');
}

function SpinnerFrame() {
  return <>{useSpinnerFrame(useTheme().spinner)}</>;
}

const ProcessorRow = memo(function ProcessorRow({p, selected, width}: {p: ProcessorProgress; selected: boolean; width: number}) {
  const theme = useTheme();
  const state = STATUS_STATE[p.status];
  const line = truncate(processorLine(p), width - 3, theme.ellipsis);
  const spark = p.status === 'running' ? fittedSparkline(p.rateSeries, width - 4 - line.length, theme.capabilities.unicode) : '';
  return (
    <Box height={1}>
      <Text>{selected ? theme.arrows.right : ' '}</Text>
      <Text color={theme.stateColor(state)}>{p.status === 'running' && !p.paused ? <SpinnerFrame /> : theme.symbol(state)}</Text>
      <Text color={theme.stateColor(state)} wrap="truncate">
        {' '}
        {line}
        {spark && ` ${spark}`}
      </Text>
    </Box>
  );
});

/** The first index of a `size`-line window that shows `selected`, centred when possible. */
export function windowStart(count: number, size: number, selected: number): number {
  if (count <= size || selected < 0) return 0;
  return Math.max(0, Math.min(count - size, selected - Math.floor(size / 2)));
}

export function ProcessorsPane({lines, width, selected}: {readonly lines: number; readonly width: number; readonly selected: string | undefined}) {
  const theme = useTheme();
  const {run} = useSessionFields('run');
  const processors = (run?.processors ?? []).filter((p) => p.status !== 'idle');
  const counts = new Map<string, number>();
  for (const p of processors) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  const title = `Processors${summary ? ` (${summary})` : ''} `;
  const selectedIndex = processors.findIndex((p) => p.name === selected);
  const start = windowStart(processors.length, lines, selectedIndex);
  return (
    <Box flexDirection="column" height={lines + 1} overflow="hidden">
      <Text bold wrap="truncate">
        {truncate(title, width, theme.ellipsis).padEnd(width, theme.rule)}
      </Text>
      {processors.length === 0 ? (
        <Text wrap="truncate">{truncate('No run yet: select months (m) or cells (space), then s starts them.', width, theme.ellipsis)}</Text>
      ) : (
        processors.slice(start, start + lines).map((p) => <ProcessorRow key={p.name} p={p} selected={p.name === selected} width={width} />)
      )}
    </Box>
  );
}
