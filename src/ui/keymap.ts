// Every key of the console as one record: its keys, how help and the footer name it, why it cannot
// act now and what it does. Dispatch, the `?` help and the footer all read these records, so a
// binding cannot exist in one and not the others, and the footer offers exactly the keys whose
// reason to be off is null (lazygit's GetDisabledReason, k9s's KeyAction).
import type {IsoDate} from '../dates.js';
import {daysOfMonth} from './coverage-grid.js';
import {askToStart, cancelDialog, cancelRunDialog, quitDialog, rollbackDialog} from './dialogs.js';
import {notify, patchUi, type KeyContext} from './key-context.js';
import {matchesAny, type KeyPress, type KeySpec, type NamedKey} from './key-press.js';
import {scrollLog} from './log-view.js';
import {openRuns} from './runs-view.js';
import {markKey, toggleMark, type Overlay, type UiState} from './ui-state.js';

export type KeyGroup = 'Move' | 'Select' | 'Run' | 'Log' | 'General';

export interface Binding {
  /** A name for tests and for layers that act on a binding's keys (help scrolls with up/down). */
  readonly id: string;
  readonly keys: readonly KeySpec[];
  /** How help and the footer write the keys. */
  readonly label: string;
  /** At most 31 characters: help shows two columns in 80 (79 drawn). */
  readonly description: string;
  readonly group: KeyGroup;
  /** Short word for the footer, shown while the binding is enabled; without one, help only. */
  readonly hint?: string | ((context: KeyContext) => string);
  /** The footer's key label when it differs from help's. */
  readonly hintLabel?: {readonly unicode: string; readonly ascii: string};
  /** Why the key cannot act now (the notice it shows), or null when it can. Absent: always on. */
  readonly disabledReason?: (context: KeyContext) => string | null;
  readonly run: (context: KeyContext) => void;
}

const key = (name: NamedKey): KeySpec => ({key: name});
const char = (input: string): KeySpec => ({input});
const ctrl = (input: string): KeySpec => ({input, ctrl: true});

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));
const open = (c: KeyContext, overlay: Overlay) => patchUi(c, () => ({overlay, overlayScroll: 0}));
const scrollBy = (c: KeyContext, by: number) => patchUi(c, (u) => ({logAnchor: scrollLog(c.logLines(), u.filter, u.logAnchor, by, c.logPage)}));

function moveRow(c: KeyContext, by: number): void {
  if (c.ui.focus === 'log') return scrollBy(c, by);
  patchUi(c, (u) => ({row: clamp(u.row + by, 0, Math.max(0, c.tableCount - 1))}));
}

function moveColumn(c: KeyContext, by: number): void {
  if (c.ui.view === 'drill') return patchUi(c, (u) => ({day: clamp(u.day + by, 0, Math.max(0, c.dayCount - 1))}));
  patchUi(c, (u) => ({col: clamp(u.col + by, 0, Math.max(0, c.monthCount - 1))}));
}

function jump(c: KeyContext, last: boolean): void {
  if (c.ui.view === 'drill') return patchUi(c, () => ({day: last ? Math.max(0, c.dayCount - 1) : 0}));
  patchUi(c, () => ({col: last ? Math.max(0, c.monthCount - 1) : 0}));
}

/** What esc leaves, nearest first; null when there is nothing to go back from. */
function backFrom(u: UiState): Partial<UiState> | null {
  if (u.view === 'drill') return {view: 'grid'};
  if (u.focus === 'log') return {focus: 'grid'};
  if (u.logAnchor !== null) return {logAnchor: null};
  if (u.filter) return {filter: ''};
  if (u.marks.size > 0 || u.months) return {marks: new Set(), months: null};
  return null;
}

const noRun = (c: KeyContext) => (c.runActive ? null : 'no run in flight: select months (m) or cells (space) and press s');

/** Pause, resume and cancel act on the cursor's processor: it must be part of the active run. */
function processorOff(c: KeyContext): string | null {
  const off = noRun(c);
  if (off) return off;
  if (!c.processor) return 'no coverage yet';
  const {name} = c.processor;
  return c.run!.processors.some((p) => p.name === name && p.status !== 'idle') ? null : `${name} is not part of this run`;
}

/** Pauses or resumes the cursor's processor, or every processor. */
const steer = (type: 'pause' | 'resume', every: boolean) => (c: KeyContext) => {
  void c.session.call('intent', {intent: every ? {type} : {type, processor: c.processor!.name}});
  notify(c, `${type === 'pause' ? 'pausing' : 'resuming'} ${every ? 'every processor' : c.processor!.short}`);
};

/** What the grid says about a failed date (the history may not have it: a run before it). */
function knownError(c: KeyContext, date: IsoDate): string | null {
  const row = c.model?.rows[c.ui.row];
  const status = row ? c.model!.dayStatus(row.table, date) : null;
  return status?.state === 'failed' ? status.reason.replace(/^failed: /, '') : null;
}

/** S rebuilds the stale dates of the selection (and, through the cascade, what reads them). */
function staleOff(c: KeyContext): string | null {
  if (c.runActive) return 'a run is already in flight: pause, resume or cancel it, or wait for it';
  if (!c.selection || !c.model) return 'nothing to rebuild: no coverage yet';
  if (c.model.staleUnavailable) return c.model.staleUnavailable;
  return c.model.staleIn(c.selection.tables, c.selection.range) > 0 ? null : `nothing stale in ${c.selection.label}`;
}

const inGridOnly = (what: string) => (c: KeyContext) => (c.ui.view === 'drill' ? `${what} in the grid: esc goes back to it` : null);

export const KEYMAP: readonly Binding[] = [
  {id: 'up', keys: [key('upArrow'), char('k')], label: '↑/k', description: 'previous table / older log line', group: 'Move', run: (c) => moveRow(c, -1)},
  {id: 'down', keys: [key('downArrow'), char('j')], label: '↓/j', description: 'next table / newer log line', group: 'Move', run: (c) => moveRow(c, 1)},
  {
    id: 'left',
    keys: [key('leftArrow'), char('h')],
    label: '←/h',
    description: 'previous month (day in a month)',
    group: 'Move',
    hint: 'move',
    hintLabel: {unicode: '←↑↓→', ascii: 'hjkl'},
    run: (c) => moveColumn(c, -1),
  },
  {id: 'right', keys: [key('rightArrow'), char('l')], label: '→/l', description: 'next month (day in a month)', group: 'Move', run: (c) => moveColumn(c, 1)},
  {id: 'first-month', keys: [key('home')], label: 'home', description: 'first month', group: 'Move', run: (c) => jump(c, false)},
  {id: 'last-month', keys: [key('end')], label: 'end', description: 'last month', group: 'Move', run: (c) => jump(c, true)},
  {
    id: 'drill',
    keys: [key('return')],
    label: 'enter',
    description: 'open the month, or the details',
    group: 'Move',
    hint: (c) => (c.ui.view === 'drill' ? 'details' : 'days'),
    disabledReason: (c) => (c.monthCount === 0 ? 'no coverage yet' : null),
    // In the grid: the month. On a day of the open month: its detail pane (attempts, error, statement).
    run: (c) => {
      const date = c.ui.view === 'drill' && c.model ? daysOfMonth(c.model.months[c.ui.col])[c.ui.day] : undefined;
      if (date && c.processor) return open(c, {kind: 'detail', processor: c.processor.name, date, knownError: knownError(c, date)});
      patchUi(c, () => ({view: 'drill', day: 0, focus: 'grid'}));
    },
  },
  {
    id: 'back',
    keys: [key('escape')],
    label: 'esc',
    description: 'back (close, leave, clear)',
    group: 'Move',
    hint: 'back',
    disabledReason: (c) => (backFrom(c.ui) ? null : 'esc goes back and never quits: q quits'),
    run: (c) => patchUi(c, (u) => backFrom(u) ?? {}),
  },
  {
    id: 'focus',
    keys: [key('tab')],
    label: 'tab',
    description: 'focus the grid or the job log',
    group: 'Move',
    hint: (c) => (c.ui.focus === 'grid' ? 'log' : 'grid'),
    run: (c) => patchUi(c, (u) => ({focus: u.focus === 'grid' ? 'log' : 'grid'})),
  },
  {
    id: 'select-months',
    keys: [char('m')],
    label: 'm',
    description: 'select months: first, then last',
    group: 'Select',
    hint: 'months',
    disabledReason: inGridOnly('months are selected'),
    run: (c) =>
      patchUi(c, (u) => (!u.months || u.months.end !== null ? {marks: new Set(), months: {anchor: u.col, end: null}} : {months: {anchor: u.months.anchor, end: u.col}})),
  },
  {
    id: 'mark-cell',
    keys: [char(' ')],
    label: 'space',
    description: 'mark or unmark the cell',
    group: 'Select',
    hint: 'mark',
    disabledReason: (c) => (c.monthCount === 0 || !c.processor ? 'no coverage yet' : inGridOnly('cells are marked')(c)),
    run: (c) => patchUi(c, (u) => ({months: null, marks: toggleMark(u.marks, markKey(c.processor!.name, c.model!.months[u.col]))})),
  },
  {id: 'clear-selection', keys: [char('x')], label: 'x', description: 'clear the selection', group: 'Select', run: (c) => patchUi(c, () => ({marks: new Set(), months: null}))},
  {
    id: 'start',
    keys: [char('s')],
    label: 's',
    description: 'plan and start the selection',
    group: 'Run',
    hint: 'start',
    disabledReason: (c) => (c.runActive ? 'a run is already in flight: pause, resume or cancel it, or wait for it' : c.selection ? null : 'nothing to run: no coverage yet'),
    run: (c) => askToStart(c, c.selection!),
  },
  {
    id: 'rebuild-stale',
    keys: [char('S')],
    label: 'S',
    description: 'rebuild stale dates (asks)',
    group: 'Run',
    hint: 'stale',
    disabledReason: staleOff,
    run: (c) => askToStart(c, c.selection!, 'stale'),
  },
  {id: 'pause', keys: [char('p')], label: 'p', description: 'pause the selected processor', group: 'Run', hint: 'pause', disabledReason: processorOff, run: steer('pause', false)},
  {id: 'pause-all', keys: [char('P')], label: 'P', description: 'pause every processor', group: 'Run', disabledReason: noRun, run: steer('pause', true)},
  {id: 'resume', keys: [char('r')], label: 'r', description: 'resume the selected processor', group: 'Run', hint: 'resume', disabledReason: processorOff, run: steer('resume', false)},
  {id: 'resume-all', keys: [char('R')], label: 'R', description: 'resume every processor', group: 'Run', disabledReason: noRun, run: steer('resume', true)},
  {
    id: 'cancel',
    keys: [char('c')],
    label: 'c',
    description: 'cancel the processor (asks)',
    group: 'Run',
    hint: 'cancel',
    disabledReason: processorOff,
    run: (c) => open(c, {kind: 'confirm', dialog: cancelDialog(c.processor!)}),
  },
  {id: 'cancel-all', keys: [char('C')], label: 'C', description: 'cancel the whole run (asks)', group: 'Run', disabledReason: noRun, run: (c) => open(c, {kind: 'confirm', dialog: cancelRunDialog()})},
  {
    id: 'validate',
    keys: [char('v')],
    label: 'v',
    description: 'validate the selection',
    group: 'Run',
    hint: 'validate',
    disabledReason: (c) => (c.selection ? null : 'nothing to validate: no coverage yet'),
    run: (c) => {
      const {range, tables, label} = c.selection!;
      void c.session.call('validate', {range, tables});
      patchUi(c, () => ({awaitingValidation: true, notice: `validating ${label}`}));
    },
  },
  {
    id: 'show-validation',
    keys: [char('V')],
    label: 'V',
    description: 'show last validation results',
    group: 'Run',
    hint: 'results',
    disabledReason: (c) => (c.validation ? null : 'no validation results yet: v validates the selection'),
    run: (c) => open(c, {kind: 'validation'}),
  },
  {
    id: 'rollback',
    keys: [char('d')],
    label: 'd',
    description: 'roll back the selection (asks)',
    group: 'Run',
    hint: 'rollback',
    disabledReason: (c) => (c.runActive ? 'cannot roll back while a run is in flight' : c.selection ? null : 'nothing to roll back: no coverage yet'),
    run: (c) => open(c, {kind: 'confirm', dialog: rollbackDialog(c.selection!)}),
  },
  {id: 'runs', keys: [char('u')], label: 'u', description: 'runs: history and undo', group: 'Run', run: (c) => openRuns(c)},
  {
    id: 'refresh',
    keys: [ctrl('r')],
    label: '^R',
    description: 'refresh coverage',
    group: 'General',
    run: (c) => {
      void c.session.call('refresh', {});
      notify(c, 'refreshing coverage');
    },
  },
  {id: 'log-older', keys: [key('pageUp')], label: 'pgup', description: 'scroll the job log back', group: 'Log', run: (c) => scrollBy(c, -c.logPage)},
  {id: 'log-newer', keys: [key('pageDown')], label: 'pgdn', description: 'scroll the job log forward', group: 'Log', run: (c) => scrollBy(c, c.logPage)},
  {id: 'filter-log', keys: [char('/')], label: '/', description: 'filter the job log (esc clears)', group: 'Log', hint: 'filter', run: (c) => patchUi(c, () => ({editingFilter: true}))},
  {id: 'help', keys: [char('?')], label: '?', description: 'this help (other keys close)', group: 'General', hint: 'help', run: (c) => open(c, {kind: 'help'})},
  {
    id: 'quit',
    keys: [char('q')],
    label: 'q',
    description: 'quit (asks if a run is active)',
    group: 'General',
    hint: 'quit',
    run: (c) => (c.runActive ? open(c, {kind: 'confirm', dialog: quitDialog()}) : c.quit('detach', 'quit')),
  },
  {
    id: 'interrupt',
    keys: [ctrl('c')],
    label: '^C',
    description: 'quit now (a run is detached)',
    group: 'General',
    // While closing (a first Ctrl+C, or q) a second one leaves without waiting for the session.
    run: (c) => (c.ui.overlay?.kind === 'closing' ? c.forceExit() : c.quit('detach', c.runActive ? 'detach' : 'quit')),
  },
];

export function bindingOf(id: string): Binding {
  const binding = KEYMAP.find((b) => b.id === id);
  if (!binding) throw new Error(`no binding ${id}`);
  return binding;
}

/** The binding of a key press, if any. */
export const bindingFor = (press: KeyPress): Binding | undefined => KEYMAP.find((b) => matchesAny(b.keys, press));

export const disabledReason = (binding: Binding, context: KeyContext): string | null => binding.disabledReason?.(context) ?? null;

/** Runs the binding, or says why it cannot act now. */
export function actOn(binding: Binding, context: KeyContext): void {
  const reason = disabledReason(binding, context);
  if (reason) notify(context, reason);
  else binding.run(context);
}

/** The footer: the hints of the bindings that are enabled now, in keymap order. */
export function footerHints(context: KeyContext, unicode = true): {label: string; hint: string}[] {
  return KEYMAP.filter((b) => b.hint && !disabledReason(b, context)).map((b) => ({
    label: b.hintLabel ? b.hintLabel[unicode ? 'unicode' : 'ascii'] : keyLabel(b.label, unicode),
    hint: typeof b.hint === 'function' ? b.hint(context) : b.hint!,
  }));
}

const ASCII_KEYS: Record<string, string> = {'↑': 'up', '↓': 'down', '←': 'left', '→': 'right'};

/** Key labels without arrows for terminals that cannot draw them. */
export function keyLabel(label: string, unicode: boolean): string {
  return unicode ? label : label.replace(/[↑↓←→]/g, (arrow) => ASCII_KEYS[arrow]);
}
