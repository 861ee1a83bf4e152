// Every binding of the keymap, pressed in the console over a FakeSession: what it changes on screen
// and which intent it sends, including the confirmation dialogs and the quit paths.
import {describe, expect, test} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {KEYMAP, bindingFor, footerHints} from '../src/ui/keymap.js';
import type {PlanPreview} from '../src/session/types.js';
import type {ValidationReport} from '../src/validation/types.js';
import {coverageOf, estimateOf, FakeSession, logEvent, planPreviewOf, progressOf, runOf} from './support/fake-session.js';
import {contextOf} from './support/key-harness.js';
import {KEYS, renderConsole} from './support/render.js';

const RANGE = {start: '2021-11-01', end: '2022-02-28'};
const ALL = DERIVED_TABLES.map((t) => t.name);

function idleSession() {
  return new FakeSession({coverage: coverageOf(RANGE, {player_game_summary: 'all'})});
}

function runningSession() {
  return new FakeSession({
    coverage: coverageOf(RANGE, {player_game_summary: 'all'}),
    run: runOf({}, DERIVED_TABLES.map((t) => progressOf(t.name, {status: t.phase === 3 ? 'running' : 'queued'}))),
  });
}

const selectionLine = (frame: string) => frame.split('\n').find((l) => l.startsWith('Selection:')) ?? '';

describe('keymap as data', () => {
  test('every binding is shown by ? help', async () => {
    const ui = await renderConsole(idleSession(), {columns: 80, rows: 24});
    await ui.press('?');
    const help = ui.frame();
    for (const binding of KEYMAP) expect(help, binding.id).toContain(`${binding.label.padEnd(6)} ${binding.description}`);
    expect(help).toContain('✓ done');
    expect(help).toContain('↑ waiting on input');
    await ui.press('z'); // any other key closes
    expect(ui.frame()).not.toContain('Keys (any key closes)');
    expect(ui.frame()).toContain('Phase 3');
    ui.unmount();
  });

  test('at 60 columns help is one column that scrolls', async () => {
    const ui = await renderConsole(idleSession(), {columns: 60, rows: 24});
    await ui.press('?');
    expect(ui.frame()).toContain('↓ more');
    expect(ui.frame()).not.toContain('quit now');
    for (let i = 0; i < 20; i++) await ui.press('j');
    expect(ui.frame()).toContain('^C     quit now');
    ui.unmount();
  });

  test('no two bindings share a key, and the footer shows only the keys that apply now', () => {
    const seen = new Set<string>();
    for (const b of KEYMAP) for (const k of b.keys) {
      const id = JSON.stringify(k);
      expect(seen.has(id), id).toBe(false);
      seen.add(id);
    }
    const idle = footerHints(contextOf(idleSession())).map((h) => h.hint);
    const running = footerHints(contextOf(runningSession())).map((h) => h.hint);
    expect(idle).toContain('start');
    expect(idle).not.toContain('pause');
    expect(running).toContain('pause');
    expect(running).not.toContain('start');
    expect(bindingFor({input: 'c', key: {ctrl: true} as never})?.id).toBe('interrupt');
    // Help shows two 39-column columns at 80: key (6) + space + description must fit.
    for (const b of KEYMAP) expect(b.description.length, b.id).toBeLessThanOrEqual(31);
  });

  test('the footer reads the keymap', async () => {
    const ui = await renderConsole(runningSession(), {columns: 120});
    const footer = ui.lines().at(-1)!;
    expect(footer).toContain('p pause');
    expect(footer).toContain('r resume');
    expect(footer).not.toContain('s start');
    ui.unmount();
  });
});

describe('moving', () => {
  test('arrows and hjkl move the cursor over tables and months', async () => {
    const ui = await renderConsole(idleSession());
    expect(selectionLine(ui.frame())).toContain('Nov21 PGS (cursor)');
    await ui.press('l');
    expect(selectionLine(ui.frame())).toContain('Dec21 PGS');
    await ui.press(KEYS.right);
    expect(selectionLine(ui.frame())).toContain('Jan22 PGS');
    await ui.press('h');
    expect(selectionLine(ui.frame())).toContain('Dec21 PGS');
    await ui.press(KEYS.left);
    expect(selectionLine(ui.frame())).toContain('Nov21 PGS');
    await ui.press('j');
    expect(selectionLine(ui.frame())).toContain('Nov21 TOGS');
    await ui.press(KEYS.down);
    expect(selectionLine(ui.frame())).toContain('Nov21 TDGS');
    await ui.press('k');
    expect(selectionLine(ui.frame())).toContain('Nov21 TOGS');
    await ui.press(KEYS.up);
    expect(selectionLine(ui.frame())).toContain('Nov21 PGS');
    await ui.press(KEYS.up); // stays on the first row
    expect(selectionLine(ui.frame())).toContain('Nov21 PGS');
    await ui.press(KEYS.end);
    expect(selectionLine(ui.frame())).toContain('Feb22 PGS');
    await ui.press(KEYS.home);
    expect(selectionLine(ui.frame())).toContain('Nov21 PGS');
    ui.unmount();
  });

  test('keys typed ahead in one chunk act one after the other', async () => {
    const ui = await renderConsole(idleSession());
    await ui.press('?');
    await ui.press('xjlm'); // x closes help, j and l move, m starts a month range
    expect(selectionLine(ui.frame())).toContain('Dec21 all tables');
    await ui.press('/ten\r'); // the filter typed and kept in one chunk
    expect(ui.frame()).toContain('filter "ten"');
    ui.unmount();
  });

  test('enter opens the month, esc goes back, and esc never quits', async () => {
    const session = idleSession();
    const ui = await renderConsole(session);
    await ui.press('l', KEYS.enter);
    expect(ui.frame()).toContain('Dec 2021: days per table');
    expect(ui.frame()).toContain('PGS 2021-12-01 ✓ done');
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain('Phase 3');
    await ui.press(KEYS.escape, KEYS.escape);
    expect(ui.frame()).toContain('esc goes back and never quits');
    expect(ui.exits).toEqual([]);
    expect(session.calls).toEqual([]);
    ui.unmount();
  });
});

describe('selecting', () => {
  test('m selects a range of months for every table', async () => {
    const ui = await renderConsole(idleSession());
    await ui.press('l', 'm', 'l', 'm');
    expect(selectionLine(ui.frame())).toContain('Dec21-Jan22 all tables: 2021-12-01..2022-01-31');
    await ui.press('l'); // the range stays put once closed
    expect(selectionLine(ui.frame())).toContain('Dec21-Jan22 all tables');
    await ui.press('x');
    expect(selectionLine(ui.frame())).toContain('Feb22 PGS (cursor)');
    ui.unmount();
  });

  test('space marks cells; the selection covers the marked tables and months', async () => {
    const ui = await renderConsole(idleSession());
    await ui.press(' ', 'j', 'l', ' ');
    expect(selectionLine(ui.frame())).toContain('Nov21-Dec21 PGS,TOGS: 2021-11-01..2021-12-31');
    await ui.press(' '); // unmark
    expect(selectionLine(ui.frame())).toContain('Nov21 PGS:');
    await ui.press(KEYS.escape); // esc clears the selection
    expect(selectionLine(ui.frame())).toContain('(cursor)');
    ui.unmount();
  });
});

describe('run intents', () => {
  test('s shows the plan for the selection; y starts it, esc starts nothing', async () => {
    const session = idleSession();
    const ui = await renderConsole(session);
    const dec = {range: {start: '2021-12-01', end: '2021-12-31'}, processors: ALL};
    await ui.press('l', 'm', 's');
    expect(session.calls).toEqual([{method: 'preview', request: dec}]);
    expect(ui.frame()).toContain('Start Dec21 all tables (2021-12-01..2021-12-31)?');
    await ui.waitFor('62 batches, 310 processor-dates, at most 10 at once');
    expect(ui.frame()).toContain('y: start   esc: not now');
    await ui.press(KEYS.escape);
    expect(ui.frame()).not.toContain('Start Dec21');
    expect(session.calls.filter((c) => c.method === 'start')).toEqual([]);

    await ui.press('s', 'y');
    expect(session.calls.filter((c) => c.method === 'start')).toEqual([{method: 'start', request: dec, planId: 'plan-test'}]);
    expect(ui.frame()).toContain('starting Dec21 all tables');
    ui.unmount();
  });

  test("on BigQuery the start confirmation shows the dry-run estimate, its total first", async () => {
    const session = idleSession();
    // PGS      6 batches x   1.2 GiB =   7.2 GiB  ~$0.04; MLFS     6 batches x  10.0 GiB =  60.0 GiB  ~$0.37;
    // total 67.2 GiB processed, ~$0.41 on demand at $6.25/TiB (dry-run estimate)
    session.previewResult = planPreviewOf({batches: 12, dates: 62, workers: 10}, {
      estimate: estimateOf({player_game_summary: {batches: 6, gib: 1.2}, ml_feature_store: {batches: 6, gib: 10}}),
    });
    const ui = await renderConsole(session);
    await ui.press('s');
    await ui.waitFor('BigQuery 67.2 GiB processed, ~$0.41 on demand at $6.25/TiB');
    const frame = ui.frame();
    expect(frame.indexOf('BigQuery 67.2 GiB')).toBeLessThan(frame.indexOf('PGS      6 batches x'));
    ui.unmount();
  });

  test('nothing starts unseen: y waits for the plan, and is not offered when it cannot plan or has nothing to build', async () => {
    const session = idleSession();
    let answer!: (p: PlanPreview) => void;
    session.previewResult = new Promise<PlanPreview>((resolve) => (answer = resolve));
    const ui = await renderConsole(session);
    await ui.press('s', 'y'); // typed ahead: the plan is not on screen yet
    expect(ui.frame()).toContain('planning (on BigQuery: estimating bytes and cost with dry-run jobs)...');
    expect(ui.frame()).toContain('esc: close');
    expect(session.calls.filter((c) => c.method === 'start')).toEqual([]);
    answer(planPreviewOf({batches: 0, dates: 0, workers: 10}));
    await ui.waitFor('nothing to build: every game date of the selection is covered');
    await ui.press('y');
    expect(session.calls.filter((c) => c.method === 'start')).toEqual([]);
    await ui.press(KEYS.escape);

    session.previewResult = new Error('Access Denied: Project p: User does not have bigquery.jobs.create permission');
    await ui.press('s');
    await ui.waitFor('could not plan it: Access Denied: Project p');
    await ui.press('y');
    expect(session.calls.filter((c) => c.method === 'start')).toEqual([]);
    expect(ui.frame()).not.toContain('y: start');
    ui.unmount();
  });

  test('s refuses while a run is in flight, and says so', async () => {
    const session = runningSession();
    const ui = await renderConsole(session);
    await ui.press('s');
    expect(session.calls).toEqual([]);
    expect(ui.frame()).toContain('a run is already in flight');
    ui.unmount();
  });

  test('p, r pause and resume the selected processor; P, R all of them', async () => {
    const session = runningSession();
    const ui = await renderConsole(session);
    await ui.press('j', 'p');
    expect(ui.frame()).toContain('pausing TOGS');
    await ui.press('r', 'P', 'R');
    expect(session.calls).toEqual([
      {method: 'intent', intent: {type: 'pause', processor: 'team_offense_game_summary'}},
      {method: 'intent', intent: {type: 'resume', processor: 'team_offense_game_summary'}},
      {method: 'intent', intent: {type: 'pause'}},
      {method: 'intent', intent: {type: 'resume'}},
    ]);
    ui.unmount();
  });

  test('p without a run says what to do instead', async () => {
    const session = idleSession();
    const ui = await renderConsole(session);
    await ui.press('p');
    expect(ui.frame()).toContain('no run in flight');
    expect(session.calls).toEqual([]);
    ui.unmount();
  });

  test('c asks before cancelling the selected processor; esc keeps it', async () => {
    const session = runningSession();
    const ui = await renderConsole(session);
    await ui.press('c');
    expect(ui.frame()).toContain('Cancel PGS?');
    expect(ui.frame()).toContain('y: cancel PGS');
    await ui.press(KEYS.escape);
    expect(ui.frame()).not.toContain('Cancel PGS?');
    expect(session.calls).toEqual([]);
    await ui.press('c', 'y');
    expect(session.calls).toEqual([{method: 'intent', intent: {type: 'cancel', processor: 'player_game_summary'}}]);
    ui.unmount();
  });

  test('without UTF-8 the dialog is drawn with ASCII borders', async () => {
    const ui = await renderConsole(runningSession(), {env: {LANG: 'C', NO_COLOR: '1'}});
    await ui.press('c');
    expect(ui.frame()).toContain('Cancel PGS?');
    expect(ui.frame()).toMatch(/\+-{20,}\+/);
    expect(ui.frame()).toContain('| y: cancel PGS');
    expect(ui.frame()).not.toMatch(/[┌─│]/);
    ui.unmount();
  });

  test('C asks before cancelling the whole run', async () => {
    const session = runningSession();
    const ui = await renderConsole(session);
    await ui.press('C');
    expect(ui.frame()).toContain('Cancel the whole run?');
    await ui.press('n'); // not an answer: the dialog stays
    expect(ui.frame()).toContain('Cancel the whole run?');
    await ui.press('y');
    expect(session.calls).toEqual([{method: 'intent', intent: {type: 'cancel'}}]);
    ui.unmount();
  });

  test('d asks before rolling back, and can re-run', async () => {
    const session = idleSession();
    const ui = await renderConsole(session);
    await ui.press('l', 'd');
    expect(ui.frame()).toContain('Roll back Dec21 PGS?');
    expect(ui.frame()).toContain('Deletes the rows of PGS from 2021-12-01 to 2021-12-31');
    expect(ui.frame()).toContain('Built from them, kept as they are: PSZA, PCF, MLFS');
    await ui.press(KEYS.escape);
    expect(session.calls).toEqual([]);
    await ui.press('d', 'y', 'd', 'r');
    expect(session.calls).toEqual([
      {method: 'rollback', range: {start: '2021-12-01', end: '2021-12-31'}, tables: ['player_game_summary'], rerun: false},
      {method: 'rollback', range: {start: '2021-12-01', end: '2021-12-31'}, tables: ['player_game_summary'], rerun: true},
    ]);
    ui.unmount();
  });

  test('v validates the selection and the report opens when it arrives; V shows it again', async () => {
    const session = idleSession();
    const ui = await renderConsole(session);
    await ui.press('V');
    expect(ui.frame()).toContain('no validation results yet');
    await ui.press('l', 'v');
    expect(session.calls).toEqual([{method: 'validate', range: {start: '2021-12-01', end: '2021-12-31'}, tables: ['player_game_summary']}]);
    const report: ValidationReport = {
      range: {start: '2021-12-01', end: '2021-12-31'},
      tables: ['player_game_summary'],
      passed: false,
      startedAt: 't',
      durationMs: 900,
      results: [
        {check: 'completeness', table: 'player_game_summary', passed: true, failures: 0, dates: [], sample: [], message: 'every game date covered', durationMs: 1},
        {check: 'reconcile_raw', table: 'player_game_summary', passed: false, failures: 2, dates: ['2021-12-05'], sample: [], message: 'points differ from boxscore', durationMs: 1},
      ],
    };
    session.set({validation: report});
    await ui.waitFor('Validation 2021-12-01..2021-12-31: FAILED 1 of 2 checks');
    // The results as a table (ink-table): the same facts per check, a column each.
    expect(ui.frame()).toMatch(/✗ +reconcile_raw +PGS +2 failures on 2021-12-05 +points differ from boxscore/);
    expect(ui.frame()).toContain('!27/27'); // December holds a failing date: marked in the grid
    await ui.press(KEYS.escape);
    expect(ui.frame()).not.toContain('FAILED 1 of 2');
    await ui.press('V');
    expect(ui.frame()).toContain('FAILED 1 of 2');
    ui.unmount();
  });

  test('ctrl+r refreshes coverage', async () => {
    const session = idleSession();
    const ui = await renderConsole(session);
    await ui.press(KEYS.ctrlR);
    expect(session.calls).toEqual([{method: 'refresh'}]);
    ui.unmount();
  });
});

describe('the job log keys', () => {
  function logSession(n: number) {
    const session = idleSession();
    for (let i = 1; i <= n; i++) session.emit(logEvent(`line ${i}${i % 10 === 0 ? ' tenth' : ''}`));
    return session;
  }

  test('tab focuses the log, where ↑/↓ scroll; pgup/pgdn scroll from anywhere', async () => {
    const ui = await renderConsole(logSession(30), {rows: 24});
    expect(ui.frame()).toContain('line 30');
    await ui.press(KEYS.tab);
    expect(ui.frame()).toContain('›Log');
    expect(ui.frame()).toContain('line 27'); // the log gets the space when focused
    await ui.press('k');
    expect(ui.frame()).not.toContain('line 30');
    expect(ui.frame()).toContain('1 newer');
    await ui.press('j');
    expect(ui.frame()).toContain('line 30');
    await ui.press(KEYS.escape); // back to the grid
    expect(ui.frame()).not.toContain('›Log');
    await ui.press(KEYS.pageUp);
    expect(ui.frame()).not.toContain('line 30');
    await ui.press(KEYS.pageDown);
    expect(ui.frame()).toContain('line 30');
    ui.unmount();
  });

  test('/ filters the log; enter keeps the filter, esc clears it', async () => {
    const ui = await renderConsole(logSession(30));
    await ui.press('/', 't', 'e', 'n', 't', 'x', KEYS.backspace);
    expect(ui.frame()).toContain('/tent_');
    expect(ui.frame()).toContain('line 30 tenth');
    expect(ui.frame()).not.toContain('line 29');
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain('filter "tent" (3)');
    await ui.press('q'); // keys act again once the filter is kept: q quits (no run)
    expect(ui.exits).toEqual(['quit']);
    ui.unmount();

    const again = await renderConsole(logSession(30));
    await again.press('/', 'q', KEYS.escape); // while typing, q is text and esc clears
    expect(again.exits).toEqual([]);
    expect(again.frame()).toContain('line 29');
    again.unmount();
  });
});

describe('quitting', () => {
  test('q without a run closes the session and exits', async () => {
    const session = idleSession();
    const ui = await renderConsole(session);
    await ui.press('q');
    await ui.tick(20);
    expect(session.calls).toEqual([{method: 'close', mode: 'detach'}]);
    expect(ui.exits).toEqual(['quit']);
    ui.unmount();
  });

  test('q with a run in flight asks: detach, cancel or stay', async () => {
    const session = runningSession();
    const ui = await renderConsole(session);
    await ui.press('q');
    expect(ui.frame()).toContain('A run is in flight. Quit?');
    expect(ui.frame()).toContain('d: detach');
    expect(ui.frame()).toContain('c: cancel the run');
    await ui.press(KEYS.escape);
    expect(ui.exits).toEqual([]);
    expect(ui.frame()).not.toContain('Quit?');
    await ui.press('q', 'd');
    await ui.tick(20);
    expect(session.calls).toEqual([{method: 'close', mode: 'detach'}]);
    expect(ui.exits).toEqual(['detach']);
    ui.unmount();

    const cancelling = runningSession();
    const again = await renderConsole(cancelling);
    await again.press('q', 'c');
    await again.tick(20);
    expect(cancelling.calls).toEqual([{method: 'close', mode: 'cancel'}]);
    expect(again.exits).toEqual(['cancel']);
    again.unmount();
  });

  test('ctrl+c always quits, even from a dialog or help, detaching a run', async () => {
    const session = runningSession();
    const ui = await renderConsole(session);
    await ui.press('C', KEYS.ctrlC);
    await ui.tick(20);
    expect(session.calls).toEqual([{method: 'close', mode: 'detach'}]);
    expect(ui.exits).toEqual(['detach']);
    ui.unmount();

    const helping = await renderConsole(idleSession());
    await helping.press('?', KEYS.ctrlC);
    await helping.tick(20);
    expect(helping.exits).toEqual(['quit']);
    helping.unmount();
  });

  test('a second ctrl+c leaves at once when closing hangs', async () => {
    const session = runningSession();
    session.close = () => new Promise(() => undefined); // in-flight batches that never finish
    const ui = await renderConsole(session);
    await ui.press(KEYS.ctrlC);
    expect(ui.frame()).toContain('Detaching: the run goes on, `backfill` rejoins it');
    expect(ui.exits).toEqual([]);
    await ui.press(KEYS.ctrlC);
    expect(ui.exits).toEqual(['detach']);
    ui.unmount();
  });
});

describe('end of a run', () => {
  test('shows the summary and offers validation of what it wrote', async () => {
    const session = runningSession();
    const ui = await renderConsole(session);
    const finished = runOf(
      {state: 'failed', finishedAt: '2022-03-01T10:02:05Z', totals: {datesTotal: 270, datesDone: 265, rowsWritten: 123456, batchesDone: 40, batchesFailed: 1}},
      [progressOf('player_game_summary', {status: 'failed', datesFailed: 5, lastError: 'permission denied'}), progressOf('team_offense_game_summary', {status: 'done'})],
    );
    session.set({run: finished});
    session.emit({type: 'run-finished', time: '2022-03-01T10:02:05.000Z', runId: 'run-1', state: 'failed', snapshot: finished});
    await ui.waitFor('Run failed 2021-12-01..2021-12-31');
    expect(ui.frame()).toContain('265/270 dates, 123,456 rows, 40 batches, 1 failed, 2m05s');
    expect(ui.frame()).toContain('PGS failed 5 dates: permission denied');
    expect(ui.frame()).toContain('v: validate what it wrote');
    await ui.press('v');
    expect(session.calls).toEqual([{method: 'validate', range: {start: '2021-12-01', end: '2021-12-31'}, tables: ['player_game_summary', 'team_offense_game_summary']}]);
    ui.unmount();
  });
});
