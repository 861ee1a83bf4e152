// The runs view: the run history newest first, three lines a run (what it was and how it ended,
// what it did, what it changed or why it cannot be undone), the selected one marked; u asks to
// undo it. Symbols and words say the state, not only colours.
import {Box, Text} from 'ink';
import {changeSummary} from '../../undo/changes.js';
import {requestText, type RunListing} from '../../undo/runs-view.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

const LINES_PER_RUN = 3;

/** The three lines of one run (without the selection marker). */
export function runLines(run: RunListing): string[] {
  const started = run.started ? run.started.slice(5, 16).replace('T', ' ') : '?';
  const verdict = run.undoable ? 'undoable' : 'not undoable';
  const third = run.kind === 'undo' || !run.undoable ? `not undoable: ${run.why}` : `changes: ${changeSummary(run.changes)}`;
  return [`${run.id}  ${run.outcome}  ${started}  ${verdict}`, `  ${requestText(run)}`, `  ${third}`];
}

export function RunsPane({runs, selected, error, width, height}: {readonly runs: readonly RunListing[] | null; readonly selected: number; readonly error: string | null; readonly width: number; readonly height: number}) {
  const theme = useTheme();
  const title = `Runs, newest first  ${theme.arrows.up}${theme.arrows.down} select  u: undo  esc: close `;
  const room = Math.max(1, Math.floor((height - 1) / LINES_PER_RUN));
  const first = runs ? Math.max(0, Math.min(selected - room + 1, runs.length - room, selected)) : 0;
  const body: {text: string; selected: boolean; undoable: boolean}[] = [];
  if (error) body.push({text: `could not list the runs: ${error}`, selected: false, undoable: false});
  else if (!runs) body.push({text: 'asking the warehouse for the run history...', selected: false, undoable: false});
  else if (runs.length === 0) body.push({text: 'no runs yet on this warehouse', selected: false, undoable: false});
  else {
    for (const [i, run] of runs.slice(first, first + room).entries()) {
      const at = first + i === selected;
      runLines(run).forEach((line, n) => body.push({text: `${n === 0 ? (at ? `${theme.arrows.right} ` : '  ') : '  '}${line}`, selected: at, undoable: run.undoable}));
    }
  }
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate">
        {truncate(title, width, theme.ellipsis).padEnd(width, theme.rule)}
      </Text>
      {body.slice(0, Math.max(0, height - 1)).map((line, i) => (
        <Text key={i} wrap="truncate" inverse={line.selected} color={theme.color(line.undoable ? undefined : 'gray')}>
          {truncate(line.text, width, theme.ellipsis)}
        </Text>
      ))}
    </Box>
  );
}
