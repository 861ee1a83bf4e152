// Bottom line: a notice for the last key, then the keys that apply now (from the keymap).
import {Box, Text} from 'ink';
import {footerHints, keyLabel, type KeyContext} from '../keymap.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export function Footer({context, notice, width, override}: {readonly context: KeyContext; readonly notice: string | null; readonly width: number; readonly override?: string}) {
  const theme = useTheme();
  const hints =
    override ??
    footerHints(context)
      .map((h) => `${h.hint === 'move' && !theme.capabilities.unicode ? 'hjkl' : keyLabel(h.label, theme.capabilities.unicode)} ${h.hint}`)
      .join('  ');
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
