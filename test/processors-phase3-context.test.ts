// UPGC and UTGC on the hand-made fixture: rest, back-to-backs, rolling averages, records, streaks
// and road trips, worked out by hand from the fixture's header; then point-in-time: rows for D do
// not move when anything dated after D changes.
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {boxscoreTraditional, nbaSchedule, teamRoster, upcomingPlayerGameContext, upcomingTeamGameContext} from '../src/catalog/tables.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import type {Row} from '../src/warehouse/types.js';
import {buildRange, derivedRows, FIXTURE_RANGE, insertSourceRows, openFixtureWarehouse} from './support/fixture.js';

let warehouse: DuckDbWarehouse;
beforeEach(async () => {
  warehouse = await openFixtureWarehouse();
});
afterEach(async () => {
  await warehouse.close();
});

async function buildAll(): Promise<void> {
  await buildRange(warehouse, upcomingPlayerGameContext, FIXTURE_RANGE.start, FIXTURE_RANGE.end);
  await buildRange(warehouse, upcomingTeamGameContext, FIXTURE_RANGE.start, FIXTURE_RANGE.end);
}

async function playerRow(date: string, player: string): Promise<Row | undefined> {
  return (await derivedRows(warehouse, upcomingPlayerGameContext, date)).find((r) => r.player_lookup === player);
}

async function teamRow(date: string, team: string): Promise<Row> {
  const row = (await derivedRows(warehouse, upcomingTeamGameContext, date)).find((r) => r.team_abbr === team);
  expect(row, `${team} on ${date}`).toBeDefined();
  return row!;
}

const NO_HISTORY = {
  days_rest: null, is_back_to_back: false, games_last_7_days: 0, season_games_played: 0,
  season_points_avg: null, l5_points_avg: null, l10_points_avg: null, season_minutes_avg: null, l5_minutes_avg: null,
  last_game_minutes: null,
};

/**
 * A long run for the windows: DDD hosts EEE every day from 2021-11-01 to 2021-11-12; DDD's only
 * player "longrun" scores k points in 2·k minutes in game k, and DDD wins every game.
 */
async function addLongRun(): Promise<void> {
  const games = Array.from({length: 12}, (_, i) => ({k: i + 1, date: `2021-11-${String(i + 1).padStart(2, '0')}`, id: `00221009${String(i + 1).padStart(2, '0')}`}));
  await insertSourceRows(warehouse, nbaSchedule, games.map((g) => ({
    game_id: g.id, game_date: g.date, season: '2021-22', season_type: 'Regular Season', home_team_abbr: 'DDD',
    away_team_abbr: 'EEE', game_status: 'Final', home_score: g.k + 1, away_score: 0,
  })));
  await insertSourceRows(warehouse, teamRoster, [
    {season: '2021-22', team_abbr: 'DDD', player_id: 501, player_lookup: 'longrun', player_name: 'Long Run', position: 'G', valid_from: '2021-10-01', valid_to: null},
  ]);
  await insertSourceRows(warehouse, boxscoreTraditional, games.map((g) => ({
    game_id: g.id, game_date: g.date, team_abbr: 'DDD', player_id: 501, player_name: 'Long Run', player_lookup: 'longrun',
    starter: true, minutes: `${String(2 * g.k).padStart(2, '0')}:00`, dnp_reason: null, points: g.k,
  })));
}

describe('upcoming_player_game_context', () => {
  it('has every rostered player of both teams on each game date, DNPs and traded players included', async () => {
    await buildAll();
    const rows = await derivedRows(warehouse, upcomingPlayerGameContext);
    const perDate = Object.fromEntries(
      [...new Set(rows.map((r) => r.game_date as string))].map((date) => [date, rows.filter((r) => r.game_date === date).length]),
    );
    // AAA 4 + BBB 4 | AAA 4 + CCC 3 | BBB 4 + CCC 3 | AAA 4 + CCC 4 (tomtrade) | BBB 3 + AAA 4 | CCC 4 + BBB 3 | 3 + 3
    expect(perDate).toEqual({
      '2021-10-19': 8, '2021-10-20': 7, '2021-10-22': 7, '2021-10-24': 8, '2021-10-26': 7, '2021-10-27': 7, '2022-10-18': 6,
    });
    // benbeta has no box row on 10-19, arnoldalpha is a DNP: both are there with no history.
    expect(await playerRow('2021-10-19', 'benbeta')).toMatchObject({team_abbr: 'BBB', opponent_team_abbr: 'AAA', is_home: false, ...NO_HISTORY});
    expect(await playerRow('2021-10-20', 'arnoldalpha')).toMatchObject({team_abbr: 'AAA', is_home: false, ...NO_HISTORY});
    // tomtrade's BBB stint ends on 10-22 (inclusive): he is with BBB that day, with neither team on 10-26.
    expect(await playerRow('2021-10-22', 'tomtrade')).toMatchObject({team_abbr: 'BBB'});
    expect(await playerRow('2021-10-26', 'tomtrade')).toBeUndefined();
  });

  it("follows aaronalpha's season: 18, 9, 19, 8 points in 48, 48, 53, 48 minutes", async () => {
    await buildAll();
    expect(await playerRow('2021-10-19', 'aaronalpha')).toMatchObject({game_id: '0022100001', ...NO_HISTORY});
    expect(await playerRow('2021-10-20', 'aaronalpha')).toMatchObject({
      days_rest: 1, is_back_to_back: true, games_last_7_days: 1, season_games_played: 1,
      season_points_avg: 18, l5_points_avg: 18, l10_points_avg: 18, season_minutes_avg: 48, last_game_minutes: 48,
    });
    // [10-17, 10-23] holds 10-19 and 10-20
    expect(await playerRow('2021-10-24', 'aaronalpha')).toMatchObject({
      days_rest: 4, is_back_to_back: false, games_last_7_days: 2, season_games_played: 2, season_points_avg: 13.5,
    });
    const oct26 = await playerRow('2021-10-26', 'aaronalpha');
    // [10-19, 10-25] holds 10-19, 10-20, 10-24
    expect(oct26).toMatchObject({days_rest: 2, games_last_7_days: 3, season_games_played: 3, last_game_minutes: 53});
    expect(oct26!.season_points_avg).toBeCloseTo(46 / 3, 10);
    expect(oct26!.season_minutes_avg).toBeCloseTo(149 / 3, 10);
    // A new season starts from nothing.
    expect(await playerRow('2022-10-18', 'aaronalpha')).toMatchObject({season: '2022-23', ...NO_HISTORY});
  });

  it('carries a traded player\'s history to his new team', async () => {
    await buildAll();
    // BBB 10-19 (8 pts, 96 min), BBB 10-22 (12, 96), then CCC 10-24 (9, 72)
    expect(await playerRow('2021-10-24', 'tomtrade')).toMatchObject({
      team_abbr: 'CCC', opponent_team_abbr: 'AAA', is_home: false, days_rest: 2, games_last_7_days: 2,
      season_games_played: 2, season_points_avg: 10, last_game_minutes: 96,
    });
    const oct27 = await playerRow('2021-10-27', 'tomtrade');
    expect(oct27).toMatchObject({team_abbr: 'CCC', days_rest: 3, games_last_7_days: 2, season_games_played: 3, season_minutes_avg: 88, last_game_minutes: 72});
    expect(oct27!.season_points_avg).toBeCloseTo(29 / 3, 10);
    // DNP days are not appearances: arnoldalpha played only on 10-24 (5 points, 52 minutes).
    expect(await playerRow('2021-10-26', 'arnoldalpha')).toMatchObject({days_rest: 2, season_games_played: 1, season_points_avg: 5, last_game_minutes: 52});
    // coreygamma is a DNP on 10-27 and still gets his row.
    expect(await playerRow('2021-10-27', 'coreygamma')).toMatchObject({days_rest: 3, season_games_played: 3});
  });

  it('averages the last 5 and 10 appearances and counts at most 7 days back', async () => {
    await addLongRun();
    await buildRange(warehouse, upcomingPlayerGameContext, '2021-11-12', '2021-11-12');
    // before game 12: points 1..11 in 2..22 minutes, one game a day
    expect(await playerRow('2021-11-12', 'longrun')).toMatchObject({
      days_rest: 1, is_back_to_back: true, games_last_7_days: 7, season_games_played: 11,
      season_points_avg: 6, l5_points_avg: 9, l10_points_avg: 6.5, season_minutes_avg: 12, l5_minutes_avg: 18, last_game_minutes: 22,
    });
  });
});

describe('upcoming_team_game_context', () => {
  it('starts each season with no history', async () => {
    await buildAll();
    const start = {days_rest: null, is_back_to_back: false, games_last_7_days: 0, season_wins: 0, season_losses: 0, win_pct: null, l10_wins: 0, streak: 0};
    expect(await teamRow('2021-10-19', 'AAA')).toMatchObject({...start, is_home: true, consecutive_road_games: 0, opponent_days_rest: null, rest_advantage: null});
    expect(await teamRow('2021-10-19', 'BBB')).toMatchObject({...start, is_home: false, consecutive_road_games: 1});
    expect(await teamRow('2022-10-18', 'AAA')).toMatchObject({...start, season: '2022-23', consecutive_road_games: 1});
  });

  it('reads rest, record, streak and road trips from games strictly before the date', async () => {
    await buildAll();
    // AAA: W 10-19 home, L 10-20 away, W 10-24 home, L 10-26 away
    expect(await teamRow('2021-10-20', 'AAA')).toMatchObject({
      opponent_team_abbr: 'CCC', is_home: false, days_rest: 1, is_back_to_back: true, opponent_days_rest: null, rest_advantage: null,
      games_last_7_days: 1, season_wins: 1, season_losses: 0, win_pct: 1, l10_wins: 1, streak: 1, consecutive_road_games: 1,
    });
    expect(await teamRow('2021-10-24', 'AAA')).toMatchObject({
      days_rest: 4, is_back_to_back: false, opponent_days_rest: 2, rest_advantage: 2, games_last_7_days: 2,
      season_wins: 1, season_losses: 1, win_pct: 0.5, streak: -1, consecutive_road_games: 0,
    });
    expect(await teamRow('2021-10-26', 'AAA')).toMatchObject({
      days_rest: 2, opponent_days_rest: 4, rest_advantage: -2, games_last_7_days: 3, season_wins: 2, season_losses: 1, streak: 1, consecutive_road_games: 1,
    });
    // CCC: W 10-20 home, L 10-22 away, then away again on 10-24: two road games in a row
    expect(await teamRow('2021-10-24', 'CCC')).toMatchObject({days_rest: 2, opponent_days_rest: 4, rest_advantage: -2, streak: -1, consecutive_road_games: 2});
    // BBB: L 10-19, W 10-22, W 10-26, then away the next day
    const bbb = await teamRow('2021-10-27', 'BBB');
    expect(bbb).toMatchObject({
      days_rest: 1, is_back_to_back: true, opponent_days_rest: 3, rest_advantage: -2, games_last_7_days: 2,
      season_wins: 2, season_losses: 1, l10_wins: 2, streak: 2, consecutive_road_games: 1,
    });
    expect(bbb.win_pct).toBeCloseTo(2 / 3, 10);
    expect(await teamRow('2021-10-27', 'CCC')).toMatchObject({season_wins: 1, season_losses: 2, streak: -2, games_last_7_days: 3, consecutive_road_games: 0});
  });

  it('caps l10_wins at ten games and counts a long streak', async () => {
    await addLongRun();
    await buildRange(warehouse, upcomingTeamGameContext, '2021-11-12', '2021-11-12');
    expect(await teamRow('2021-11-12', 'DDD')).toMatchObject({season_wins: 11, l10_wins: 10, streak: 11, games_last_7_days: 7, consecutive_road_games: 0});
    expect(await teamRow('2021-11-12', 'EEE')).toMatchObject({season_losses: 11, l10_wins: 0, streak: -11, consecutive_road_games: 12});
  });
});

describe('point in time', () => {
  const D = '2021-10-24';

  /** Rewrites what happens after D: the Postponed 10-25 game is played, 10-26's result flips, a late box row appears. */
  async function changeTheFuture(): Promise<void> {
    await warehouse.query(`UPDATE nba_orchestration.nba_schedule SET game_status = 'Final', home_score = 1, away_score = 2 WHERE game_id = '0022100005'`);
    await warehouse.query(`UPDATE nba_orchestration.nba_schedule SET home_score = 0, away_score = 50 WHERE game_id = '0022100006'`);
    await warehouse.query(`UPDATE nba_raw.boxscore_traditional SET points = 40, "minutes" = '10:00' WHERE game_id = '0022100006'`);
    await insertSourceRows(warehouse, boxscoreTraditional, [
      {game_id: '0022100005', game_date: '2021-10-25', team_abbr: 'AAA', player_id: 101, player_name: 'Aaron Alpha', player_lookup: 'aaronalpha', starter: true, minutes: '30:00', points: 50},
      {game_id: '0022100005', game_date: '2021-10-25', team_abbr: 'BBB', player_id: 203, player_name: 'Ben Beta', player_lookup: 'benbeta', starter: true, minutes: '30:00', points: 50},
    ]);
    await insertSourceRows(warehouse, teamRoster, [
      {season: '2021-22', team_abbr: 'AAA', player_id: 999, player_lookup: 'latesigning', player_name: 'Late Signing', position: 'G', valid_from: '2021-10-25', valid_to: null},
    ]);
  }

  for (const table of [upcomingPlayerGameContext, upcomingTeamGameContext]) {
    it(`${table.short} rows for D do not change when sources after D change`, async () => {
      await buildRange(warehouse, table, FIXTURE_RANGE.start, FIXTURE_RANGE.end);
      const before = await derivedRows(warehouse, table, D);
      const laterBefore = await derivedRows(warehouse, table, '2021-10-26');
      await changeTheFuture();
      await buildRange(warehouse, table, FIXTURE_RANGE.start, FIXTURE_RANGE.end);
      expect(await derivedRows(warehouse, table, D)).toEqual(before);
      // The change is real: it does move the rows of a later date.
      expect(await derivedRows(warehouse, table, '2021-10-26')).not.toEqual(laterBefore);
    });
  }
});
