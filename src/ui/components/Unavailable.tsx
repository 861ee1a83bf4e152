// In place of the processors and the log when the console cannot have the warehouse: who holds it
// and what reaches it, in full (wrapped, not cut), and that q leaves.
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
      <Text>q quits (exit 2); the grid above, if any, is the coverage last seen.</Text>
    </Box>
  );
}
