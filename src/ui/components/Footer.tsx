// Bottom line: a notice for the last key (what it did, or why it could not), else the hints of the
// bindings that are enabled now, judged on the same context dispatch uses, or the top layer's text.
import {Box, Text} from 'ink';
import {footerHints} from '../keymap.js';
import type {KeyContext} from '../key-context.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export function Footer({context, width, override}: {readonly context: KeyContext; readonly width: number; readonly override?: string}) {
  const theme = useTheme();
  const {notice} = context.ui;
  const hints = notice
    ? ''
    : (override ??
      footerHints(context, theme.capabilities.unicode)
        .map((h) => `${h.label} ${h.hint}`)
        .join('  '));
  return (
    <Box height={1}>
      {notice ? (
        <Text color={theme.color('yellow')} bold wrap="truncate">
          {truncate(notice, width, theme.ellipsis)}
        </Text>
      ) : (
        <Text wrap="truncate">{truncate(hints, width, theme.ellipsis)}</Text>
      )}
    </Box>
  );
}
