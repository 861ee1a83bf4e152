// The coverage grid and the month view: counts, states with symbols (Unicode and ASCII, with and
// without color), totals, horizontal scrolling and why a day is not done.
import {describe, expect, test, vi} from 'vitest';
import {derivedTable} from '../src/catalog/index.js';
import {buildGrid} from '../src/ui/coverage-grid.js';
import {applyFailureEvent, type FailureMap} from '../src/ui/failures.js';
import type {ValidationReport} from '../src/validation/types.js';
import {coverageOf, FakeSession, progressOf, runOf} from './support/fake-session.js';
import {KEYS, renderConsole} from './support/render.js';

// chalk decides at import whether to emit color; the test's stdout is no terminal, so force it, so
// that NO_COLOR is the only thing that can take color away below.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const DEC = {start: '2021-11-01', end: '2022-02-28'};
const noFailures: FailureMap = new Map();

function failedBatch(processor: 'player_game_summary', start: string, end: string, error: string) {
  return applyFailureEvent(noFailures, {type: 'batch-failed', time: '2022-03-01T10:00:00Z', runId: 'r', batch: {processor, start, end, dates: 3, attempt: 3}, error});
}

describe('grid model', () => {
  test('counts covered/expected game dates per table and month, and totals per table and phase', () => {
    const coverage = coverageOf(DEC, {player_game_summary: 'all', team_offense_game_summary: (d) => d < '2021-12-15'});
    const grid = buildGrid({coverage, run: null, failures: noFailures, validation: null, boundary: '2022-03-01'});
    expect(grid.months).toEqual(['2021-11', '2021-12', '2022-01', '2022-02']);
    const pgs = grid.rows.find((r) => r.table.short === 'PGS')!;
    const togs = grid.rows.find((r) => r.table.short === 'TOGS')!;
    // December 2021 has 31 days, four of them (3, 10, 17, 24) without games.
    expect(pgs.cells[1]).toEqual({covered: 27, expected: 27, state: 'done'});
    expect(togs.cells[1]).toMatchObject({covered: 12, expected: 27, state: 'partial'});
    expect(togs.cells[2]).toMatchObject({covered: 0, state: 'missing'});
    expect(pgs.total).toMatchObject({covered: 98, expected: 98, state: 'done'});
    const phase3 = grid.phases[0];
    expect(phase3.total).toMatchObject({covered: 98 + togs.total.covered, expected: 5 * 98, state: 'partial'});
    expect(grid.phases.map((p) => p.rows.length)).toEqual([5, 5]);
  });

  test('the grid ends at the day before the real-time boundary', () => {
    const coverage = coverageOf({start: '2021-11-01', end: '2022-03-31'});
    const grid = buildGrid({coverage, run: null, failures: noFailures, validation: null, boundary: '2022-02-01'});
    expect(grid.months).toEqual(['2021-11', '2021-12', '2022-01']);
  });

  test('a day says why it is not done: not scheduled, waiting on an input, running, failed, paused', () => {
    const coverage = coverageOf(DEC, {player_game_summary: (d) => d !== '2021-12-07'});
    const pgs = derivedTable('player_game_summary');
    const psza = derivedTable('player_shot_zone_analytics');
    const idle = buildGrid({coverage, run: null, failures: noFailures, validation: null, boundary: '2022-03-01'});
    expect(idle.dayStatus(pgs, '2021-12-07')).toMatchObject({state: 'missing', reason: expect.stringContaining('not scheduled')});
    expect(idle.dayStatus(pgs, '2021-12-10')).toMatchObject({state: 'none', reason: 'no games on this date'});
    expect(idle.dayStatus(pgs, '2021-12-08').state).toBe('done');

    const run = runOf({}, [
      progressOf('player_game_summary', {status: 'running', running: [{processor: 'player_game_summary', start: '2021-12-06', end: '2021-12-08', dates: 3, attempt: 2}]}),
      progressOf('upcoming_player_game_context', {status: 'paused', paused: true}),
      progressOf('player_shot_zone_analytics', {status: 'queued'}),
    ]);
    const live = buildGrid({coverage, run, failures: noFailures, validation: null, boundary: '2022-03-01'});
    expect(live.dayStatus(pgs, '2021-12-07')).toEqual({state: 'running', reason: 'running: batch 2021-12-06..2021-12-08, attempt 2'});
    // PSZA reads UPGC over the season (lookback): it waits on UPGC's first uncovered game date.
    expect(live.dayStatus(psza, '2021-12-20')).toEqual({state: 'blocked', reason: expect.stringContaining('waiting on an input: ')});
    expect(live.dayStatus(derivedTable('upcoming_player_game_context'), '2021-12-20').state).toBe('paused');
    const pszaRow = live.rows.find((r) => r.table.short === 'PSZA')!;
    expect(pszaRow.cells[1].state).toBe('blocked');

    const failures = failedBatch('player_game_summary', '2021-12-06', '2021-12-08', 'Binder Error: column zone not found');
    const failed = buildGrid({coverage, run: runOf({state: 'failed'}), failures, validation: null, boundary: '2022-03-01'});
    expect(failed.dayStatus(pgs, '2021-12-07')).toEqual({state: 'failed', reason: 'failed: Binder Error: column zone not found'});
    expect(failed.rows[0].cells[1].state).toBe('failed');
  });

  test('a later successful batch clears the failure', () => {
    const failures = failedBatch('player_game_summary', '2021-12-06', '2021-12-08', 'boom');
    const cleared = applyFailureEvent(failures, {
      type: 'batch-finished',
      time: 't',
      runId: 'r',
      batch: {processor: 'player_game_summary', start: '2021-12-01', end: '2021-12-09', dates: 7, attempt: 1},
      rows: 10,
      durationMs: 5,
    });
    expect(cleared.size).toBe(0);
  });
});

function report(dates: string[]): ValidationReport {
  return {
    range: {start: '2021-12-01', end: '2021-12-31'},
    tables: ['player_game_summary'],
    passed: false,
    startedAt: '2022-03-01T10:00:00Z',
    durationMs: 1200,
    results: [
      {check: 'duplicates', table: 'player_game_summary', passed: true, failures: 0, dates: [], sample: [], message: 'no duplicate keys', durationMs: 3},
      {check: 'nulls', table: 'player_game_summary', passed: false, failures: 4, dates, sample: [], message: '4 rows with NULL minutes', durationMs: 3},
    ],
  };
}

describe('grid pane', () => {
  test('shows a row per table grouped by phase, month columns, totals and the cell counts', async () => {
    const session = new FakeSession({coverage: coverageOf(DEC, {player_game_summary: 'all', team_offense_game_summary: (d) => d < '2021-12-15'})});
    const ui = await renderConsole(session);
    const frame = ui.frame();
    for (const text of ['Nov21', 'Dec21', 'Jan22', 'Feb22', 'total', 'Phase 3', 'Phase 4', 'PGS', 'MLFS']) expect(frame).toContain(text);
    expect(frame).toContain('✓27/27'); // PGS December
    expect(frame).toContain('◐12/27'); // TOGS December
    expect(frame).toContain('✓98/98'); // PGS total
    expect(frame).toContain('○0/98'); // an empty table's total
    expect(frame).toContain('◐ 40%'); // phase 3 in November: 2 of 5 tables
    ui.unmount();
  });

  test('under NO_COLOR and a non-UTF-8 locale the states read from ASCII symbols, with no color codes', async () => {
    const coverage = coverageOf(DEC, {player_game_summary: 'all', team_offense_game_summary: (d) => d < '2021-12-15'});
    const run = runOf({}, [
      progressOf('player_game_summary', {status: 'done'}),
      progressOf('team_offense_game_summary', {status: 'running', running: [{processor: 'team_offense_game_summary', start: '2021-12-15', end: '2021-12-20', dates: 5, attempt: 1}]}),
      progressOf('team_defense_game_summary', {status: 'paused', paused: true}),
      progressOf('player_shot_zone_analytics', {status: 'queued'}),
    ]);
    const session = new FakeSession({coverage, run});
    const ui = await renderConsole(session, {env: {LANG: 'C', NO_COLOR: '1'}});
    const raw = ui.rawFrame();
    expect(raw).not.toMatch(/\u001B\[(3[0-7]|9[0-7]|38;)/); // no foreground color at all
    const frame = ui.frame();
    expect(frame).toContain('+27/27'); // done
    expect(frame).toContain('>12/27'); // running (TOGS December)
    expect(frame).toContain('- 0/27'); // not covered
    expect(frame).toContain('= 0/27'); // paused (TDGS, in the run's December)
    expect(frame).toContain('^ 0/27'); // PSZA waits on its inputs
    expect(frame).not.toMatch(/[✓◐○▸‖─]/);
    ui.unmount();

    const colored = await renderConsole(new FakeSession({coverage, run}), {env: {LANG: 'en_US.UTF-8'}});
    expect(colored.rawFrame()).toMatch(/\u001B\[32m/); // green for done
    colored.unmount();
  });

  test('a failed batch shows in the grid and the month view says why', async () => {
    const session = new FakeSession({coverage: coverageOf(DEC, {player_game_summary: (d) => d < '2021-12-06'}), run: runOf({state: 'failed'})});
    session.emit({type: 'batch-failed', time: '2022-03-01T10:00:00Z', runId: 'r', batch: {processor: 'player_game_summary', start: '2021-12-06', end: '2021-12-08', dates: 3, attempt: 3}, error: 'quota exceeded for good'});
    const ui = await renderConsole(session, {env: {LANG: 'C'}});
    expect(ui.frame()).toContain('X 4/27'); // 1st, 2nd, 4th, 5th covered; 6th-8th failed
    await ui.press('l', KEYS.enter);
    expect(ui.frame()).toContain('Dec 2021: days per table');
    await ui.press(...Array(6).fill('l')); // day 7
    expect(ui.frame()).toContain('PGS 2021-12-07 X failed: quota exceeded for good');
    await ui.press('l', 'l', 'l'); // day 10: no games
    expect(ui.frame()).toContain('2021-12-10 . no games on this date');
    await ui.press('l'); // day 11: nothing ran it
    expect(ui.frame()).toContain('not scheduled');
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain('Phase 3');
    expect(ui.frame()).not.toContain('days per table');
    ui.unmount();
  });

  test('the month view shows running and waiting days', async () => {
    const run = runOf({}, [
      progressOf('player_game_summary', {status: 'running', running: [{processor: 'player_game_summary', start: '2021-11-01', end: '2021-11-05', dates: 4, attempt: 1}]}),
      progressOf('team_defensive_zone_analytics', {status: 'queued'}),
    ]);
    const session = new FakeSession({coverage: coverageOf(DEC), run: {...run, range: {start: '2021-11-01', end: '2021-11-30'}}});
    const ui = await renderConsole(session);
    await ui.press(KEYS.enter);
    expect(ui.frame()).toContain('PGS 2021-11-01 ▸ running: batch 2021-11-01..2021-11-05');
    await ui.press('j', 'j', 'j', 'j', 'j'); // TDZA
    expect(ui.frame()).toContain('TDZA 2021-11-01 ↑ waiting on an input: TDGS 2021-11-01');
    ui.unmount();
  });

  test('at 60 columns the grid scrolls horizontally to the selected month', async () => {
    const session = new FakeSession({boundary: '2023-06-01', coverage: coverageOf({start: '2021-11-01', end: '2023-05-31'}, {player_game_summary: 'all'})});
    const ui = await renderConsole(session, {columns: 60});
    expect(ui.frame()).toContain('Nov21');
    expect(ui.frame()).not.toContain('Jun22');
    for (let i = 0; i < 8; i++) await ui.press('l');
    expect(ui.frame()).toContain('Jul22'); // the cursor month is in view
    expect(ui.frame()).not.toContain('Nov21');
    expect(ui.frame()).toContain('‹'); // more to the left
    await ui.press(KEYS.home);
    expect(ui.frame()).toContain('Nov21');
    await ui.press(KEYS.end);
    expect(ui.frame()).toContain('May23');
    expect(ui.lines().every((line) => line.length <= 60)).toBe(true);
    ui.unmount();
  });

  test('validation failures are marked on their dates', async () => {
    const session = new FakeSession({coverage: coverageOf(DEC, {player_game_summary: 'all'}), validation: report(['2021-12-04', '2021-12-05'])});
    const ui = await renderConsole(session);
    expect(ui.frame()).toContain('!27/27');
    await ui.press('l', KEYS.enter, 'l', 'l', 'l');
    expect(ui.frame()).toContain('PGS 2021-12-04 ! validation failed: nulls: 4 rows with NULL minutes');
    ui.unmount();
  });
});
