// The job log pane: the newest lines at the bottom, filtered with `/`, scrolled with pgup/pgdn
// (or ↑/↓ when it has focus). A scrolled view is anchored to a line, so it stays put while the
// run keeps logging.
import {Box, Text} from 'ink';
import {memo} from 'react';
import {useLogLines} from '../console-stores.js';
import type {LogLine} from '../log-format.js';
import {logView} from '../log-view.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

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
