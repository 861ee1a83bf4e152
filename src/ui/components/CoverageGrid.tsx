// The coverage grid: a row per derived table grouped by phase (a phase total row heads each group),
// a column per month scrolled horizontally to keep the cursor in view, and a total column.
import {Box, Text} from 'ink';
import {Fragment, memo, useRef} from 'react';
import type {Cell, GridModel} from '../coverage-grid.js';
import {shortMonth, truncate} from '../format.js';
import {markKey} from '../ui-state.js';
import {useTheme, type Theme} from '../theme.js';

export const LABEL_WIDTH = 8;
export const CELL_WIDTH = 7;
export const TOTAL_WIDTH = 12;

/** How many month columns fit in `width`. */
export function visibleMonths(width: number): number {
  return Math.max(1, Math.floor((width - LABEL_WIDTH - TOTAL_WIDTH) / CELL_WIDTH));
}

/** Keeps the cursor in view, moving the window as little as possible. */
export function scrollWindow(count: number, visible: number, cursor: number, previous: number): number {
  let offset = Math.min(previous, Math.max(0, count - visible));
  if (cursor < offset) offset = cursor;
  if (cursor >= offset + visible) offset = cursor - visible + 1;
  return Math.max(0, offset);
}

/**
 * `✓27/27` for a table's month; phase rows sum five tables, so they show a percentage. A stale
 * cell counts its stale dates instead: `≈12/27`, 12 of the month's 27 game dates stale (`≈ 3%`
 * of a phase's table-dates, rounded up so that one stale date never reads as 0%).
 */
export function cellText(cell: Cell, theme: Theme, width: number, percent = false): string {
  const count = cell.state === 'stale' ? cell.stale ?? 0 : cell.covered;
  let body: string;
  if (cell.expected === 0) body = '  -';
  else if (percent) body = `${cell.state === 'stale' ? Math.ceil((100 * count) / cell.expected) : Math.floor((100 * count) / cell.expected)}%`.padStart(4);
  else body = `${String(count).padStart(2)}/${cell.expected}`;
  return `${theme.symbol(cell.state)}${body}`.padEnd(width);
}

/** The total column: `✓98/98`, or for a stale total `≈51/98` (stale dates of the table's game dates). */
export function totalText(cell: Cell, theme: Theme): string {
  return `${theme.symbol(cell.state)}${cell.state === 'stale' ? cell.stale ?? 0 : cell.covered}/${cell.expected}`;
}

interface RowProps {
  readonly label: string;
  readonly cells: readonly Cell[];
  readonly total: Cell;
  readonly selectedCol: number | null;
  readonly marked: readonly boolean[];
  readonly bold: boolean;
  readonly percent: boolean;
}

/** What a row shows, as one string: rows whose signature did not change skip rendering. */
function rowSignature(p: RowProps): string {
  const cells = p.cells.map((c, i) => `${c.state}${c.covered}/${c.expected}s${c.stale ?? 0}${p.marked[i] ? '*' : ''}`).join(',');
  return `${p.label}|${cells}|${p.total.state}${p.total.covered}/${p.total.expected}s${p.total.stale ?? 0}|${p.selectedCol}|${p.bold}|${p.percent}`;
}

// A row is one Text with nested, styled pieces: Ink squashes it into one string, so the grid costs
// one layout node and one write per row on every frame instead of one per cell.
const GridRowView = memo(function GridRowView({label, cells, total, selectedCol, marked, bold, percent}: RowProps) {
  const theme = useTheme();
  return (
    <Box height={1}>
      <Text bold={bold} wrap="truncate">
        {label.padEnd(LABEL_WIDTH)}
        {cells.map((cell, i) => (
          <Fragment key={i}>
            <Text color={theme.stateColor(cell.state)} inverse={i === selectedCol} underline={marked[i]}>
              {cellText(cell, theme, CELL_WIDTH - 1, percent)}
            </Text>{' '}
          </Fragment>
        ))}
        <Text color={theme.stateColor(total.state)}>{totalText(total, theme).padEnd(TOTAL_WIDTH - 1)}</Text>
      </Text>
    </Box>
  );
}, (before, after) => rowSignature(before) === rowSignature(after));

export interface CoverageGridProps {
  readonly model: GridModel;
  readonly row: number;
  readonly col: number;
  readonly width: number;
  readonly focused: boolean;
  readonly marks: ReadonlySet<string>;
  /** Months selected for every table, inclusive. */
  readonly monthRange: readonly [number, number] | null;
  readonly selectionLabel: string;
}

export function CoverageGrid({model, row, col, width, focused, marks, monthRange, selectionLabel}: CoverageGridProps) {
  const theme = useTheme();
  const offsetRef = useRef(0);
  const visible = visibleMonths(width);
  const offset = scrollWindow(model.months.length, visible, col, offsetRef.current);
  offsetRef.current = offset;
  const months = model.months.slice(offset, offset + visible);
  const inRange = (i: number) => monthRange !== null && i >= monthRange[0] && i <= monthRange[1];
  const more = {left: offset > 0, right: offset + visible < model.months.length};
  const selectedTable = model.rows[row]?.table.name;

  const lines = [];
  for (const group of model.phases) {
    lines.push(
      <GridRowView
        key={`phase${group.phase}`}
        label={`Phase ${group.phase}`}
        cells={group.cells.slice(offset, offset + visible)}
        total={group.total}
        selectedCol={null}
        marked={months.map((_, i) => inRange(offset + i))}
        bold
        percent
      />,
    );
    for (const r of group.rows) {
      const isCursorRow = r.table.name === selectedTable;
      lines.push(
        <GridRowView
          key={r.table.name}
          label={`${isCursorRow ? theme.arrows.right : ' '}${r.table.short}`}
          cells={r.cells.slice(offset, offset + visible)}
          total={r.total}
          selectedCol={isCursorRow && focused ? col - offset : null}
          marked={months.map((m, i) => inRange(offset + i) || marks.has(markKey(r.table.name, m)))}
          bold={false}
          percent={false}
        />,
      );
    }
  }

  return (
    <Box flexDirection="column" height={1 + lines.length + 1}>
      <Box height={1}>
        <Text wrap="truncate">
          {(more.left ? theme.arrows.left : ' ').padEnd(LABEL_WIDTH)}
          {months.map((m, i) => (
            <Fragment key={m}>
              <Text inverse={offset + i === col} underline={inRange(offset + i)}>
                {shortMonth(m).padEnd(CELL_WIDTH - 1)}
              </Text>{' '}
            </Fragment>
          ))}
          {`${more.right ? theme.arrows.right : ' '}total`.padEnd(TOTAL_WIDTH - 1)}
        </Text>
      </Box>
      {lines}
      <Box height={1}>
        <Text wrap="truncate" dimColor={theme.capabilities.color}>
          {truncate(`Selection: ${selectionLabel}`, width, theme.ellipsis)}
        </Text>
      </Box>
    </Box>
  );
}
