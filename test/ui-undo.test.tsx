// Undo in the console: the run summary says what the run changed (per table, the feature store's
// features) and offers the runs view on it; the runs view lists the history with what each run
// did and whether it can be undone (why not, otherwise), u asks to undo the selected run and y
// sends the undo to the host; a run that cannot be undone says why instead of asking.
import {describe, expect, test} from 'vitest';
import type {ChangeReport} from '../src/undo/changes.js';
import type {RunListing} from '../src/undo/runs-view.js';
import {coverageOf, FakeSession, progressOf, runOf} from './support/fake-session.js';
import {KEYS, renderConsole} from './support/render.js';

const RANGE = {start: '2021-11-01', end: '2022-02-28'};

const CHANGES: ChangeReport = {
  player_game_summary: {replaced: 230, written: 230, added: 0, removed: 0, changed: 3, features: null},
  ml_feature_store: {
    replaced: 40, written: 41, added: 1, removed: 0, changed: 2,
    features: {season_ppg: {changed: 2, sumBefore: 400, nBefore: 40, sumAfter: 420, nAfter: 41, maxAbs: 1.5}, days_rest: {changed: 0, sumBefore: 80, nBefore: 40, sumAfter: 82, nAfter: 41, maxAbs: 0}},
  },
};

function listing(id: string, patch: Partial<RunListing> = {}): RunListing {
  return {
    id, kind: 'run', undoOf: null, started: '2022-03-01T10:00:00.000Z', finished: '2022-03-01T10:01:00.000Z', outcome: 'completed',
    range: {start: '2021-12-01', end: '2021-12-01'}, processors: ['player_game_summary'], force: true, dates: 1, rows: 230, batches: 1,
    replaced: 230, changes: {player_game_summary: CHANGES.player_game_summary}, undoable: true, why: null, ...patch,
  };
}

function idleSession(runs: RunListing[]) {
  const session = new FakeSession({coverage: coverageOf(RANGE, {player_game_summary: 'all'})});
  session.runsResult = runs;
  return session;
}

describe('the run summary', () => {
  test('says what the run changed and opens the runs view on it with u', async () => {
    const session = idleSession([listing('run-new'), listing('run-old', {undoable: false, why: 'replaced nothing (a first build of every range it wrote)'})]);
    const ui = await renderConsole(session, {rows: 30});
    const finished = runOf({runId: 'run-old', state: 'completed', finishedAt: '2022-03-01T10:01:00Z', changes: CHANGES}, [progressOf('player_game_summary', {status: 'done'}), progressOf('ml_feature_store', {status: 'done'})]);
    session.set({run: finished});
    session.emit({type: 'run-finished', time: '2022-03-01T10:01:00.000Z', runId: 'run-old', state: 'completed', snapshot: finished});
    await ui.waitFor('Run completed');
    expect(ui.frame()).toContain('PGS replaced 230 rows: 0 added, 0 removed, 3 changed');
    expect(ui.frame()).toContain('MLFS replaced 40 rows: 1 added, 0 removed, 2 changed');
    expect(ui.frame()).toContain('MLFS features changed: season_ppg 2 (mean 10.00 → 10.24, largest 1.50)');
    expect(ui.frame()).toContain('u: runs, to undo it');
    await ui.press('u');
    await ui.waitFor('Runs, newest first');
    // The view opens on the run that just ended: it is the selected one.
    expect(ui.lines().find((l) => l.includes('run-old'))).toMatch(/› run-old/);
    expect(session.calls).toEqual([{method: 'runs'}]);
    ui.unmount();
  });

  test('a first build says it replaced nothing', async () => {
    const session = idleSession([]);
    const ui = await renderConsole(session);
    const first: ChangeReport = {player_game_summary: {replaced: 0, written: 500, added: 500, removed: 0, changed: 0, features: null}};
    const finished = runOf({state: 'completed', finishedAt: '2022-03-01T10:01:00Z', changes: first}, [progressOf('player_game_summary', {status: 'done'})]);
    session.set({run: finished});
    session.emit({type: 'run-finished', time: '2022-03-01T10:01:00.000Z', runId: 'run-1', state: 'completed', snapshot: finished});
    await ui.waitFor('Run completed');
    expect(ui.frame()).toContain('changes: replaced nothing (a first build of every range it wrote)');
    ui.unmount();
  });
});

describe('the runs view', () => {
  test('lists the runs, u asks to undo the selected one, y sends the undo', async () => {
    const session = idleSession([listing('run-b'), listing('run-a', {why: 'replaced nothing (a first build of every range it wrote)', undoable: false, replaced: 0})]);
    const ui = await renderConsole(session, {rows: 30});
    await ui.press('u');
    await ui.waitFor('run-a');
    expect(ui.frame()).toContain('› run-b  completed  03-01 10:00  undoable');
    expect(ui.frame()).toContain('force 2021-12-01..2021-12-01 PGS: 1 game dates, 230 rows');
    expect(ui.frame()).toContain('changes: replaced 230 rows; changed PGS 3; added 0, removed 0');
    expect(ui.frame()).toContain('not undoable: replaced nothing (a first build of every range it wrote)');
    await ui.press('u');
    await ui.waitFor('Undo run-b?');
    expect(ui.frame()).toContain('Puts back the 230 rows it replaced in PGS (2021-12-01..2021-12-01)');
    await ui.press('y');
    expect(session.calls).toEqual([{method: 'runs'}, {method: 'undo', runId: 'run-b'}]);
    expect(ui.frame()).toContain('undoing run-b');
    ui.unmount();
  });

  test('a run that cannot be undone says why; esc closes the view', async () => {
    const session = idleSession([listing('run-b'), listing('run-a', {undoable: false, why: 'was already undone by undo-1'})]);
    const ui = await renderConsole(session, {rows: 30});
    await ui.press('u');
    await ui.waitFor('run-a');
    await ui.press(KEYS.down);
    expect(ui.lines().find((l) => l.includes('run-a  completed'))).toMatch(/› run-a/);
    await ui.press('u');
    expect(ui.frame()).toContain('run-a cannot be undone: was already undone by undo-1');
    expect(ui.frame()).not.toContain('Undo run-a?');
    await ui.press(KEYS.escape);
    expect(ui.frame()).not.toContain('Runs, newest first');
    expect(session.calls).toEqual([{method: 'runs'}]);
    ui.unmount();
  });

  test('under a run in flight undo waits for it to end; without UTF-8 the view is ASCII', async () => {
    const session = new FakeSession({coverage: coverageOf(RANGE), run: runOf({}, [progressOf('player_game_summary', {status: 'running'})])});
    session.runsResult = [listing('run-b')];
    const ui = await renderConsole(session, {rows: 30, env: {LANG: 'C', NO_COLOR: '1'}});
    await ui.press('u');
    await ui.waitFor('run-b');
    expect(ui.frame()).toContain('> run-b');
    expect(ui.frame()).not.toMatch(/[›→]/);
    await ui.press('u');
    expect(ui.frame()).toContain('a run is in flight: undo once it has ended');
    ui.unmount();
  });
});
