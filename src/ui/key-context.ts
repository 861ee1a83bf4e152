// What a key's handler (a binding, a dialog choice, a layer) sees: the console's facts at the
// moment of this key and the ways to act. Built once per key from what the App hands over, so
// the footer (at render) and dispatch (at the key) judge a binding on the same context.
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import {isRunActive, type RunSnapshot} from '../runner/types.js';
import type {Session} from '../session/types.js';
import type {ValidationReport} from '../validation/types.js';
import {daysOfMonth, type GridModel} from './coverage-grid.js';
import {shortMonth} from './format.js';
import type {LogLine} from './log-format.js';
import {selectionOf, type Selection, type UiState} from './ui-state.js';

export type ConsoleExit = 'quit' | 'detach' | 'cancel';

/** What the App gives the key handling at each render. */
export interface KeyEnvironment {
  readonly session: Session;
  /** The latest UI state: keys typed ahead in one chunk each see the previous one's effect. */
  readonly getUi: () => UiState;
  /** Applies at once to getUi() (and re-renders). */
  readonly setUi: (update: (ui: UiState) => UiState) => void;
  readonly model: GridModel | null;
  readonly run: RunSnapshot | null;
  readonly validation: ValidationReport | null;
  readonly selectionOf: (ui: UiState) => Selection | null;
  readonly logLines: () => readonly LogLine[];
  readonly logPage: number;
  /** Closes the session (the one place that does) and exits once it is closed. */
  readonly quit: (mode: 'detach' | 'cancel', result: ConsoleExit) => void;
  /** Exits at once, the session still closing (a second Ctrl+C). */
  readonly forceExit: () => void;
}

export interface KeyContext extends KeyEnvironment {
  /** The UI state this key found. */
  readonly ui: UiState;
  readonly runActive: boolean;
  /** What s, v and d act on; null before the coverage arrives. */
  readonly selection: Selection | null;
  /** The processor on the cursor's row; null before the coverage arrives. */
  readonly processor: {readonly name: DerivedTableName; readonly short: string} | null;
  readonly tableCount: number;
  readonly monthCount: number;
  /** Days of the open month (0 in the grid). */
  readonly dayCount: number;
}

/** What s, v and d act on for a UI state, over this grid (null before the coverage arrives). */
export function selectionReader(model: GridModel | null, rangeStart: IsoDate | null, boundary: IsoDate): (ui: UiState) => Selection | null {
  if (!model || rangeStart === null) return () => null;
  const tables = model.rows.map((r) => r.table);
  const {months} = model;
  return (ui) => {
    const days = ui.view === 'drill' ? daysOfMonth(months[ui.col]) : [];
    return selectionOf(ui, {tables, months, rangeStart, boundary, day: days[ui.day] ?? null}, shortMonth);
  };
}

export function keyContext(env: KeyEnvironment): KeyContext {
  const ui = env.getUi();
  const {model} = env;
  const table = model?.rows[ui.row]?.table;
  return {
    ...env,
    ui,
    runActive: isRunActive(env.run),
    selection: env.selectionOf(ui),
    processor: table ? {name: table.name, short: table.short} : null,
    tableCount: model?.rows.length ?? 0,
    monthCount: model?.months.length ?? 0,
    dayCount: model && ui.view === 'drill' ? daysOfMonth(model.months[ui.col]).length : 0,
  };
}

/** Changes some fields of the UI state, computed from the latest state. */
export const patchUi = (context: KeyContext, change: (ui: UiState) => Partial<UiState>): void => context.setUi((u) => ({...u, ...change(u)}));

/** The footer's notice line: what the last key did, or why it could not. */
export const notify = (context: KeyContext, text: string | null): void => patchUi(context, () => ({notice: text}));
