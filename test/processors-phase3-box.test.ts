// PGS, TOGS and TDGS on the hand-made fixture: every expected figure below is worked out by hand
// from the stat lines in test/support/fixture.ts, not by the SQL under test.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {playerGameSummary, teamDefenseGameSummary, teamOffenseGameSummary} from '../src/catalog/tables.js';
import {duckdb} from '../src/queries/dialect.js';
import {projectColumns} from '../src/queries/processors/phase3/project.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import type {Row} from '../src/warehouse/types.js';
import {buildRange, derivedRows, FIXTURE_RANGE, openFixtureWarehouse} from './support/fixture.js';

let warehouse: DuckDbWarehouse;
beforeAll(async () => {
  warehouse = await openFixtureWarehouse();
  for (const table of [playerGameSummary, teamOffenseGameSummary, teamDefenseGameSummary]) {
    await buildRange(warehouse, table, FIXTURE_RANGE.start, FIXTURE_RANGE.end);
  }
});
afterAll(async () => {
  await warehouse.close();
});

function find(rows: Row[], match: Record<string, string>): Row {
  const found = rows.filter((r) => Object.entries(match).every(([k, v]) => r[k] === v));
  expect(found, JSON.stringify(match)).toHaveLength(1);
  return found[0];
}

describe('player_game_summary', () => {
  it('has one row per player with minutes > 0: 48 box lines minus 4 DNPs', async () => {
    const rows = await derivedRows(warehouse, playerGameSummary);
    expect(rows).toHaveLength(44);
    expect(rows.some((r) => r.player_lookup === 'arnoldalpha' && r.game_date === '2021-10-19')).toBe(false);
    expect(rows.some((r) => r.player_lookup === 'coreygamma' && r.game_date === '2021-10-27')).toBe(false);
    // The Postponed game of 10-25 is not a game date.
    expect(rows.some((r) => r.game_date === '2021-10-25')).toBe(false);
  });

  it('computes shooting, usage and zones for aaronalpha on 2021-10-19', async () => {
    const row = find(await derivedRows(warehouse, playerGameSummary, '2021-10-19'), {player_lookup: 'aaronalpha'});
    expect(row).toMatchObject({
      game_id: '0022100001', player_id: 101, player_name: 'Aaron Alpha', season: '2021-22',
      team_abbr: 'AAA', opponent_team_abbr: 'BBB', is_home: true, starter: true, minutes: 48,
      points: 18, fgm: 6, fga: 10, fg3m: 2, fg3a: 4, ftm: 4, fta: 5,
      offensive_rebounds: 1, defensive_rebounds: 5, rebounds: 6, assists: 6, steals: 2, blocks: 0,
      turnovers: 3, personal_fouls: 2, plus_minus: 11,
      // paint = restricted area 4/3 + paint 0; mid 2/1; three = corner 0 + above the break 4/2
      paint_attempts: 4, paint_makes: 3, mid_range_attempts: 2, mid_range_makes: 1, three_attempts: 4, three_makes: 2,
    });
    // ts = 18 / (2 · (10 + 0.44 · 5)) = 18 / 24.4
    expect(row.ts_pct).toBeCloseTo(18 / 24.4, 10);
    // efg = (6 + 0.5 · 2) / 10
    expect(row.efg_pct).toBeCloseTo(0.7, 10);
    // team: fga 10+16+8 = 34, fta 5+2+0 = 7, tov 3+2+1 = 6 → 34 + 3.08 + 6 = 43.08; player 10 + 2.2 + 3 = 15.2
    // usage = 100 · 15.2 · (240 / 5) / (48 · 43.08)
    expect(row.usage_rate).toBeCloseTo((100 * 15.2 * 48) / (48 * 43.08), 10);
  });

  it('converts MM:SS to decimal minutes and adds both paint zones and both three zones', async () => {
    const row = find(await derivedRows(warehouse, playerGameSummary, '2021-10-19'), {player_lookup: 'adamalpha'});
    // 112:30 → 112.5; ra 6/4 + paint 4/2; corner 2/1 + above the break 4/1
    expect(row).toMatchObject({minutes: 112.5, paint_attempts: 10, paint_makes: 6, mid_range_attempts: 0, three_attempts: 6, three_makes: 2});
  });

  it('uses 265 team minutes in the overtime game', async () => {
    const row = find(await derivedRows(warehouse, playerGameSummary, '2021-10-24'), {player_lookup: 'arnoldalpha'});
    expect(row).toMatchObject({starter: false, minutes: 52, points: 5});
    // team: fga 10+5+4+4 = 23, fta 4+2 = 6, tov 4+1+1+0 = 6 → 31.64; player 4 + 0 + 0 = 4
    // usage = 100 · 4 · (265 / 5) / (52 · 31.64)
    expect(row.usage_rate).toBeCloseTo((100 * 4 * 53) / (52 * 31.64), 10);
  });

  it('follows a traded player to his new team', async () => {
    const rows = await derivedRows(warehouse, playerGameSummary);
    const teams = rows.filter((r) => r.player_lookup === 'tomtrade').map((r) => `${r.game_date} ${r.team_abbr}`);
    expect(teams).toEqual(['2021-10-19 BBB', '2021-10-22 BBB', '2021-10-24 CCC', '2021-10-27 CCC', '2022-10-18 BBB']);
  });
});

describe('team_offense_game_summary', () => {
  it('computes possessions, ratings, pace and rates for AAA on 2021-10-19', async () => {
    const row = find(await derivedRows(warehouse, teamOffenseGameSummary, '2021-10-19'), {team_abbr: 'AAA'});
    expect(row).toMatchObject({
      game_id: '0022100001', opponent_team_abbr: 'BBB', season: '2021-22', is_home: true, win: true, margin: 11,
      team_minutes: 240, points: 47, fgm: 18, fga: 34, fg3m: 5, fg3a: 12, ftm: 6, fta: 7,
      offensive_rebounds: 4, defensive_rebounds: 16, rebounds: 20, assists: 12, steals: 3, blocks: 2, turnovers: 6,
      personal_fouls: 6, paint_attempts: 16, paint_makes: 10, mid_range_attempts: 6, mid_range_makes: 3,
      three_attempts: 12, three_makes: 5,
    });
    // possessions = 34 − 4 + 6 + 0.44 · 7 = 39.08
    expect(row.possessions).toBeCloseTo(39.08, 10);
    expect(row.offensive_rating).toBeCloseTo((100 * 47) / 39.08, 10);
    // BBB: 29 − 4 + 7 + 0.44 · 9 = 35.96; pace = 48 · (39.08 + 35.96) / 2 / (240 / 5) = 37.52
    expect(row.pace).toBeCloseTo(37.52, 10);
    expect(row.efg_pct).toBeCloseTo(20.5 / 34, 10);
    expect(row.ft_rate).toBeCloseTo(7 / 34, 10);
    expect(row.three_rate).toBeCloseTo(12 / 34, 10);
  });

  it('scales pace by 265 team minutes in overtime and takes win/margin from the score', async () => {
    const rows = await derivedRows(warehouse, teamOffenseGameSummary, '2021-10-24');
    const aaa = find(rows, {team_abbr: 'AAA'});
    const ccc = find(rows, {team_abbr: 'CCC'});
    expect(aaa).toMatchObject({team_minutes: 265, win: true, margin: 1, points: 33});
    expect(ccc).toMatchObject({team_minutes: 265, win: false, margin: -1, points: 32});
    // AAA 23 − 4 + 6 + 2.64 = 27.64; CCC 21 − 5 + 6 + 3.52 = 25.52; pace = 48 · 53.16 / 2 / 53
    expect(aaa.pace).toBeCloseTo((48 * (27.64 + 25.52)) / 2 / 53, 10);
    expect(ccc.pace).toBeCloseTo(aaa.pace as number, 10);
  });

  it('has totals equal to the sum of PGS per team-game', async () => {
    const diff = await warehouse.query(`
      WITH pgs AS (
        SELECT game_id, team_abbr, SUM(points) AS points, SUM(fga) AS fga, SUM(rebounds) AS rebounds,
               SUM(turnovers) AS turnovers, SUM(paint_attempts) AS paint_attempts, SUM(three_makes) AS three_makes
        FROM nba_analytics.player_game_summary GROUP BY ALL)
      SELECT t.game_id, t.team_abbr FROM nba_analytics.team_offense_game_summary t
      FULL JOIN pgs p USING (game_id, team_abbr)
      WHERE p.points IS DISTINCT FROM t.points OR p.fga IS DISTINCT FROM t.fga OR p.rebounds IS DISTINCT FROM t.rebounds
         OR p.turnovers IS DISTINCT FROM t.turnovers OR p.paint_attempts IS DISTINCT FROM t.paint_attempts
         OR p.three_makes IS DISTINCT FROM t.three_makes`);
    expect(diff).toEqual([]);
    expect(await derivedRows(warehouse, teamOffenseGameSummary)).toHaveLength(14);
  });
});

describe('team_defense_game_summary', () => {
  it("is AAA's view of what BBB did on 2021-10-19", async () => {
    const row = find(await derivedRows(warehouse, teamDefenseGameSummary, '2021-10-19'), {team_abbr: 'AAA'});
    expect(row).toMatchObject({
      opponent_team_abbr: 'BBB', is_home: true, points_allowed: 36,
      opp_fgm: 13, opp_fga: 29, opp_fg3m: 4, opp_fg3a: 10, opp_ftm: 6, opp_fta: 9,
      // AAA's own steals 2+1+0, blocks 0+1+1, dreb 5+8+3; BBB's turnovers 4+2+1
      steals: 3, blocks: 2, forced_turnovers: 7, defensive_rebounds: 16,
      // BBB: paint = ra 5/3 + 4/2 + 3/2 and paint 2/1; mid 3/1 + 2/0; three 5/2 + 2/1 + 3/1
      opp_paint_attempts: 14, opp_paint_makes: 8, opp_mid_range_attempts: 5, opp_mid_range_makes: 1,
      opp_three_attempts: 10, opp_three_makes: 4,
    });
    expect(row.opp_efg_pct).toBeCloseTo(15 / 29, 10);
    expect(row.opp_possessions).toBeCloseTo(35.96, 10);
    expect(row.defensive_rating).toBeCloseTo(3600 / 35.96, 10);
    expect(row.pace).toBeCloseTo(37.52, 10);
  });
});

describe('projectColumns', () => {
  it("refuses a projection that misses or adds a catalog column, so a processor cannot drift from the catalog", () => {
    const all = Object.fromEntries(teamDefenseGameSummary.columns.filter((c) => c.name !== 'processed_at' && c.name !== 'run_id').map((c) => [c.name, 'NULL']));
    expect(projectColumns(duckdb, teamDefenseGameSummary, all)).toContain('CAST(NULL AS DOUBLE) AS "pace"');
    const {pace: _dropped, ...missing} = all;
    expect(() => projectColumns(duckdb, teamDefenseGameSummary, missing)).toThrow(/missing \[pace\]/);
    expect(() => projectColumns(duckdb, teamDefenseGameSummary, {...all, bogus: '1'})).toThrow(/unknown \[bogus\]/);
  });
});
