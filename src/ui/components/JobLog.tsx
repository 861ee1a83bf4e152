// The job log pane: the newest lines at the bottom, filtered with `/`, scrolled with pgup/pgdn
// (or ↑/↓ when it has focus). A scrolled view is anchored to a line, so it stays put while the
// run keeps logging.
import {Box, Text} from 'ink';
import {memo} from 'react';
import {useLogLines} from '../console-stores.js';
import type {LogLine} from '../log-format.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export interface LogView {
  readonly shown: readonly LogLine[];
  /** Lines after the view (newer), 0 when following. */
  readonly newer: number;
  readonly matching: number;
}

/** The lines to show: those matching the filter, the last `size` at or before the anchor. */
export function logView(lines: readonly LogLine[], filter: string, anchor: number | null, size: number): LogView {
  const needle = filter.toLowerCase();
  const matching = needle ? lines.filter((l) => l.text.toLowerCase().includes(needle)) : lines;
  let end = matching.length;
  if (anchor !== null) {
    const index = matching.findIndex((l) => l.seq > anchor);
    end = index === -1 ? matching.length : index;
  }
  const start = Math.max(0, end - size);
  return {shown: size > 0 ? matching.slice(start, end) : [], newer: matching.length - end, matching: matching.length};
}

/** Moves the anchor `by` lines (negative = older); null again once back at the newest. */
export function scrollLog(lines: readonly LogLine[], filter: string, anchor: number | null, by: number, size: number): number | null {
  const needle = filter.toLowerCase();
  const matching = needle ? lines.filter((l) => l.text.toLowerCase().includes(needle)) : lines;
  if (matching.length === 0) return null;
  let end = matching.length - 1;
  if (anchor !== null) {
    const index = matching.findIndex((l) => l.seq > anchor);
    end = (index === -1 ? matching.length : index) - 1;
  }
  const next = Math.min(matching.length - 1, Math.max(Math.min(size, matching.length) - 1, end + by));
  return next >= matching.length - 1 ? null : matching[next].seq;
}

const LogRow = memo(function LogRow({line, width}: {line: LogLine; width: number}) {
  const theme = useTheme();
  const color = line.level === 'error' ? theme.color('red') : line.level === 'warn' ? theme.color('yellow') : undefined;
  return (
    <Text color={color} wrap="truncate">
      {truncate(line.text, width, theme.ellipsis)}
    </Text>
  );
});

export interface JobLogProps {
  readonly lines: number;
  readonly width: number;
  readonly filter: string;
  readonly editingFilter: boolean;
  readonly anchor: number | null;
  readonly focused: boolean;
}

export function JobLog({lines, width, filter, editingFilter, anchor, focused}: JobLogProps) {
  const theme = useTheme();
  const all = useLogLines();
  const view = logView(all, filter, anchor, lines);
  const filterText = editingFilter ? ` /${filter}_` : filter ? ` filter "${filter}" (${view.matching})` : '';
  const scrolled = view.newer > 0 ? ` ${theme.arrows.down}${view.newer} newer` : '';
  const title = `${focused ? theme.arrows.right : ''}Log${filterText}${scrolled} `;
  return (
    <Box flexDirection="column" height={lines + 1} overflow="hidden">
      <Text bold wrap="truncate">
        {truncate(title, width, theme.ellipsis).padEnd(width, theme.rule)}
      </Text>
      {view.shown.map((line) => (
        <LogRow key={line.seq} line={line} width={width} />
      ))}
    </Box>
  );
}
