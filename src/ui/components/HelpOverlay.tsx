// `?`: every binding of the keymap, grouped, and the legend of the grid's symbols. Two columns in
// 80 columns; in a narrower terminal one column that ↑/↓ scroll (any other key closes).
import {Box, Text} from 'ink';
import {KEYMAP, keyLabel, type KeyGroup} from '../keymap.js';
import {truncate} from '../format.js';
import {CELL_STATES, STATE_WORDS, useTheme} from '../theme.js';

const GROUPS: readonly KeyGroup[] = ['Move', 'Select', 'Run', 'Log', 'General'];

export function helpLines(unicode: boolean): {text: string; bold: boolean}[] {
  const lines: {text: string; bold: boolean}[] = [];
  for (const group of GROUPS) {
    lines.push({text: group, bold: true});
    for (const b of KEYMAP.filter((k) => k.group === group)) lines.push({text: `${keyLabel(b.label, unicode).padEnd(6)} ${b.description}`, bold: false});
  }
  return lines;
}

/** Legend entries packed into lines of `width`, never cut inside an entry. */
function packLegend(entries: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const entry of entries) {
    const last = lines.length ? lines[lines.length - 1] : null;
    if (last !== null && last.length + 2 + entry.length <= width) lines[lines.length - 1] = `${last}  ${entry}`;
    else lines.push(entry);
  }
  return lines;
}

export function HelpOverlay({width, height, scroll}: {readonly width: number; readonly height: number; readonly scroll: number}) {
  const theme = useTheme();
  const columns = width >= 76 ? 2 : 1;
  const lines = helpLines(theme.capabilities.unicode);
  const legend = packLegend(CELL_STATES.map((s) => `${theme.symbol(s)} ${STATE_WORDS[s]}`), width);
  const legendLines = legend.length;
  const usable = Math.max(1, height - 1 - legendLines);
  const colWidth = Math.floor(width / columns);
  const perColumn = columns === 1 ? usable : Math.ceil(lines.length / 2);
  const start = columns === 1 ? Math.max(0, Math.min(scroll, lines.length - usable)) : 0;
  const more = columns === 1 && start + usable < lines.length ? ` ${theme.arrows.down} more` : '';
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate">
        {truncate(`Keys (any key closes)${more} `, width, theme.ellipsis).padEnd(width, theme.rule)}
      </Text>
      <Box flexDirection="row" height={usable} overflow="hidden">
        {Array.from({length: columns}, (_, c) => (
          <Box key={c} flexDirection="column" width={colWidth}>
            {lines.slice(start + c * perColumn, start + (c + 1) * perColumn).map((line, i) => (
              <Text key={i} bold={line.bold} wrap="truncate">
                {truncate(line.text, colWidth - 1, theme.ellipsis)}
              </Text>
            ))}
          </Box>
        ))}
      </Box>
      {legend.map((line, i) => (
        <Text key={`legend${i}`} wrap="truncate">
          {line}
        </Text>
      ))}
    </Box>
  );
}
