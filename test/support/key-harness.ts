// The console's key handling without Ink: the context a key would get over a FakeSession's state
// (the grid built as the App builds it), a UI state the handlers really change, and presses sent
// through the same layers as the console's. For tests that walk every binding or every layer.
import {buildGrid} from '../../src/ui/coverage-grid.js';
import {keyContext, selectionReader, type ConsoleExit, type KeyContext, type KeyEnvironment} from '../../src/ui/key-context.js';
import {pressOfSpec, type KeySpec} from '../../src/ui/key-press.js';
import {dispatchKey, type Layer} from '../../src/ui/layers.js';
import {initialUiState, type UiState} from '../../src/ui/ui-state.js';
import type {FakeSession} from './fake-session.js';

export function keyHarness(session: FakeSession, ui: Partial<UiState> = {}) {
  const {coverage, run, validation, boundary} = session.getState();
  const model = coverage ? buildGrid({coverage, run, failures: new Map(), validation, boundary}) : null;
  let state: UiState = {...initialUiState(), ...ui};
  const exits: ConsoleExit[] = [];
  const env: KeyEnvironment = {
    session,
    getUi: () => state,
    setUi: (update) => {
      state = update(state);
    },
    model,
    run,
    validation,
    selectionOf: selectionReader(model, coverage?.range.start ?? null, boundary),
    logLines: () => [],
    logPage: 1,
    quit: (_mode, result) => exits.push(result),
    forceExit: () => exits.push('quit'),
  };
  return {
    exits,
    /** The context the next key gets. */
    context: (): KeyContext => keyContext(env),
    ui: () => state,
    /** Sends one key through the layers; returns the layer that consumed it, if any. */
    press: (spec: KeySpec): Layer | undefined => dispatchKey(pressOfSpec(spec), keyContext(env)),
  };
}

/** The context a key would get in the console over this session's state, with this UI state. */
export const contextOf = (session: FakeSession, ui: Partial<UiState> = {}): KeyContext => keyHarness(session, ui).context();
