// Phase 4 formulas on hand-made inputs: a few games whose zone totals, minutes and points are
// chosen so that every expected figure below can be worked out by hand.
import {afterEach, describe, expect, it} from 'vitest';
import {ALL_TABLES, findTable, resolveTable} from '../src/catalog/index.js';
import {processorFor} from '../src/queries/processors/index.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {rangeParams, type Row, type SqlValue} from '../src/warehouse/types.js';

let warehouse: DuckDbWarehouse | undefined;
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
});

async function emptyWarehouse(): Promise<DuckDbWarehouse> {
  warehouse = await openDuckDb(':memory:');
  await warehouse.ensureTables(ALL_TABLES);
  return warehouse;
}

function sqlLiteral(value: SqlValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

/** Inserts rows given as partial objects; columns left out are NULL. */
async function insert(w: DuckDbWarehouse, tableName: string, rows: Record<string, SqlValue>[]): Promise<void> {
  const table = findTable(tableName)!;
  const names = table.columns.map((c) => c.name);
  const values = rows.map((r) => `(${names.map((n) => sqlLiteral(r[n])).join(', ')})`);
  await w.query(`INSERT INTO ${w.dialect.table(table)} (${names.map((n) => `"${n}"`).join(', ')}) VALUES ${values.join(',\n')}`);
}

async function build(w: DuckDbWarehouse, tableName: string, start: string, end: string): Promise<void> {
  const processor = processorFor(resolveTable(tableName));
  await w.replaceRange(processor.table, processor.select(w.dialect), rangeParams(start, end, 'test'));
}

async function rowsOf(w: DuckDbWarehouse, tableName: string, where = 'TRUE'): Promise<Row[]> {
  const table = findTable(tableName)!;
  return w.query(`SELECT * FROM ${w.dialect.table(table)} WHERE ${where} ORDER BY ALL`);
}

const game = (game_id: string, game_date: string, home: string, away: string, status = 'Final') => ({
  game_id, game_date, season: game_id.startsWith('00222') ? '2022-23' : '2023-24', season_type: 'Regular Season',
  home_team_abbr: home, away_team_abbr: away, game_status: status,
});

interface Zones { paint: [number, number]; mid: [number, number]; three: [number, number]; dr: number; pace: number }
const defence = (game_id: string, game_date: string, team_abbr: string, opponent: string, z: Zones) => ({
  game_id, game_date, team_abbr, opponent_team_abbr: opponent, season: game_id.startsWith('00222') ? '2022-23' : '2023-24',
  points_allowed: 100, defensive_rating: z.dr, pace: z.pace,
  opp_paint_makes: z.paint[0], opp_paint_attempts: z.paint[1],
  opp_mid_range_makes: z.mid[0], opp_mid_range_attempts: z.mid[1],
  opp_three_makes: z.three[0], opp_three_attempts: z.three[1],
});

/**
 * Season 2022-23: AAA–BBB (10-18), CCC–DDD (10-19), AAA–CCC (10-20), BBB–DDD postponed (10-21),
 * AAA–DDD (10-23, the date under test, whose own rows must never count).
 */
async function smallSeason(w: DuckDbWarehouse): Promise<void> {
  await insert(w, 'nba_schedule', [
    game('0022200001', '2022-10-18', 'AAA', 'BBB'),
    game('0022200002', '2022-10-19', 'CCC', 'DDD'),
    game('0022200003', '2022-10-20', 'AAA', 'CCC'),
    game('0022200004', '2022-10-21', 'BBB', 'DDD', 'Postponed'),
    game('0022200005', '2022-10-23', 'AAA', 'DDD'),
  ]);
  await insert(w, 'team_defense_game_summary', [
    defence('0022200001', '2022-10-18', 'AAA', 'BBB', {paint: [10, 20], mid: [4, 10], three: [12, 36], dr: 110, pace: 100}),
    defence('0022200001', '2022-10-18', 'BBB', 'AAA', {paint: [12, 24], mid: [5, 10], three: [10, 30], dr: 105, pace: 100}),
    defence('0022200002', '2022-10-19', 'CCC', 'DDD', {paint: [8, 20], mid: [6, 12], three: [11, 33], dr: 100, pace: 96}),
    defence('0022200002', '2022-10-19', 'DDD', 'CCC', {paint: [14, 25], mid: [3, 9], three: [13, 35], dr: 112, pace: 96}),
    defence('0022200003', '2022-10-20', 'AAA', 'CCC', {paint: [15, 25], mid: [2, 8], three: [9, 30], dr: 104, pace: 98}),
    defence('0022200003', '2022-10-20', 'CCC', 'AAA', {paint: [11, 22], mid: [5, 11], three: [12, 32], dr: 108, pace: 98}),
    // The game on the date under test: perfect shooting that would show if it leaked in.
    defence('0022200005', '2022-10-23', 'AAA', 'DDD', {paint: [30, 30], mid: [9, 9], three: [20, 20], dr: 150, pace: 120}),
    defence('0022200005', '2022-10-23', 'DDD', 'AAA', {paint: [30, 30], mid: [9, 9], three: [20, 20], dr: 150, pace: 120}),
  ]);
}

// League totals of the 2022-23 rows before 10-23 (six team-games).
const LEAGUE = {paint: 70 / 136, mid: 25 / 60, three: 67 / 196};

describe('team_defensive_zone_analytics', () => {
  it('averages the last games before D and compares each zone with the league season to date', async () => {
    const w = await emptyWarehouse();
    await smallSeason(w);
    await build(w, 'team_defensive_zone_analytics', '2022-10-18', '2022-10-23');
    const rows = await rowsOf(w, 'team_defensive_zone_analytics');
    // Two teams per Final game; nothing on 10-21 (postponed) nor 10-22 (no game).
    expect(rows.map((r) => `${r.game_date} ${r.team_abbr}`)).toEqual([
      '2022-10-18 AAA', '2022-10-18 BBB', '2022-10-19 CCC', '2022-10-19 DDD',
      '2022-10-20 AAA', '2022-10-20 CCC', '2022-10-23 AAA', '2022-10-23 DDD',
    ]);
    const aaa = rows.find((r) => r.game_date === '2022-10-23' && r.team_abbr === 'AAA')!;
    expect(aaa).toMatchObject({game_id: '0022200005', season: '2022-23', games_in_sample: 2, def_rating_avg: 107, pace_avg: 99});
    expect(aaa.opp_paint_fg_pct).toBeCloseTo(25 / 45, 12);
    expect(aaa.opp_paint_attempts_pg).toBeCloseTo(22.5, 12);
    expect(aaa.opp_three_attempts_pg).toBeCloseTo(33, 12);
    expect(aaa.paint_fg_pct_vs_league).toBeCloseTo(25 / 45 - LEAGUE.paint, 12);
    expect(aaa.mid_range_fg_pct_vs_league).toBeCloseTo(6 / 18 - LEAGUE.mid, 12);
    const ddd = rows.find((r) => r.game_date === '2022-10-23' && r.team_abbr === 'DDD')!;
    expect(ddd.games_in_sample).toBe(1);
    expect(ddd.three_fg_pct_vs_league).toBeCloseTo(13 / 35 - LEAGUE.three, 12);
  });

  it('gives a team on its first game a sample of 0 and NULL figures', async () => {
    const w = await emptyWarehouse();
    await smallSeason(w);
    await build(w, 'team_defensive_zone_analytics', '2022-10-18', '2022-10-19');
    const [first] = await rowsOf(w, 'team_defensive_zone_analytics', "team_abbr = 'AAA'");
    expect(first).toMatchObject({
      game_date: '2022-10-18', games_in_sample: 0, opp_paint_fg_pct: null, opp_paint_attempts_pg: null,
      def_rating_avg: null, pace_avg: null, paint_fg_pct_vs_league: null,
    });
  });

  it('keeps only the last 15 games, and the league figure of the same season only', async () => {
    const w = await emptyWarehouse();
    await smallSeason(w);
    const dates = Array.from({length: 17}, (_, i) => `2023-11-${String(i + 1).padStart(2, '0')}`);
    await insert(w, 'nba_schedule', dates.map((date, i) => game(`00223000${String(i + 1).padStart(2, '0')}`, date, 'EEE', 'FFF')));
    await insert(w, 'team_defense_game_summary', dates.flatMap((date, i) => {
      const id = `00223000${String(i + 1).padStart(2, '0')}`;
      const other = {mid: [1, 2] as [number, number], three: [1, 3] as [number, number], dr: 100, pace: 100};
      return [
        defence(id, date, 'EEE', 'FFF', {...other, paint: [i + 1, 20]}), // game n: n makes of 20
        defence(id, date, 'FFF', 'EEE', {...other, paint: [10, 20]}),
      ];
    }));
    await build(w, 'team_defensive_zone_analytics', '2023-11-17', '2023-11-17');
    const [eee] = await rowsOf(w, 'team_defensive_zone_analytics', "team_abbr = 'EEE'");
    // Before game 17: games 2..16 count, 135 makes of 300; the league has games 1..16 of both teams.
    expect(eee.games_in_sample).toBe(15);
    expect(eee.opp_paint_fg_pct).toBeCloseTo(135 / 300, 12);
    expect(eee.paint_fg_pct_vs_league).toBeCloseTo(135 / 300 - (136 + 160) / 640, 12);
  });
});

const appearance = (player: string, team: string, game_id: string, game_date: string, season: string, s: {
  points?: number; minutes?: number; paint?: [number, number]; mid?: [number, number]; three?: [number, number];
}) => {
  const [pm, pa] = s.paint ?? [0, 0];
  const [mm, ma] = s.mid ?? [0, 0];
  const [tm, ta] = s.three ?? [0, 0];
  return {
    game_date, game_id, player_lookup: player, season, team_abbr: team, opponent_team_abbr: 'XXX',
    minutes: s.minutes ?? 30, points: s.points ?? 10, rebounds: 0, assists: 0,
    fga: pa + ma + ta, fgm: pm + mm + tm, fg3a: ta, fg3m: tm,
    paint_attempts: pa, paint_makes: pm, mid_range_attempts: ma, mid_range_makes: mm, three_attempts: ta, three_makes: tm,
  };
};

const context = (player: string, team: string, opponent: string, game_id: string, game_date: string, c: Record<string, SqlValue>) => ({
  game_date, game_id, player_lookup: player, player_id: player.length, player_name: player, season: '2022-23',
  team_abbr: team, opponent_team_abbr: opponent, is_home: team === 'AAA', is_back_to_back: false, games_last_7_days: 0,
  season_games_played: 0, ...c,
});

/** alpha (AAA) played 10-18 and 10-20; gamma (DDD) never has; beta (DDD) played last season only. */
async function players(w: DuckDbWarehouse): Promise<void> {
  await smallSeason(w);
  await insert(w, 'player_game_summary', [
    appearance('alpha', 'AAA', '0022200001', '2022-10-18', '2022-23', {points: 18, paint: [3, 5], mid: [1, 2], three: [1, 3]}),
    appearance('alpha', 'AAA', '0022200003', '2022-10-20', '2022-23', {points: 22, paint: [2, 3], mid: [1, 3], three: [2, 4]}),
    // On the date under test: a target for MLFS, never a feature.
    appearance('alpha', 'AAA', '0022200005', '2022-10-23', '2022-23', {points: 30, minutes: 35.5, paint: [20, 20]}),
    appearance('beta', 'DDD', '0022100100', '2022-01-10', '2021-22', {points: 10}),
    appearance('beta', 'DDD', '0022100200', '2022-02-10', '2021-22', {points: 14}),
    // Two seasons back: not "the previous season" of 2022-23.
    appearance('gamma', 'DDD', '0022000300', '2021-03-01', '2020-21', {points: 25}),
  ]);
  await insert(w, 'upcoming_player_game_context', [
    context('alpha', 'AAA', 'DDD', '0022200005', '2022-10-23', {
      days_rest: 3, games_last_7_days: 2, season_games_played: 2, season_points_avg: 20, l5_points_avg: 20,
      l10_points_avg: 20, season_minutes_avg: 30, l5_minutes_avg: 34, last_game_minutes: 30,
    }),
    context('beta', 'DDD', 'AAA', '0022200005', '2022-10-23', {}),
    context('gamma', 'DDD', 'AAA', '0022200005', '2022-10-23', {}),
  ]);
  await insert(w, 'upcoming_team_game_context', [
    {game_date: '2022-10-23', game_id: '0022200005', team_abbr: 'AAA', opponent_team_abbr: 'DDD', season: '2022-23', is_home: true,
      days_rest: 3, opponent_days_rest: 4, rest_advantage: -1, win_pct: 0.5, streak: -1},
  ]);
}

async function buildPhase4(w: DuckDbWarehouse, start: string, end: string): Promise<void> {
  for (const name of ['team_defensive_zone_analytics', 'player_shot_zone_analytics', 'player_defensive_context', 'player_composite_factors', 'ml_feature_store']) {
    await build(w, name, start, end);
  }
}

// DDD's defence before 10-23 is its 10-19 game; AAA's is 10-18 and 10-20 (pace 100 and 98).
const DDD_DELTA = {paint: 14 / 25 - LEAGUE.paint, mid: 3 / 9 - LEAGUE.mid, three: 13 / 35 - LEAGUE.three};

describe('player_shot_zone_analytics and player_defensive_context', () => {
  it('gives each player in UPGC his zone shares and FG% over his games before D', async () => {
    const w = await emptyWarehouse();
    await players(w);
    await buildPhase4(w, '2022-10-23', '2022-10-23');
    const shots = await rowsOf(w, 'player_shot_zone_analytics');
    expect(shots.map((r) => r.player_lookup)).toEqual(['alpha', 'beta', 'gamma']);
    const alpha = shots[0];
    // 20 attempts over two games: paint 8 (5 made), mid 5 (2), three 7 (3).
    expect(alpha).toMatchObject({game_id: '0022200005', team_abbr: 'AAA', games_in_sample: 2, fga_per_game: 10});
    expect(alpha.paint_share).toBeCloseTo(8 / 20, 12);
    expect(alpha.mid_range_share).toBeCloseTo(5 / 20, 12);
    expect(alpha.three_share).toBeCloseTo(7 / 20, 12);
    expect(alpha.paint_fg_pct).toBeCloseTo(5 / 8, 12);
    expect(alpha.three_fg_pct).toBeCloseTo(3 / 7, 12);
    // beta's games are last season's: no sample this season.
    expect(shots[1]).toMatchObject({games_in_sample: 0, fga_per_game: null, paint_share: null});

    const [alphaContext] = await rowsOf(w, 'player_defensive_context', "player_lookup = 'alpha'");
    expect(alphaContext).toMatchObject({opponent_team_abbr: 'DDD', opp_games_in_sample: 1, opp_def_rating_avg: 112, opp_pace_avg: 96});
    expect(alphaContext.opp_paint_fg_pct_vs_league).toBeCloseTo(DDD_DELTA.paint, 12);
  });
});

describe('player_composite_factors', () => {
  it('computes each factor and the composite as written in the processor', async () => {
    const w = await emptyWarehouse();
    await players(w);
    await buildPhase4(w, '2022-10-23', '2022-10-23');
    const [alpha, , gamma] = await rowsOf(w, 'player_composite_factors');
    const matchup = (8 / 20) * DDD_DELTA.paint + (5 / 20) * DDD_DELTA.mid + (7 / 20) * DDD_DELTA.three;
    const fatigue = 1 - 0.004 * (34 - 32) + 0.02; // 3 days of rest, 34 minutes over the last 5
    const leaguePace = (96 + 99) / 2; // the two defences playing on 10-23
    const pace = 96 / leaguePace;
    const usage = (34 - 30) / 30;
    expect(alpha.shot_zone_matchup).toBeCloseTo(matchup, 12);
    expect(alpha.fatigue_factor).toBeCloseTo(fatigue, 12);
    expect(alpha.pace_factor).toBeCloseTo(pace, 12);
    expect(alpha.usage_trend).toBeCloseTo(usage, 12);
    expect(alpha.composite_adjustment).toBeCloseTo(matchup + 0.5 * (fatigue - 1) + 0.3 * (pace - 1) + 0.2 * usage, 12);
    // No history: every factor neutral but pace (his opponent AAA is known).
    expect(gamma).toMatchObject({player_lookup: 'gamma', shot_zone_matchup: 0, fatigue_factor: 1, usage_trend: 0});
    expect(gamma.pace_factor).toBeCloseTo(99 / leaguePace, 12);
  });

  it('lowers fatigue for a back-to-back in a crowded week', async () => {
    const w = await emptyWarehouse();
    await players(w);
    await w.query(`UPDATE nba_analytics.upcoming_player_game_context SET is_back_to_back = true, days_rest = 1, games_last_7_days = 5 WHERE player_lookup = 'alpha'`);
    await buildPhase4(w, '2022-10-23', '2022-10-23');
    const [alpha] = await rowsOf(w, 'player_composite_factors', "player_lookup = 'alpha'");
    expect(alpha.fatigue_factor).toBeCloseTo(1 - 0.05 - 0.02 * 2 - 0.004 * 2, 12);
  });
});

describe('ml_feature_store', () => {
  it('falls back from this season to the previous one to the rookie default for season_ppg', async () => {
    const w = await emptyWarehouse();
    await players(w);
    await buildPhase4(w, '2022-10-23', '2022-10-23');
    const rows = await rowsOf(w, 'ml_feature_store');
    expect(rows.map((r) => [r.player_lookup, r.season_ppg, r.season_ppg_source])).toEqual([
      ['alpha', 20, 'current_season'],
      ['beta', 12, 'previous_season'],
      ['gamma', 6, 'rookie_default'],
    ]);
    expect(rows[0]).toMatchObject({
      feature_version: 'v1', target_points: 30, target_minutes: 35.5, team_days_rest: 3, rest_advantage: -1,
      team_win_pct: 0.5, team_streak: -1, fga_per_game: 10, opp_pace_avg: 96,
    });
    expect(rows[1]).toMatchObject({target_points: null, target_minutes: null});
  });
});
