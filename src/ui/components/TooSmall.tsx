// Said plainly instead of a broken layout (btop does the same).
import {Box, Text} from 'ink';
import {MIN_COLUMNS, MIN_ROWS} from '../layout.js';

export function TooSmall({columns, rows}: {readonly columns: number; readonly rows: number}) {
  return (
    <Box flexDirection="column" width={Math.max(1, columns)} height={Math.max(1, rows - 1)} overflow="hidden">
      <Text wrap="wrap">
        Terminal too small: {columns}x{rows}, the console needs at least {MIN_COLUMNS}x{MIN_ROWS}.
      </Text>
      <Text wrap="wrap">Enlarge the window, or press q to quit.</Text>
    </Box>
  );
}
