// Every key of the console as data: key → action → description. Dispatch, the `?` help and the
// footer hints all read this one table, so a binding cannot exist in one and not the others.
import type {Key} from 'ink';

export type Action =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'first-month'
  | 'last-month'
  | 'mark-cell'
  | 'select-months'
  | 'clear-selection'
  | 'drill'
  | 'back'
  | 'focus'
  | 'log-older'
  | 'log-newer'
  | 'filter-log'
  | 'start'
  | 'pause'
  | 'pause-all'
  | 'resume'
  | 'resume-all'
  | 'cancel'
  | 'cancel-all'
  | 'validate'
  | 'show-validation'
  | 'rollback'
  | 'refresh'
  | 'help'
  | 'quit'
  | 'interrupt';

type NamedKey = 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'tab';

export type KeySpec = {readonly input: string; readonly ctrl?: boolean} | {readonly key: NamedKey};

/** What the bindings' `when` looks at: the view the operator is in and what is possible now. */
export interface KeyContext {
  readonly view: 'grid' | 'drill';
  readonly focus: 'grid' | 'log';
  readonly runActive: boolean;
  readonly hasSelection: boolean;
  readonly hasValidation: boolean;
}

export type KeyGroup = 'Move' | 'Select' | 'Run' | 'Log' | 'General';

export interface Binding {
  readonly action: Action;
  readonly keys: readonly KeySpec[];
  /** How help and the footer write the keys. */
  readonly label: string;
  /** At most 31 characters: help shows two columns in 80 (79 drawn). */
  readonly description: string;
  readonly group: KeyGroup;
  /** Short word for the footer; bindings without one appear only in help. */
  readonly hint?: string;
  /** When the footer shows the hint (dispatch works regardless: a key that cannot act says why). */
  readonly when?: (context: KeyContext) => boolean;
}

const key = (name: NamedKey): KeySpec => ({key: name});
const char = (input: string): KeySpec => ({input});
const ctrl = (input: string): KeySpec => ({input, ctrl: true});

export const KEYMAP: readonly Binding[] = [
  {action: 'up', keys: [key('upArrow'), char('k')], label: '↑/k', description: 'previous table / older log line', group: 'Move'},
  {action: 'down', keys: [key('downArrow'), char('j')], label: '↓/j', description: 'next table / newer log line', group: 'Move'},
  {action: 'left', keys: [key('leftArrow'), char('h')], label: '←/h', description: 'previous month (day in a month)', group: 'Move', hint: 'move', when: (c) => c.focus === 'grid'},
  {action: 'right', keys: [key('rightArrow'), char('l')], label: '→/l', description: 'next month (day in a month)', group: 'Move'},
  {action: 'first-month', keys: [key('home')], label: 'home', description: 'first month', group: 'Move'},
  {action: 'last-month', keys: [key('end')], label: 'end', description: 'last month', group: 'Move'},
  {action: 'drill', keys: [key('return')], label: 'enter', description: 'open the month: days per table', group: 'Move', hint: 'days', when: (c) => c.view === 'grid' && c.focus === 'grid'},
  {action: 'back', keys: [key('escape')], label: 'esc', description: 'back (close, leave, clear)', group: 'Move', hint: 'back', when: (c) => c.view === 'drill' || c.hasSelection},
  {action: 'focus', keys: [key('tab')], label: 'tab', description: 'focus the grid or the job log', group: 'Move', hint: 'log', when: (c) => c.focus === 'grid'},
  {action: 'select-months', keys: [char('m')], label: 'm', description: 'select months: first, then last', group: 'Select', hint: 'months', when: (c) => c.view === 'grid'},
  {action: 'mark-cell', keys: [char(' ')], label: 'space', description: 'mark or unmark the cell', group: 'Select', hint: 'mark', when: (c) => c.view === 'grid'},
  {action: 'clear-selection', keys: [char('x')], label: 'x', description: 'clear the selection', group: 'Select'},
  {action: 'start', keys: [char('s')], label: 's', description: 'plan and start the selection', group: 'Run', hint: 'start', when: (c) => !c.runActive},
  {action: 'pause', keys: [char('p')], label: 'p', description: 'pause the selected processor', group: 'Run', hint: 'pause', when: (c) => c.runActive},
  {action: 'pause-all', keys: [char('P')], label: 'P', description: 'pause every processor', group: 'Run'},
  {action: 'resume', keys: [char('r')], label: 'r', description: 'resume the selected processor', group: 'Run', hint: 'resume', when: (c) => c.runActive},
  {action: 'resume-all', keys: [char('R')], label: 'R', description: 'resume every processor', group: 'Run'},
  {action: 'cancel', keys: [char('c')], label: 'c', description: 'cancel the processor (asks)', group: 'Run', hint: 'cancel', when: (c) => c.runActive},
  {action: 'cancel-all', keys: [char('C')], label: 'C', description: 'cancel the whole run (asks)', group: 'Run'},
  {action: 'validate', keys: [char('v')], label: 'v', description: 'validate the selection', group: 'Run', hint: 'validate', when: (c) => !c.runActive},
  {action: 'show-validation', keys: [char('V')], label: 'V', description: 'show last validation results', group: 'Run', hint: 'results', when: (c) => c.hasValidation},
  {action: 'rollback', keys: [char('d')], label: 'd', description: 'roll back the selection (asks)', group: 'Run', hint: 'rollback', when: (c) => !c.runActive},
  {action: 'refresh', keys: [ctrl('r')], label: '^R', description: 'refresh coverage', group: 'General'},
  {action: 'log-older', keys: [key('pageUp')], label: 'pgup', description: 'scroll the job log back', group: 'Log'},
  {action: 'log-newer', keys: [key('pageDown')], label: 'pgdn', description: 'scroll the job log forward', group: 'Log'},
  {action: 'filter-log', keys: [char('/')], label: '/', description: 'filter the job log (esc clears)', group: 'Log', hint: 'filter'},
  {action: 'help', keys: [char('?')], label: '?', description: 'this help (other keys close)', group: 'General', hint: 'help'},
  {action: 'quit', keys: [char('q')], label: 'q', description: 'quit (asks if a run is active)', group: 'General', hint: 'quit'},
  {action: 'interrupt', keys: [ctrl('c')], label: '^C', description: 'quit now (a run is detached)', group: 'General'},
];

function matches(spec: KeySpec, input: string, pressed: Key): boolean {
  if ('key' in spec) return pressed[spec.key];
  return spec.input === input && Boolean(spec.ctrl) === pressed.ctrl && !pressed.meta;
}

/** The action bound to a key press, if any. */
export function actionFor(input: string, pressed: Key): Action | undefined {
  return KEYMAP.find((binding) => binding.keys.some((spec) => matches(spec, input, pressed)))?.action;
}

export function bindingOf(action: Action): Binding {
  return KEYMAP.find((b) => b.action === action)!;
}

/** The footer: hints that apply now, in keymap order. */
export function footerHints(context: KeyContext): {label: string; hint: string}[] {
  return KEYMAP.filter((b) => b.hint && (!b.when || b.when(context))).map((b) => ({
    label: b.action === 'left' ? '←↑↓→' : b.label,
    hint: b.hint!,
  }));
}

/** A dialog's choices, also data: the dialog renders them and dispatch reads them. */
export interface DialogChoice<T extends string> {
  readonly input: string;
  readonly label: string;
  readonly value: T;
}

export function choiceFor<T extends string>(choices: readonly DialogChoice<T>[], input: string, pressed: Key): DialogChoice<T> | undefined {
  if (pressed.escape) return choices.find((c) => c.input === 'esc');
  return choices.find((c) => c.input === input && !pressed.ctrl);
}

const ASCII_KEYS: Record<string, string> = {'↑': 'up', '↓': 'down', '←': 'left', '→': 'right'};

/** Key labels without arrows for terminals that cannot draw them. */
export function keyLabel(label: string, unicode: boolean): string {
  return unicode ? label : label.replace(/[↑↓←→]/g, (arrow) => ASCII_KEYS[arrow]);
}
