// Bindings and layers as records: a disabled key says why and is not offered by the footer; the
// footer, the help and dispatch read the same binding; a layer takes a key before the layers
// below it, and a key nobody binds falls through without effect.
import {describe, expect, test} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {helpLines} from '../src/ui/components/HelpOverlay.js';
import {footerOverride, LAYERS} from '../src/ui/layers.js';
import {bindingFor, bindingOf, disabledReason, footerHints, KEYMAP, type Binding} from '../src/ui/keymap.js';
import {pressOfSpec, type KeySpec} from '../src/ui/key-press.js';
import type {UiState} from '../src/ui/ui-state.js';
import type {ValidationReport} from '../src/validation/types.js';
import {coverageOf, FakeSession, progressOf, runOf} from './support/fake-session.js';
import {keyHarness} from './support/key-harness.js';
import {KEYS, renderConsole} from './support/render.js';

const RANGE = {start: '2021-11-01', end: '2022-02-28'};
const REPORT: ValidationReport = {range: {start: '2021-12-01', end: '2021-12-31'}, tables: ['player_game_summary'], passed: true, startedAt: 't', durationMs: 5, results: []};

const SESSIONS = {
  'no coverage yet': () => new FakeSession(),
  idle: () => new FakeSession({coverage: coverageOf(RANGE, {player_game_summary: 'all'})}),
  'idle, with a validation report': () => new FakeSession({coverage: coverageOf(RANGE), validation: REPORT}),
  running: () =>
    new FakeSession({coverage: coverageOf(RANGE), run: runOf({}, DERIVED_TABLES.map((t) => progressOf(t.name, {status: t.phase === 3 ? 'running' : 'queued'})))}),
  // MLFS, the last row, is not part of this run.
  'running without MLFS': () =>
    new FakeSession({coverage: coverageOf(RANGE), run: runOf({}, DERIVED_TABLES.map((t) => progressOf(t.name, {status: t.name === 'ml_feature_store' ? 'idle' : 'queued'})))}),
};
type SessionName = keyof typeof SESSIONS;

/** Where the console is when the key is pressed: a session and the keys typed before. */
const SETUPS: Record<string, {readonly session: SessionName; readonly keys: readonly string[]}> = {
  'no coverage yet': {session: 'no coverage yet', keys: []},
  'idle grid': {session: 'idle', keys: []},
  'idle, a month open': {session: 'idle', keys: [KEYS.enter]},
  running: {session: 'running', keys: []},
  'running, the cursor on MLFS': {session: 'running without MLFS', keys: ['j'.repeat(DERIVED_TABLES.length - 1)]},
};

/** Every binding that can be off, where it is, and (part of) what it says then. */
const DISABLED: readonly {readonly id: string; readonly setup: keyof typeof SETUPS; readonly reason: string}[] = [
  {id: 'drill', setup: 'no coverage yet', reason: 'no coverage yet'},
  {id: 'back', setup: 'idle grid', reason: 'esc goes back and never quits: q quits'},
  {id: 'select-months', setup: 'idle, a month open', reason: 'months are selected in the grid: esc goes back to it'},
  {id: 'mark-cell', setup: 'no coverage yet', reason: 'no coverage yet'},
  {id: 'mark-cell', setup: 'idle, a month open', reason: 'cells are marked in the grid: esc goes back to it'},
  {id: 'start', setup: 'no coverage yet', reason: 'nothing to run: no coverage yet'},
  {id: 'start', setup: 'running', reason: 'a run is already in flight: pause, resume or cancel it, or wait for it'},
  {id: 'pause', setup: 'idle grid', reason: 'no run in flight: select months (m) or cells (space) and press s'},
  {id: 'pause', setup: 'running, the cursor on MLFS', reason: 'ml_feature_store is not part of this run'},
  {id: 'resume', setup: 'idle grid', reason: 'no run in flight'},
  {id: 'resume', setup: 'running, the cursor on MLFS', reason: 'ml_feature_store is not part of this run'},
  {id: 'cancel', setup: 'idle grid', reason: 'no run in flight'},
  {id: 'cancel', setup: 'running, the cursor on MLFS', reason: 'ml_feature_store is not part of this run'},
  {id: 'pause-all', setup: 'idle grid', reason: 'no run in flight'},
  {id: 'resume-all', setup: 'idle grid', reason: 'no run in flight'},
  {id: 'cancel-all', setup: 'idle grid', reason: 'no run in flight'},
  {id: 'validate', setup: 'no coverage yet', reason: 'nothing to validate: no coverage yet'},
  {id: 'show-validation', setup: 'idle grid', reason: 'no validation results yet: v validates the selection'},
  {id: 'rollback', setup: 'no coverage yet', reason: 'nothing to roll back: no coverage yet'},
  {id: 'rollback', setup: 'running', reason: 'cannot roll back while a run is in flight'},
  {id: 'rebuild-stale', setup: 'no coverage yet', reason: 'nothing to rebuild: no coverage yet'},
  {id: 'rebuild-stale', setup: 'idle grid', reason: 'nothing stale in Nov21 PGS'},
  {id: 'rebuild-stale', setup: 'running', reason: 'a run is already in flight'},
];

/** What a terminal sends for a binding's key. */
function typed(spec: KeySpec): string {
  if (!('key' in spec)) return spec.ctrl ? String.fromCharCode(spec.input.charCodeAt(0) - 96) : spec.input;
  const named: Partial<Record<typeof spec.key, string>> = {return: KEYS.enter, escape: KEYS.escape, tab: KEYS.tab};
  return named[spec.key]!;
}

const offered = (footer: string, b: Binding) => footer.split('  ').includes(`${b.hintLabel?.unicode ?? b.label} ${b.hint}`);

describe('a disabled key says why', () => {
  test('every binding that can be off is listed here, with a reason', () => {
    const canBeOff = KEYMAP.filter((b) => b.disabledReason).map((b) => b.id);
    expect([...new Set(DISABLED.map((d) => d.id))].sort()).toEqual([...canBeOff].sort());
  });

  test.each(Object.keys(SETUPS))('%s: the footer does not offer the keys that are off, and each says why', async (name) => {
    const setup = SETUPS[name];
    const session = SESSIONS[setup.session]();
    // Wide enough for the whole footer: a hint cut at the edge would pass for absent.
    const ui = await renderConsole(session, {columns: 220, rows: 30});
    await ui.press(...setup.keys);
    for (const {id, reason} of DISABLED.filter((d) => d.setup === name)) {
      const binding = bindingOf(id);
      const footer = ui.lines().at(-1)!;
      expect(footer, id).toContain('? help'); // the hints, not a notice
      if (typeof binding.hint === 'string') expect(offered(footer, binding), `${id} in "${footer}"`).toBe(false);
      await ui.press(typed(binding.keys[0]));
      expect(ui.lines().at(-1), id).toContain(reason);
      await ui.press('z'); // not bound: it only retires the notice
      expect(ui.lines().at(-1), id).not.toContain(reason);
    }
    expect(session.calls).toEqual([]);
    expect(ui.exits).toEqual([]);
    ui.unmount();
  });
});

describe('footer, help and dispatch read the same binding', () => {
  const states: readonly Partial<UiState>[] = [
    {},
    {view: 'drill'},
    {focus: 'log'},
    {marks: new Set(['player_game_summary|2021-12'])},
    {months: {anchor: 1, end: null}},
    {filter: 'ten'},
    {logAnchor: 3},
    {row: DERIVED_TABLES.length - 1},
  ];

  test('each key of a binding dispatches to it, and help shows it', () => {
    const help = helpLines(true).map((l) => l.text);
    for (const b of KEYMAP) {
      for (const spec of b.keys) expect(bindingFor(pressOfSpec(spec)), `${b.id} ${JSON.stringify(spec)}`).toBe(b);
      expect(help, b.id).toContain(`${b.label.padEnd(6)} ${b.description}`);
    }
  });

  test('in every state, the footer offers a binding exactly when pressing it acts, and an off one says its reason', () => {
    for (const [name, make] of Object.entries(SESSIONS)) {
      for (const state of states) {
        for (const b of KEYMAP) {
          const session = make();
          const keys = keyHarness(session, state);
          const context = keys.context();
          const reason = disabledReason(b, context);
          const where = `${b.id} (${name}, ${JSON.stringify(state)})`;
          if (b.hint) expect(footerHints(context).some((h) => h.label === (b.hintLabel?.unicode ?? b.label)), where).toBe(reason === null);
          if (reason === null) continue;
          expect(keys.press(b.keys[0])?.id, where).toBe('keymap');
          expect(keys.ui().notice, where).toBe(reason);
          expect(session.calls, where).toEqual([]);
          expect(keys.ui().overlay, where).toBeNull();
        }
      }
    }
  });
});

describe('layers', () => {
  const idle = SESSIONS.idle;
  const char = (input: string, ctrl = false): KeySpec => ({input, ctrl});

  test('the stack, top first: Ctrl+C, closing, confirmation, help, filter editing, results panes, the runs view, the keymap', () => {
    expect(LAYERS.map((l) => l.id)).toEqual(['interrupt', 'closing', 'notice', 'confirm', 'help', 'filter', 'validation', 'detail', 'summary', 'runs', 'keymap']);
  });

  test('a confirmation swallows the keys that are not its answers', async () => {
    const session = SESSIONS.running();
    const ui = await renderConsole(session);
    await ui.press('c', 'p', 'P', 'q', '?', 's');
    expect(ui.frame()).toContain('Cancel PGS?');
    expect(ui.frame()).not.toContain('pausing');
    expect(session.calls).toEqual([]);
    ui.unmount();
  });

  test('help closes on any key, and that key does nothing else', () => {
    const session = idle();
    const keys = keyHarness(session);
    keys.press(char('?'));
    expect(keys.ui().overlay).toEqual({kind: 'help'});
    expect(keys.press(char('s'))?.id).toBe('help');
    expect(keys.ui().overlay).toBeNull();
    expect(session.calls).toEqual([]);
  });

  test('a key nobody binds falls through every layer and changes nothing', () => {
    const session = idle();
    const keys = keyHarness(session);
    const before = keys.ui();
    expect(keys.press(char('z'))).toBeUndefined();
    expect(keys.press(char('z', true))).toBeUndefined();
    expect(keys.ui()).toBe(before);
    expect(session.calls).toEqual([]);
  });

  test('a results pane takes its own keys and passes the others down', () => {
    const keys = keyHarness(SESSIONS['idle, with a validation report']());
    keys.press(char('V'));
    expect(keys.press(char('j'))?.id).toBe('validation'); // scrolls the pane
    expect(keys.ui()).toMatchObject({overlay: {kind: 'validation'}, overlayScroll: 1, row: 0});
    expect(keys.press(char('l'))?.id).toBe('keymap'); // moves the grid under it
    expect(keys.ui()).toMatchObject({overlay: {kind: 'validation'}, col: 1});
    expect(keys.press({key: 'escape'})?.id).toBe('validation');
    expect(keys.ui().overlay).toBeNull();

    const summary = keyHarness(SESSIONS.running(), {overlay: {kind: 'summary', snapshot: runOf({state: 'completed'})}});
    expect(summary.press(char('j'))?.id).toBe('keymap'); // closes the summary, then moves
    expect(summary.ui()).toMatchObject({overlay: null, row: 1});
  });

  test('Ctrl+C goes past the layers that take every key; while closing, nothing else does anything', () => {
    const editing = keyHarness(idle(), {editingFilter: true});
    expect(editing.press(char('q'))?.id).toBe('filter');
    expect(editing.ui().filter).toBe('q');
    expect(footerOverride(editing.context())).toBe('type to filter the log   enter: keep   esc: clear');
    expect(editing.press(char('c', true))?.id).toBe('interrupt');
    expect(editing.exits).toEqual(['quit']);

    const closing = keyHarness(idle(), {overlay: {kind: 'closing', message: 'Closing'}});
    for (const input of ['q', 's', '?']) expect(closing.press(char(input))?.id).toBe('closing');
    expect(closing.exits).toEqual([]);
    closing.press(char('c', true));
    expect(closing.exits).toEqual(['quit']); // the second Ctrl+C: at once
  });
});
