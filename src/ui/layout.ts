// How the terminal's lines and columns are shared between panes. The live frame is kept one line
// shorter than the terminal: Ink clears the whole screen (flicker, lost scrollback) on every frame
// that is as tall as the terminal.

export const MIN_COLUMNS = 50;
export const MIN_ROWS = 20;

/** Lines of the grid view and of the month view (they swap in place). */
export const TOP_HEIGHT = 14;

export interface Layout {
  readonly columns: number;
  readonly frameHeight: number;
  readonly tooSmall: boolean;
  /** Lines below the grid: processors and log (titles included), or a dialog. */
  readonly lowerHeight: number;
  /** Content lines (titles excluded). */
  readonly processorLines: number;
  readonly logLines: number;
  /** Lines of the help overlay (everything between status bar and footer). */
  readonly bodyHeight: number;
}

export function computeLayout(columns: number, rows: number, focus: 'grid' | 'log', processorCount = 10): Layout {
  const frameHeight = Math.max(1, rows - 1);
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const bodyHeight = Math.max(0, frameHeight - 2);
  const lowerHeight = Math.max(0, bodyHeight - TOP_HEIGHT);
  const content = Math.max(0, lowerHeight - 2);
  let processorLines: number;
  if (focus === 'log' && content < 12) processorLines = Math.min(1, content);
  else processorLines = Math.min(Math.max(1, processorCount), Math.ceil(content / 2));
  return {columns, frameHeight, tooSmall, lowerHeight, processorLines, logLines: content - processorLines, bodyHeight};
}
