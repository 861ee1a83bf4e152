// Turns key presses into UI state changes and session intents. The order of precedence is the
// dialog stack: Ctrl+C (always) > closing > confirmation > help > filter editing > result panes >
// the keymap.
import {useInput, useStdin, type Key} from 'ink';
import type {DerivedTableName} from '../catalog/types.js';
import type {RunSnapshot} from '../runner/types.js';
import type {Session} from '../session/types.js';
import type {GridModel} from './coverage-grid.js';
import {daysOfMonth} from './coverage-grid.js';
import {dialogFor} from './dialogs.js';
import {actionFor, choiceFor, type Action} from './keymap.js';
import type {LogLine} from './log-format.js';
import {scrollLog} from './components/JobLog.js';
import {markKey, toggleMark, type PreviewState, type Selection, type UiState} from './ui-state.js';

export type ConsoleExit = 'quit' | 'detach' | 'cancel';

export interface KeyEnvironment {
  readonly session: Session;
  /** The latest UI state: keys typed ahead in one chunk each see the previous one's effect. */
  readonly getUi: () => UiState;
  /** Applies at once to getUi() (and re-renders). */
  readonly setUi: (update: (ui: UiState) => UiState) => void;
  readonly model: GridModel | null;
  readonly run: RunSnapshot | null;
  readonly hasValidation: boolean;
  readonly selectionOf: (ui: UiState) => Selection | null;
  readonly logLines: () => readonly LogLine[];
  readonly logPage: number;
  readonly quit: (mode: 'detach' | 'cancel', result: ConsoleExit) => void;
  readonly forceExit: () => void;
}

export function isRunActive(run: RunSnapshot | null): boolean {
  return run !== null && (run.state === 'running' || run.state === 'stopping');
}

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));
const notice = (text: string | null) => (ui: UiState): UiState => ({...ui, notice: text});

function processorAt(env: KeyEnvironment): {name: DerivedTableName; short: string} | null {
  const table = env.model?.rows[env.getUi().row]?.table;
  return table ? {name: table.name, short: table.short} : null;
}

/** Checks that a processor intent can apply; returns the reason when it cannot. */
function processorProblem(env: KeyEnvironment, name: DerivedTableName | undefined): string | null {
  if (!isRunActive(env.run)) return 'no run in flight: select months (m) or cells (space) and press s';
  if (name && !env.run!.processors.some((p) => p.name === name && p.status !== 'idle')) return `${name} is not part of this run`;
  return null;
}

function runAction(action: Action, env: KeyEnvironment): void {
  const {setUi, session, model} = env;
  const ui = env.getUi();
  const selection = env.selectionOf(ui);
  const tableCount = model?.rows.length ?? 0;
  const monthCount = model?.months.length ?? 0;
  const dayCount = model && ui.view === 'drill' ? daysOfMonth(model.months[ui.col]).length : 0;
  const selected = processorAt(env);
  const runActive = isRunActive(env.run);

  switch (action) {
    case 'up':
    case 'down': {
      const by = action === 'up' ? -1 : 1;
      if (ui.focus === 'log') return setUi((u) => ({...u, logAnchor: scrollLog(env.logLines(), u.filter, u.logAnchor, by, env.logPage)}));
      return setUi((u) => ({...u, row: clamp(u.row + by, 0, Math.max(0, tableCount - 1))}));
    }
    case 'left':
    case 'right': {
      const by = action === 'left' ? -1 : 1;
      if (ui.view === 'drill') return setUi((u) => ({...u, day: clamp(u.day + by, 0, Math.max(0, dayCount - 1))}));
      return setUi((u) => ({...u, col: clamp(u.col + by, 0, Math.max(0, monthCount - 1))}));
    }
    case 'first-month':
    case 'last-month': {
      const last = action === 'last-month';
      if (ui.view === 'drill') return setUi((u) => ({...u, day: last ? Math.max(0, dayCount - 1) : 0}));
      return setUi((u) => ({...u, col: last ? Math.max(0, monthCount - 1) : 0}));
    }
    case 'drill':
      if (!model || monthCount === 0) return setUi(notice('no coverage yet'));
      return setUi((u) => ({...u, view: 'drill', day: 0, focus: 'grid'}));
    case 'back':
      return setUi((u) => {
        if (u.view === 'drill') return {...u, view: 'grid'};
        if (u.focus === 'log') return {...u, focus: 'grid'};
        if (u.logAnchor !== null) return {...u, logAnchor: null};
        if (u.filter) return {...u, filter: ''};
        if (u.marks.size > 0 || u.months) return {...u, marks: new Set(), months: null};
        return {...u, notice: 'esc goes back and never quits: q quits'};
      });
    case 'focus':
      return setUi((u) => ({...u, focus: u.focus === 'grid' ? 'log' : 'grid'}));
    case 'log-older':
    case 'log-newer': {
      const by = action === 'log-older' ? -env.logPage : env.logPage;
      return setUi((u) => ({...u, logAnchor: scrollLog(env.logLines(), u.filter, u.logAnchor, by, env.logPage)}));
    }
    case 'filter-log':
      return setUi((u) => ({...u, editingFilter: true}));
    case 'mark-cell':
      if (!model || ui.view !== 'grid' || !selected) return;
      return setUi((u) => ({...u, months: null, marks: toggleMark(u.marks, markKey(selected.name, model.months[u.col]))}));
    case 'select-months':
      if (ui.view !== 'grid') return;
      return setUi((u) => {
        if (!u.months || u.months.end !== null) return {...u, marks: new Set(), months: {anchor: u.col, end: null}};
        return {...u, months: {anchor: u.months.anchor, end: u.col}};
      });
    case 'clear-selection':
      return setUi((u) => ({...u, marks: new Set(), months: null}));
    case 'start': {
      if (runActive) return setUi(notice('a run is already in flight: pause, resume or cancel it, or wait for it'));
      if (!selection) return setUi(notice('nothing to run: no coverage yet'));
      setUi((u) => ({...u, overlay: {kind: 'confirm', confirm: 'start', selection, preview: null}}));
      // The plan (and BigQuery's estimate) fills the dialog when it arrives, if it is still open.
      const settle = (preview: PreviewState) =>
        setUi((u) => (u.overlay?.kind === 'confirm' && u.overlay.selection === selection ? {...u, overlay: {...u.overlay, preview}} : u));
      session.call('preview', {request: {range: selection.range, processors: selection.tables}}).then(settle, (error: unknown) => settle({error: error instanceof Error ? error.message : String(error)}));
      return;
    }
    case 'pause':
    case 'resume': {
      const problem = processorProblem(env, selected?.name);
      if (problem) return setUi(notice(problem));
      void session.call('intent', {intent: {type: action, processor: selected!.name}});
      return setUi(notice(`${action === 'pause' ? 'pausing' : 'resuming'} ${selected!.short}`));
    }
    case 'pause-all':
    case 'resume-all': {
      const problem = processorProblem(env, undefined);
      if (problem) return setUi(notice(problem));
      void session.call('intent', {intent: {type: action === 'pause-all' ? 'pause' : 'resume'}});
      return setUi(notice(action === 'pause-all' ? 'pausing every processor' : 'resuming every processor'));
    }
    case 'cancel':
    case 'cancel-all': {
      const problem = processorProblem(env, action === 'cancel' ? selected?.name : undefined);
      if (problem) return setUi(notice(problem));
      return setUi((u) => ({...u, overlay: {kind: 'confirm', confirm: action, processor: action === 'cancel' ? selected!.name : undefined}}));
    }
    case 'validate': {
      if (!selection) return setUi(notice('nothing to validate: no coverage yet'));
      void session.call('validate', {range: selection.range, tables: selection.tables});
      return setUi((u) => ({...u, awaitingValidation: true, notice: `validating ${selection!.label}`}));
    }
    case 'show-validation':
      if (!env.hasValidation) return setUi(notice('no validation results yet: v validates the selection'));
      return setUi((u) => ({...u, overlay: {kind: 'validation'}, overlayScroll: 0}));
    case 'rollback': {
      if (runActive) return setUi(notice('cannot roll back while a run is in flight'));
      if (!selection) return setUi(notice('nothing to roll back: no coverage yet'));
      return setUi((u) => ({...u, overlay: {kind: 'confirm', confirm: 'rollback', selection}}));
    }
    case 'refresh':
      void session.call('refresh', {});
      return setUi(notice('refreshing coverage'));
    case 'help':
      return setUi((u) => ({...u, overlay: {kind: 'help'}, overlayScroll: 0}));
    case 'quit':
      if (runActive) return setUi((u) => ({...u, overlay: {kind: 'confirm', confirm: 'quit'}}));
      return env.quit('detach', 'quit');
    case 'interrupt':
      return env.quit('detach', runActive ? 'detach' : 'quit');
  }
}

/**
 * y on the start dialog: the session runs the plan on screen (by its id) or, when the warehouse
 * changed since, starts nothing and sends the new plan, which the dialog shows to ask again.
 */
function startShownPlan(env: KeyEnvironment, selection: Selection, preview: PreviewState | undefined): void {
  const planId = preview && 'planId' in preview ? preview.planId : undefined;
  env.session.call('start', {request: {range: selection.range, processors: selection.tables}, planId}).then(
    (reply) => {
      if (reply.started) return;
      const replanned = reply.preview;
      env.setUi((u) => (replanned && u.overlay === null ? {...u, notice: reply.reason, overlay: {kind: 'confirm', confirm: 'start', selection, preview: replanned}} : {...u, notice: reply.reason}));
    },
    (error: unknown) => env.setUi(notice(`cannot start: ${error instanceof Error ? error.message : String(error)}`)),
  );
}

function answerDialog(input: string, key: Key, env: KeyEnvironment): void {
  const overlay = env.getUi().overlay;
  if (overlay?.kind !== 'confirm') return;
  const choice = choiceFor(dialogFor(overlay.confirm, overlay.selection, overlay.processor, overlay.preview).choices, input, key);
  if (!choice) return;
  const close = (text: string | null) => env.setUi((u) => ({...u, overlay: null, notice: text}));
  if (choice.value === 'dismiss') return close(null);
  switch (overlay.confirm) {
    case 'start': {
      const s = overlay.selection!;
      startShownPlan(env, s, overlay.preview);
      return close(`starting ${s.label} (${s.range.start}..${s.range.end})`);
    }
    case 'cancel':
      void env.session.call('intent', {intent: {type: 'cancel', processor: overlay.processor}});
      return close(`cancelling ${overlay.processor}`);
    case 'cancel-all':
      void env.session.call('intent', {intent: {type: 'cancel'}});
      return close('cancelling the run');
    case 'rollback': {
      const s = overlay.selection!;
      void env.session.call('rollback', {range: s.range, tables: s.tables, rerun: choice.value === 'rerun'});
      return close(`rolling back ${s.label}${choice.value === 'rerun' ? ' and re-running it' : ''}`);
    }
    case 'quit':
      return env.quit(choice.value === 'cancel-run' ? 'cancel' : 'detach', choice.value === 'cancel-run' ? 'cancel' : 'detach');
  }
}

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** What Ink would have reported for this character pressed alone. */
function keyOfChar(char: string): Key {
  if (char === '\r' || char === '\n') return {...NO_KEY, return: true};
  if (char === '\t') return {...NO_KEY, tab: true};
  if (char === '\u007F' || char === '\b') return {...NO_KEY, backspace: true};
  if (char === '\u001B') return {...NO_KEY, escape: true};
  return {...NO_KEY, shift: char !== char.toLowerCase()};
}

export function handleKey(input: string, key: Key, env: KeyEnvironment): void {
  // Keys typed ahead (fast typing over SSH, tmux send-keys) arrive as one chunk: take them one by one.
  if (input.length > 1 && !key.ctrl && !key.meta) {
    for (const char of input) handleKey(char, keyOfChar(char), env);
    return;
  }
  const {setUi} = env;
  const ui = env.getUi();
  const action = actionFor(input, key);
  if (action === 'interrupt') {
    if (ui.overlay?.kind === 'closing') return env.forceExit();
    return runAction('interrupt', env);
  }
  if (ui.overlay?.kind === 'closing') return;
  if (ui.notice) setUi(notice(null));
  if (ui.overlay?.kind === 'confirm') return answerDialog(input, key, env);
  if (ui.overlay?.kind === 'help') {
    if (action === 'up' || action === 'down') return setUi((u) => ({...u, overlayScroll: Math.max(0, u.overlayScroll + (action === 'up' ? -1 : 1))}));
    return setUi((u) => ({...u, overlay: null}));
  }
  if (ui.editingFilter) {
    if (key.escape) return setUi((u) => ({...u, editingFilter: false, filter: '', logAnchor: null}));
    if (key.return) return setUi((u) => ({...u, editingFilter: false}));
    if (key.backspace || key.delete) return setUi((u) => ({...u, filter: u.filter.slice(0, -1), logAnchor: null}));
    if (input && !key.ctrl && !key.meta && !/[\x00-\x1f]/.test(input)) return setUi((u) => ({...u, filter: u.filter + input, logAnchor: null}));
    return;
  }
  if (ui.overlay?.kind === 'validation') {
    if (action === 'up' || action === 'down') return setUi((u) => ({...u, overlayScroll: Math.max(0, u.overlayScroll + (action === 'up' ? -1 : 1))}));
    if (action === 'back' || action === 'show-validation') return setUi((u) => ({...u, overlay: null}));
  }
  if (ui.overlay?.kind === 'summary') {
    const run = ui.overlay.snapshot;
    if (input === 'v' && run.range) {
      const tables = run.processors.filter((p) => p.status !== 'idle').map((p) => p.name);
      void env.session.call('validate', {range: run.range, tables});
      return setUi((u) => ({...u, overlay: null, awaitingValidation: true, notice: `validating ${run.range!.start}..${run.range!.end}`}));
    }
    setUi((u) => ({...u, overlay: null}));
    if (action === 'back') return;
  }
  if (action) runAction(action, env);
}

/** Listens to the keyboard only when stdin is a terminal (Ink throws otherwise). */
export function useConsoleKeys(env: KeyEnvironment): void {
  const {isRawModeSupported} = useStdin();
  useInput((input, key) => handleKey(input, key, env), {isActive: isRawModeSupported === true});
}
