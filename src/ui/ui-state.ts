// The console's own state (cursor, selection, view, overlays, log filter) and the selection it
// makes: what the key handlers change and the panes draw. Nothing here calls the session; the
// handlers of bindings and dialog choices do.
import type {DerivedTableName} from '../catalog/types.js';
import {addDays, endOfMonth, type DateRange, type IsoDate} from '../dates.js';
import type {RunSnapshot} from '../runner/types.js';
import type {RunListing} from '../undo/runs-view.js';
import type {Dialog} from './dialogs.js';

/** What covers the panes; each kind has its layer (src/ui/layers.tsx) that takes its keys and draws it. */
export type Overlay =
  | {readonly kind: 'help'}
  | {readonly kind: 'confirm'; readonly dialog: Dialog}
  | {readonly kind: 'validation'}
  | {readonly kind: 'summary'; readonly snapshot: RunSnapshot}
  /** A (table, date)'s attempts, whole error and statement; `knownError` is the grid's word when the history has none. */
  | {readonly kind: 'detail'; readonly processor: DerivedTableName; readonly date: IsoDate; readonly knownError: string | null}
  /** The run history (null while it is asked for), the selected run, and why it could not be read. */
  | {readonly kind: 'runs'; readonly runs: readonly RunListing[] | null; readonly selected: number; readonly error: string | null}
  | {readonly kind: 'closing'; readonly message: string};

export interface UiState {
  readonly row: number;
  readonly col: number;
  /** Day index in the month view. */
  readonly day: number;
  readonly view: 'grid' | 'drill';
  readonly focus: 'grid' | 'log';
  /** Marked cells as `table|YYYY-MM`. */
  readonly marks: ReadonlySet<string>;
  /** Months selected for every table: from `anchor` to `end` (or the cursor while still open). */
  readonly months: {readonly anchor: number; readonly end: number | null} | null;
  readonly overlay: Overlay | null;
  readonly filter: string;
  readonly editingFilter: boolean;
  /** Seq of the newest log line shown while scrolled back; null follows the newest. */
  readonly logAnchor: number | null;
  /** One line of feedback for the last key ("a run is already in flight"). */
  readonly notice: string | null;
  /** Scroll offset inside the validation overlay. */
  readonly overlayScroll: number;
  /** Set when the operator asked for validation; the next report opens the overlay. */
  readonly awaitingValidation: boolean;
}

export function initialUiState(col = 0): UiState {
  return {
    row: 0,
    col,
    day: 0,
    view: 'grid',
    focus: 'grid',
    marks: new Set(),
    months: null,
    overlay: null,
    filter: '',
    editingFilter: false,
    logAnchor: null,
    notice: null,
    overlayScroll: 0,
    awaitingValidation: false,
  };
}

export const markKey = (table: string, month: string) => `${table}|${month}`;

export function toggleMark(marks: ReadonlySet<string>, key: string): ReadonlySet<string> {
  const next = new Set(marks);
  if (!next.delete(key)) next.add(key);
  return next;
}

export interface Selection {
  readonly tables: readonly DerivedTableName[];
  readonly range: DateRange;
  /** For the status line and dialogs: "Dec21-Jan22 all tables". */
  readonly label: string;
  /** True when it came from marks or a month range rather than the cursor. */
  readonly explicit: boolean;
}

export interface SelectionContext {
  readonly tables: readonly {readonly name: DerivedTableName; readonly short: string}[];
  readonly months: readonly string[];
  readonly rangeStart: IsoDate;
  readonly boundary: IsoDate;
  /** Day under the cursor in the month view. */
  readonly day: IsoDate | null;
}

function clampRange(start: IsoDate, end: IsoDate, context: SelectionContext): DateRange {
  const last = addDays(context.boundary, -1);
  return {start: start < context.rangeStart ? context.rangeStart : start, end: end > last ? last : end};
}

function monthsLabel(first: string, last: string, short: (m: string) => string): string {
  return first === last ? short(first) : `${short(first)}-${short(last)}`;
}

/** What s, v and d act on: the month range, else the marked cells, else the cursor's cell (or day). */
export function selectionOf(state: UiState, context: SelectionContext, short: (month: string) => string): Selection | null {
  const {months, tables} = context;
  if (months.length === 0 || tables.length === 0) return null;
  if (state.months) {
    const end = state.months.end ?? state.col;
    const [a, b] = [Math.min(state.months.anchor, end), Math.max(state.months.anchor, end)];
    return {
      tables: tables.map((t) => t.name),
      range: clampRange(`${months[a]}-01`, endOfMonth(months[b]), context),
      label: `${monthsLabel(months[a], months[b], short)} all tables`,
      explicit: true,
    };
  }
  if (state.marks.size > 0) {
    const marked = [...state.marks].map((k) => k.split('|') as [DerivedTableName, string]);
    const chosen = tables.filter((t) => marked.some(([name]) => name === t.name));
    const ms = marked.map(([, m]) => m).sort();
    return {
      tables: chosen.map((t) => t.name),
      range: clampRange(`${ms[0]}-01`, endOfMonth(ms[ms.length - 1]), context),
      label: `${monthsLabel(ms[0], ms[ms.length - 1], short)} ${chosen.map((t) => t.short).join(',')}`,
      explicit: true,
    };
  }
  const table = tables[Math.min(state.row, tables.length - 1)];
  if (state.view === 'drill' && context.day) {
    return {tables: [table.name], range: clampRange(context.day, context.day, context), label: `${context.day} ${table.short}`, explicit: false};
  }
  const month = months[Math.min(state.col, months.length - 1)];
  return {tables: [table.name], range: clampRange(`${month}-01`, endOfMonth(month), context), label: `${short(month)} ${table.short}`, explicit: false};
}
