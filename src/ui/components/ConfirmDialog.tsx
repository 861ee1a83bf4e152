// A confirmation dialog drawn from its spec (title, what it does, the keys that answer).
import {Box, Text} from 'ink';
import type {DialogSpec} from '../dialogs.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export function ConfirmDialog({spec, width, height}: {readonly spec: DialogSpec; readonly width: number; readonly height: number}) {
  const theme = useTheme();
  const inner = width - 4;
  const choices = spec.choices.map((c) => `${c.input}: ${c.label}`).join('   ');
  return (
    <Box flexDirection="column" borderStyle={theme.border} borderColor={theme.color('yellow')} paddingX={1} width={width} height={Math.min(height, 5)} overflow="hidden">
      <Text bold wrap="truncate">
        {truncate(spec.title, inner, theme.ellipsis)}
      </Text>
      {height >= 5 ? <Text wrap="truncate">{truncate(spec.body, inner, theme.ellipsis)}</Text> : null}
      <Text wrap="truncate" color={theme.color('yellow')}>
        {truncate(choices, inner, theme.ellipsis)}
      </Text>
    </Box>
  );
}
