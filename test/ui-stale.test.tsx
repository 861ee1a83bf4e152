// Stale dates in the console: their own symbol in the grid (Unicode, ASCII, under NO_COLOR), month
// cells and totals counting them, phase rows too, the month view naming each stale date's reason,
// and the rebuild key asking for the selection's stale dates (with the cascade in the plan shown)
// through the session's preview and start requests.
import {describe, expect, test, vi} from 'vitest';
import {derivedTable} from '../src/catalog/index.js';
import {buildGrid} from '../src/ui/coverage-grid.js';
import type {FailureMap} from '../src/ui/failures.js';
import {coverageOf, FakeSession, planPreviewOf, withStale} from './support/fake-session.js';
import {KEYS, renderConsole} from './support/render.js';

vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

const RANGE = {start: '2021-11-01', end: '2022-02-28'};
const noFailures: FailureMap = new Map();

/** Everything covered; PSZA stale on three December dates (two reasons), MLFS on one. */
function staleCoverage() {
  const coverage = coverageOf(RANGE, Object.fromEntries(['player_game_summary', 'team_offense_game_summary', 'team_defense_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context', 'team_defensive_zone_analytics', 'player_shot_zone_analytics', 'player_defensive_context', 'player_composite_factors', 'ml_feature_store'].map((t) => [t, 'all' as const])));
  return withStale(coverage, {
    player_shot_zone_analytics: {
      '2021-12-11': {reason: 'upstream', detail: 'player_game_summary 2021-12-09 rebuilt after it'},
      '2021-12-12': {reason: 'upstream', detail: 'player_game_summary 2021-12-09 rebuilt after it'},
      '2021-12-13': {reason: 'code', detail: "the processor's definition changed since it was built (2022-02-01 10:00:00)"},
    },
    ml_feature_store: {'2021-12-09': {reason: 'unknown', detail: 'no build record: this warehouse has no build records yet'}},
  });
}

describe('grid model', () => {
  test('a stale date is its own state with its reason; month cells, totals and phase rows count them', () => {
    const grid = buildGrid({coverage: staleCoverage(), run: null, failures: noFailures, validation: null, boundary: '2022-03-01'});
    const psza = derivedTable('player_shot_zone_analytics');
    expect(grid.dayStatus(psza, '2021-12-11')).toEqual({state: 'stale', reason: 'stale (upstream): PGS 2021-12-09 rebuilt after it'});
    expect(grid.dayStatus(psza, '2021-12-13').reason).toBe("stale (code): the processor's definition changed since it was built (2022-02-01 10:00:00)");
    expect(grid.dayStatus(psza, '2021-12-14')).toEqual({state: 'done', reason: 'done'});
    const row = grid.rows.find((r) => r.table.short === 'PSZA')!;
    // December: 27 game dates, all covered, 3 of them stale.
    expect(row.cells[1]).toEqual({covered: 27, expected: 27, state: 'stale', stale: 3});
    expect(row.cells[0]).toEqual({covered: 26, expected: 26, state: 'done'});
    expect(row.total).toMatchObject({state: 'stale', stale: 3, covered: row.total.expected});
    const phase4 = grid.phases[1];
    expect(phase4.cells[1]).toMatchObject({state: 'stale', stale: 4});
    expect(phase4.total).toMatchObject({state: 'stale', stale: 4});
    expect(grid.phases[0].total.state).toBe('done');
    expect(grid.staleIn(['player_shot_zone_analytics'], {start: '2021-12-12', end: '2021-12-31'})).toBe(2);
    expect(grid.staleUnavailable).toBeNull();
  });
});

describe('grid pane', () => {
  test('a stale cell shows ≈ and its stale count, the total and the phase row too', async () => {
    const ui = await renderConsole(new FakeSession({coverage: staleCoverage()}));
    const frame = ui.frame();
    const line = (label: string) => frame.split('\n').find((l) => l.slice(0, 8).trim().replace('›', '') === label)!;
    expect(line('PSZA')).toContain('≈ 3/27'); // December: 3 of 27 game dates stale
    expect(line('PSZA')).toContain('✓26/26'); // November untouched
    expect(line('PSZA')).toMatch(/≈3\/\d+ *$/); // the total column
    expect(line('MLFS')).toContain('≈ 1/27');
    expect(line('Phase 4')).toContain('≈  3%'); // 4 of 135 table-dates, rounded up
    expect(line('PGS')).toContain('✓27/27');
    ui.unmount();
  });

  test('under NO_COLOR and a non-UTF-8 locale a stale cell reads *, without color', async () => {
    const ui = await renderConsole(new FakeSession({coverage: staleCoverage()}), {env: {LANG: 'C', NO_COLOR: '1'}});
    expect(ui.rawFrame()).not.toMatch(/\u001B\[(3[0-7]|9[0-7]|38;)/);
    const frame = ui.frame();
    expect(frame).toContain('* 3/27');
    expect(frame).not.toContain('≈');
    ui.unmount();
    const colored = await renderConsole(new FakeSession({coverage: staleCoverage()}), {env: {LANG: 'en_US.UTF-8'}});
    expect(colored.rawFrame()).toMatch(/\u001B\[33m≈/); // yellow, with its symbol
    colored.unmount();
  });

  test('the month view marks each stale day and says why for the one under the cursor', async () => {
    const ui = await renderConsole(new FakeSession({coverage: staleCoverage()}));
    // PSZA (the 7th row), December, the 11th (the 10th is not a game date in the fake schedule).
    await ui.press('j'.repeat(6), 'l', KEYS.enter);
    expect(ui.frame()).toContain('Dec 2021: days per table (PSZA 27/27 game dates, 3 stale)');
    await ui.press('l'.repeat(10));
    expect(ui.frame()).toContain('PSZA 2021-12-11 ≈ stale (upstream): PGS 2021-12-09 rebuilt after it');
    await ui.press('l', 'l');
    expect(ui.frame()).toContain("PSZA 2021-12-13 ≈ stale (code): the processor's definition changed");
    const pszaDays = ui.frame().split('\n').find((l) => l.startsWith('›PSZA'))!;
    expect(pszaDays.match(/≈/g)).toHaveLength(3);
    ui.unmount();
  });
});

describe('the rebuild key', () => {
  test('S asks for the stale dates of the selection, shows the plan with its cascade, and y starts that plan', async () => {
    const session = new FakeSession({coverage: staleCoverage()});
    session.previewResult = planPreviewOf(
      {batches: 3, dates: 10, workers: 4, cascadeDates: 7},
      {
        reprocess: 'stale',
        processors: [
          {name: 'player_shot_zone_analytics', batches: 1, dates: 3, lookbackDates: 0, skipped: 24, cascadeDates: 0},
          {name: 'player_composite_factors', batches: 1, dates: 3, lookbackDates: 0, skipped: 0, cascadeDates: 3},
          {name: 'ml_feature_store', batches: 1, dates: 4, lookbackDates: 0, skipped: 0, cascadeDates: 4},
        ],
      },
    );
    const ui = await renderConsole(session);
    await ui.press('j'.repeat(6), 'l');
    expect(ui.lines().at(-1)).toContain('S stale'); // offered in the footer: the selection has stale dates
    await ui.press('S');
    const frame = ui.frame();
    expect(frame).toContain('Rebuild the stale dates of Dec21 PSZA (2021-12-01..2021-12-31)?');
    expect(frame).toContain('the cascade adds 7 dates that read what it rebuilds: PCF +3, MLFS +4');
    await ui.press('y');
    expect(session.calls).toEqual([
      {method: 'preview', request: {range: {start: '2021-12-01', end: '2021-12-31'}, processors: ['player_shot_zone_analytics'], reprocess: 'stale'}},
      {method: 'start', request: {range: {start: '2021-12-01', end: '2021-12-31'}, processors: ['player_shot_zone_analytics'], reprocess: 'stale'}, planId: 'plan-test'},
    ]);
    ui.unmount();
  });

  test('after the run rebuilt them, the cells are done again', async () => {
    const session = new FakeSession({coverage: staleCoverage()});
    const ui = await renderConsole(session);
    expect(ui.frame()).toContain('≈ 3/27');
    session.set({coverage: coverageOf(RANGE, {player_shot_zone_analytics: 'all'})});
    await ui.press('z');
    expect(ui.frame()).not.toContain('≈');
    const psza = ui.frame().split('\n').find((l) => l.slice(1, 8).trim() === 'PSZA')!;
    expect(psza).toContain('✓27/27');
    ui.unmount();
  });
});
