// A confirmation dialog drawn from its data (title, what it does, the keys that answer).
import {Box, Text} from 'ink';
import type {Dialog} from '../dialogs.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export function ConfirmDialog({dialog, width, height}: {readonly dialog: Dialog; readonly width: number; readonly height: number}) {
  const theme = useTheme();
  const inner = width - 4;
  const choices = dialog.choices.map((c) => `${c.input}: ${c.label}`).join('   ');
  // Border, title and choices take four lines; the body gets what is left.
  const body = dialog.body.slice(0, Math.max(0, height - 4));
  return (
    <Box flexDirection="column" borderStyle={theme.border} borderColor={theme.color('yellow')} paddingX={1} width={width} height={Math.min(height, body.length + 4)} overflow="hidden">
      <Text bold wrap="truncate">
        {truncate(dialog.title, inner, theme.ellipsis)}
      </Text>
      {body.map((line, i) => (
        <Text key={i} wrap="truncate">
          {truncate(line, inner, theme.ellipsis)}
        </Text>
      ))}
      <Text wrap="truncate" color={theme.color('yellow')}>
        {truncate(choices, inner, theme.ellipsis)}
      </Text>
    </Box>
  );
}
