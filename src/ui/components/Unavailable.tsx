// In place of the processors and the log when the console cannot have the warehouse: who holds it
// and what reaches it, in full (wrapped, not cut), for the moment before the console closes.
import {Box, Text} from 'ink';
import {useTheme} from '../theme.js';

export function Unavailable({message, width}: {readonly message: string; readonly width: number}) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" width={width}>
      <Text bold color={theme.color('red')}>
        Cannot open the warehouse:
      </Text>
      <Text wrap="wrap" color={theme.color('red')}>
        {message}
      </Text>
      <Text>The console closes; this line stays in the shell (exit 2).</Text>
    </Box>
  );
}
