// The demo warehouse holds the raw invariants exactly and looks like the league (SPEC §2, §6).
// One warehouse for the file: the whole 2021-22 season with its post-season, and 2022-23 up to
// its first week, so that complete seasons, future Scheduled games and the Omicron postponements
// of December 2021 / January 2022 are all there.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ALL_TABLES, DERIVED_TABLES} from '../src/catalog/tables.js';
import {createDemoWarehouse, type DemoSummary} from '../src/demo/index.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import type {Row} from '../src/warehouse/types.js';

const AS_OF = '2022-10-25';
const SCHEDULE = 'nba_orchestration.nba_schedule';
const BOX = 'nba_raw.boxscore_traditional';
const SHOTS = 'nba_raw.shot_chart';
const ROSTER = 'nba_raw.team_roster';

let dir: string;
let summary: DemoSummary;
let warehouse: DuckDbWarehouse;
const progress: [number, string][] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-demo-'));
  summary = await createDemoWarehouse(join(dir, 'demo.duckdb'), {asOf: AS_OF, seed: 7, onProgress: (f, l) => progress.push([f, l])});
  warehouse = await openDuckDb(summary.path, {readOnly: true});
});

afterAll(async () => {
  await warehouse?.close();
  rmSync(dir, {recursive: true, force: true});
});

async function one(sql: string): Promise<Row> {
  const rows = await warehouse.query(sql);
  expect(rows).toHaveLength(1);
  return rows[0];
}

async function count(sql: string): Promise<number> {
  return Number(Object.values(await one(sql))[0]);
}

describe('the warehouse', () => {
  it('has every table of the catalog, the derived ones (and the build records) empty', async () => {
    for (const table of ALL_TABLES) {
      const n = await count(`SELECT count(*) FROM ${warehouse.dialect.table(table)}`);
      if (table.kind === 'source') expect(n, table.name).toBeGreaterThan(0);
      else expect(n, table.name).toBe(0);
    }
    expect(DERIVED_TABLES.length).toBeGreaterThan(0);
  });

  it('reports its rows and a progress that climbs from 0 to 1', async () => {
    expect(summary.rows.shot_chart).toBe(await count(`SELECT count(*) FROM ${SHOTS}`));
    expect(summary.seasons).toEqual(['2021-22', '2022-23']);
    const fractions = progress.map(([f]) => f);
    expect(fractions[0]).toBe(0);
    expect(fractions.at(-1)).toBe(1);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });
});

describe('the schedule', () => {
  it('has a complete 2021-22 regular season: 1,230 Final games, 82 per team, 41 at home', async () => {
    expect(await count(`SELECT count(*) FROM ${SCHEDULE} WHERE season = '2021-22' AND season_type = 'Regular Season' AND game_status = 'Final'`)).toBe(1230);
    const teams = await warehouse.query(`
      SELECT team, count(*) AS games, count(*) FILTER (home) AS home_games FROM (
        SELECT home_team_abbr AS team, true AS home FROM ${SCHEDULE} WHERE season = '2021-22' AND season_type = 'Regular Season' AND game_status = 'Final'
        UNION ALL
        SELECT away_team_abbr, false FROM ${SCHEDULE} WHERE season = '2021-22' AND season_type = 'Regular Season' AND game_status = 'Final'
      ) GROUP BY team`);
    expect(teams).toHaveLength(30);
    for (const t of teams) expect([t.team, t.games, t.home_games]).toEqual([t.team, 82, 41]);
    expect(teams.map((t) => t.team)).toEqual(expect.arrayContaining(['BOS', 'LAL', 'GSW', 'NYK', 'PHX', 'SAS', 'OKC', 'NOP']));
  });

  it('follows the real calendar: opener, no games on Thanksgiving, Christmas Eve or the All-Star break', async () => {
    const season = await one(`SELECT min(game_date) AS first, max(game_date) AS last FROM ${SCHEDULE} WHERE season = '2021-22' AND season_type = 'Regular Season'`);
    expect(season).toEqual({first: '2021-10-19', last: '2022-04-10'});
    expect((await one(`SELECT CAST(min(game_date) AS VARCHAR) AS d FROM ${SCHEDULE} WHERE season = '2022-23'`)).d).toBe('2022-10-18');
    const dark = ['2021-11-25', '2021-12-24', '2022-02-18', '2022-02-20', '2022-02-23', '2022-11-24'];
    expect(await count(`SELECT count(*) FROM ${SCHEDULE} WHERE game_status <> 'Postponed' AND CAST(game_date AS VARCHAR) IN (${dark.map((d) => `'${d}'`).join(', ')})`)).toBe(0);
    expect(await count(`SELECT count(*) FROM ${SCHEDULE} WHERE game_date = DATE '2021-12-25'`)).toBeGreaterThan(0);
  });

  it('never has a team twice on one day, and back-to-backs happen', async () => {
    const twice = await count(`
      SELECT count(*) FROM (
        SELECT game_date, team FROM (
          SELECT game_date, home_team_abbr AS team FROM ${SCHEDULE} WHERE game_status <> 'Postponed'
          UNION ALL SELECT game_date, away_team_abbr FROM ${SCHEDULE} WHERE game_status <> 'Postponed')
        GROUP BY ALL HAVING count(*) > 1)`);
    expect(twice).toBe(0);
    const backToBacks = await count(`
      WITH t AS (
        SELECT game_date, home_team_abbr AS team FROM ${SCHEDULE} WHERE season = '2021-22' AND game_status = 'Final' AND season_type = 'Regular Season'
        UNION ALL SELECT game_date, away_team_abbr FROM ${SCHEDULE} WHERE season = '2021-22' AND game_status = 'Final' AND season_type = 'Regular Season')
      SELECT count(*) FROM (SELECT team, game_date - lag(game_date) OVER (PARTITION BY team ORDER BY game_date) AS gap FROM t) WHERE gap = 1`);
    expect(backToBacks / 30).toBeGreaterThan(6);
    expect(backToBacks / 30).toBeLessThan(22);
  });

  it('has game ids by type and season: 002 regular, 005 Play-In, 004 Playoffs, 21 = 2021-22', async () => {
    const bad = await count(`
      SELECT count(*) FROM ${SCHEDULE} WHERE NOT regexp_full_match(game_id, '00[245]\\d{7}')
        OR substr(game_id, 1, 3) <> CASE season_type WHEN 'Regular Season' THEN '002' WHEN 'Play-In' THEN '005' ELSE '004' END
        OR substr(game_id, 4, 2) <> substr(season, 3, 2)`);
    expect(bad).toBe(0);
    expect(await count(`SELECT count(*) FROM ${SCHEDULE} WHERE game_id = '0022100001' AND game_date = DATE '2021-10-19'`)).toBe(1);
  });

  it('has a Play-In of six games and four rounds of best-of-seven series', async () => {
    expect(await count(`SELECT count(*) FROM ${SCHEDULE} WHERE season = '2021-22' AND season_type = 'Play-In'`)).toBe(6);
    const series = await warehouse.query(`
      WITH g AS (
        SELECT substr(game_id, 8, 2) AS series, CASE WHEN home_score > away_score THEN home_team_abbr ELSE away_team_abbr END AS winner,
               least(home_team_abbr, away_team_abbr) AS a, greatest(home_team_abbr, away_team_abbr) AS b
        FROM ${SCHEDULE} WHERE season = '2021-22' AND season_type = 'Playoffs')
      SELECT series, count(DISTINCT a || b) AS pairs, count(*) AS games, max(wins) AS most_wins, min(wins) AS fewest
      FROM (SELECT series, a, b, winner, count(*) OVER (PARTITION BY series, winner) AS wins FROM g) GROUP BY series ORDER BY series`);
    expect(series).toHaveLength(15);
    for (const s of series) {
      expect(s.pairs).toBe(1);
      expect(s.most_wins).toBe(4);
      expect(Number(s.games)).toBeGreaterThanOrEqual(4);
      expect(Number(s.games)).toBeLessThanOrEqual(7);
    }
    const firstRound = await one(`SELECT CAST(min(game_date) AS VARCHAR) AS d FROM ${SCHEDULE} WHERE season = '2021-22' AND season_type = 'Playoffs'`);
    expect(firstRound.d).toBe('2022-04-16');
  });

  it('has postponed games in December 2021 and January 2022, each made up later by a Final game', async () => {
    const postponed = await warehouse.query(`SELECT game_id, game_date, home_team_abbr, away_team_abbr, home_score, away_score FROM ${SCHEDULE} WHERE game_status = 'Postponed'`);
    expect(postponed.length).toBeGreaterThanOrEqual(10);
    for (const p of postponed) {
      expect(String(p.game_date) >= '2021-12-01' && String(p.game_date) <= '2022-01-31').toBe(true);
      expect([p.home_score, p.away_score]).toEqual([null, null]);
    }
    const unmade = await count(`
      SELECT count(*) FROM ${SCHEDULE} p WHERE p.game_status = 'Postponed' AND NOT EXISTS (
        SELECT 1 FROM ${SCHEDULE} m WHERE m.game_status = 'Final' AND m.game_date > p.game_date AND m.game_id > '0022101230'
          AND m.home_team_abbr = p.home_team_abbr AND m.away_team_abbr = p.away_team_abbr)`);
    expect(unmade).toBe(0);
    expect(await count(`SELECT count(*) FROM ${BOX} b JOIN ${SCHEDULE} s USING (game_id) WHERE s.game_status = 'Postponed'`)).toBe(0);
  });

  it('lists the rest of the current season as Scheduled from as-of on, without scores or box scores', async () => {
    const future = await one(`
      SELECT count(*) AS games, count(*) FILTER (game_status <> 'Scheduled') AS not_scheduled,
             count(home_score) + count(away_score) AS scores FROM ${SCHEDULE} WHERE game_date >= DATE '${AS_OF}'`);
    expect(Number(future.games)).toBeGreaterThan(1000);
    expect(future.not_scheduled).toBe(0);
    expect(future.scores).toBe(0);
    expect(await count(`SELECT count(*) FROM ${SCHEDULE} WHERE game_date < DATE '${AS_OF}' AND game_status = 'Scheduled'`)).toBe(0);
    expect(await count(`SELECT count(*) FROM ${BOX} WHERE game_date >= DATE '${AS_OF}'`)).toBe(0);
    expect(await count(`SELECT count(*) FROM ${SHOTS} WHERE game_date >= DATE '${AS_OF}'`)).toBe(0);
    // The first week of 2022-23 was played.
    expect(await count(`SELECT count(*) FROM ${SCHEDULE} WHERE season = '2022-23' AND game_status = 'Final'`)).toBeGreaterThan(40);
  });
});

describe('box scores and shots hold the raw invariants', () => {
  it('shot_chart rows = fga and made = fgm for every player-game (one set-based query)', async () => {
    const mismatches = await count(`
      WITH s AS (SELECT game_id, player_lookup, count(*) AS fga, count(*) FILTER (made) AS fgm,
                        count(*) FILTER (zone IN ('corner_3', 'above_break_3')) AS fg3a,
                        count(*) FILTER (zone IN ('corner_3', 'above_break_3') AND made) AS fg3m
                 FROM ${SHOTS} GROUP BY ALL)
      SELECT count(*) FROM ${BOX} b FULL OUTER JOIN s USING (game_id, player_lookup)
      WHERE coalesce(b.fga, -1) <> coalesce(s.fga, 0) OR coalesce(b.fgm, -1) <> coalesce(s.fgm, 0)
         OR coalesce(b.fg3a, -1) <> coalesce(s.fg3a, 0) OR coalesce(b.fg3m, -1) <> coalesce(s.fg3m, 0)`);
    expect(mismatches).toBe(0);
  });

  it('reb = oreb + dreb, points = 2·fgm + fg3m + ftm, makes never exceed attempts', async () => {
    expect(await count(`SELECT count(*) FROM ${BOX} WHERE reb <> oreb + dreb OR points <> 2 * fgm + fg3m + ftm OR fgm > fga OR fg3m > fg3a OR fg3a > fga OR ftm > fta OR pf > 6`)).toBe(0);
  });

  it('team points equal the Final score, and no game ends tied', async () => {
    const wrong = await count(`
      WITH t AS (SELECT game_id, team_abbr, sum(points) AS points FROM ${BOX} GROUP BY ALL)
      SELECT count(*) FROM ${SCHEDULE} s
      LEFT JOIN t h ON h.game_id = s.game_id AND h.team_abbr = s.home_team_abbr
      LEFT JOIN t a ON a.game_id = s.game_id AND a.team_abbr = s.away_team_abbr
      WHERE s.game_status = 'Final' AND (h.points IS DISTINCT FROM s.home_score OR a.points IS DISTINCT FROM s.away_score OR s.home_score = s.away_score)`);
    expect(wrong).toBe(0);
  });

  it('has five starters per team-game and minutes adding up to 240 plus 25 per overtime', async () => {
    const teamGames = await warehouse.query(`
      SELECT count(*) FILTER (starter) AS starters,
             sum(CAST(split_part(minutes, ':', 1) AS INT) * 60 + CAST(split_part(minutes, ':', 2) AS INT)) AS seconds,
             count(*) FILTER (starter AND minutes IS NULL) AS idle_starters
      FROM ${BOX} GROUP BY game_id, team_abbr`);
    expect(teamGames.length).toBe(2 * (await count(`SELECT count(*) FROM ${SCHEDULE} WHERE game_status = 'Final'`)));
    const overtime = teamGames.filter((g) => Number(g.seconds) > 14400).length / teamGames.length;
    for (const g of teamGames) {
      expect(g.starters).toBe(5);
      expect(g.idle_starters).toBe(0);
      expect((Number(g.seconds) - 14400) % 1500).toBe(0);
    }
    expect(overtime).toBeGreaterThan(0.03);
    expect(overtime).toBeLessThan(0.09);
  });

  it('writes minutes as MM:SS, and a DNP has a reason, no minutes and zero stats', async () => {
    expect(await count(`SELECT count(*) FROM ${BOX} WHERE minutes IS NOT NULL AND NOT regexp_full_match(minutes, '\\d{2}:[0-5]\\d')`)).toBe(0);
    expect(await count(`SELECT count(*) FROM ${BOX} WHERE (minutes IS NULL) <> (dnp_reason IS NOT NULL)`)).toBe(0);
    expect(await count(`SELECT count(*) FROM ${BOX} WHERE minutes IS NULL AND (points + fga + fta + reb + ast + stl + blk + tov + pf + abs(plus_minus)) <> 0`)).toBe(0);
    const reasons = (await warehouse.query(`SELECT DISTINCT dnp_reason FROM ${BOX} WHERE dnp_reason IS NOT NULL ORDER BY 1`)).map((r) => r.dnp_reason);
    expect(reasons).toEqual(expect.arrayContaining(["Coach's Decision", 'Injury/Illness']));
  });

  it('plays a rotation of 8 to 11 with 15 or more minutes, and rosters of about 15', async () => {
    const rotation = await one(`
      SELECT avg(n) AS avg, min(n) AS min, max(n) AS max FROM (
        SELECT count(*) FILTER (CAST(split_part(minutes, ':', 1) AS INT) >= 15) AS n FROM ${BOX} GROUP BY game_id, team_abbr)`);
    expect(Number(rotation.avg)).toBeGreaterThan(8);
    expect(Number(rotation.avg)).toBeLessThan(10.5);
    const dressed = await one(`SELECT min(n) AS min, max(n) AS max FROM (SELECT count(*) AS n FROM ${BOX} GROUP BY game_id, team_abbr)`);
    expect(Number(dressed.min)).toBeGreaterThanOrEqual(13);
    expect(Number(dressed.max)).toBeLessThanOrEqual(16);
  });
});

describe('realism (SPEC §6)', () => {
  it('lands 2021-22 league averages per team-game inside the published ranges', async () => {
    const t = await one(`
      WITH g AS (
        SELECT b.game_id, b.team_abbr, sum(points) AS pts, sum(fga) AS fga, sum(fgm) AS fgm, sum(fg3a) AS fg3a, sum(fg3m) AS fg3m,
               sum(fta) AS fta, sum(ftm) AS ftm, sum(oreb) AS oreb, sum(dreb) AS dreb, sum(ast) AS ast, sum(tov) AS tov,
               sum(stl) AS stl, sum(blk) AS blk, sum(pf) AS pf,
               sum(CAST(split_part(minutes, ':', 1) AS INT) * 60 + CAST(split_part(minutes, ':', 2) AS INT)) / 60.0 AS minutes
        FROM ${BOX} b JOIN ${SCHEDULE} s USING (game_id) WHERE s.season = '2021-22' AND s.season_type = 'Regular Season' GROUP BY ALL)
      SELECT avg(pts) AS pts, avg((fga - oreb + tov + 0.44 * fta) * 240 / minutes) AS pace, sum(fgm) / sum(fga) AS fg_pct,
             avg(fg3a) AS fg3a, sum(fg3m) / sum(fg3a) AS fg3_pct, avg(fta) AS fta, sum(ftm) / sum(fta) AS ft_pct,
             avg(oreb) AS oreb, avg(dreb) AS dreb, avg(ast) AS ast, avg(tov) AS tov, avg(stl) AS stl, avg(blk) AS blk, avg(pf) AS pf FROM g`);
    const within = (name: string, low: number, high: number) => {
      expect(Number(t[name]), name).toBeGreaterThanOrEqual(low);
      expect(Number(t[name]), name).toBeLessThanOrEqual(high);
    };
    within('pts', 110, 116);
    within('pace', 98, 100.5);
    within('fg_pct', 0.46, 0.48);
    within('fg3a', 34, 38);
    within('fg3_pct', 0.35, 0.37);
    within('fta', 21, 24);
    within('ft_pct', 0.76, 0.8);
    within('oreb', 9.5, 11.5);
    within('dreb', 32, 34.5);
    within('ast', 24, 27);
    within('tov', 13, 15);
    within('stl', 7, 8);
    within('blk', 4.5, 5.5);
    within('pf', 19, 20.5);
  });

  it('mixes shots by zone as the league does', async () => {
    const zones = await warehouse.query(`SELECT zone, count(*) / sum(count(*)) OVER () AS share, avg(CAST(made AS INT)) AS pct FROM ${SHOTS} GROUP BY zone`);
    const expected: Record<string, [number, number]> = {
      restricted_area: [0.29, 0.65], paint: [0.14, 0.43], mid_range: [0.14, 0.42], corner_3: [0.09, 0.38], above_break_3: [0.32, 0.35],
    };
    expect(zones).toHaveLength(5);
    for (const z of zones) {
      const [share, pct] = expected[String(z.zone)];
      expect(Math.abs(Number(z.share) - share), `${z.zone} share`).toBeLessThan(0.025);
      expect(Math.abs(Number(z.pct) - pct), `${z.zone} pct`).toBeLessThan(0.025);
    }
  });

  it('gives home teams about 55% of wins and the scoring leader 30-34 points a game', async () => {
    const home = await one(`SELECT avg(CAST(home_score > away_score AS INT)) AS p FROM ${SCHEDULE} WHERE season = '2021-22' AND season_type = 'Regular Season' AND game_status = 'Final'`);
    expect(Number(home.p)).toBeGreaterThan(0.51);
    expect(Number(home.p)).toBeLessThan(0.6);
    const leader = await one(`
      SELECT max(ppg) AS ppg FROM (
        SELECT player_id, avg(points) AS ppg FROM ${BOX} b JOIN ${SCHEDULE} s USING (game_id)
        WHERE s.season = '2021-22' AND s.season_type = 'Regular Season' AND minutes IS NOT NULL GROUP BY player_id HAVING count(*) >= 58)`);
    expect(Number(leader.ppg)).toBeGreaterThanOrEqual(30);
    expect(Number(leader.ppg)).toBeLessThanOrEqual(34);
  });

  it('keeps player skill stable within a season: first and second half scoring averages agree', async () => {
    const halves = await one(`
      WITH p AS (
        SELECT player_id, avg(points) FILTER (b.game_date < DATE '2022-01-15') AS first, avg(points) FILTER (b.game_date >= DATE '2022-01-15') AS second
        FROM ${BOX} b JOIN ${SCHEDULE} s USING (game_id) WHERE s.season = '2021-22' AND minutes IS NOT NULL
        GROUP BY player_id HAVING count(*) FILTER (b.game_date < DATE '2022-01-15') >= 20 AND count(*) FILTER (b.game_date >= DATE '2022-01-15') >= 20)
      SELECT corr(first, second) AS r FROM p`);
    expect(Number(halves.r)).toBeGreaterThan(0.8);
  });
});

describe('rosters', () => {
  it('has 15 players per team on opening night and a lookup of the lowercase letters of the name', async () => {
    const sizes = await warehouse.query(`SELECT team_abbr, count(*) AS n FROM ${ROSTER} WHERE valid_from <= DATE '2021-10-19' AND coalesce(valid_to, DATE '9999-12-31') >= DATE '2021-10-19' GROUP BY ALL`);
    expect(sizes).toHaveLength(30);
    for (const s of sizes) expect(s.n).toBe(15);
    expect(await count(`SELECT count(*) FROM ${ROSTER} WHERE player_lookup <> regexp_replace(lower(player_name), '[^a-z]', '', 'g')`)).toBe(0);
    expect(await count(`SELECT count(*) FROM ${BOX} WHERE player_lookup <> regexp_replace(lower(player_name), '[^a-z]', '', 'g')`)).toBe(0);
  });

  it('has mid-season trades, and every box score row is covered by a stint on that team', async () => {
    const movers = await count(`SELECT count(*) FROM (SELECT player_id FROM ${ROSTER} WHERE season = '2021-22' GROUP BY player_id HAVING count(DISTINCT team_abbr) > 1)`);
    expect(movers).toBeGreaterThanOrEqual(6);
    const uncovered = await count(`
      SELECT count(*) FROM ${BOX} b WHERE NOT EXISTS (
        SELECT 1 FROM ${ROSTER} r WHERE r.player_id = b.player_id AND r.team_abbr = b.team_abbr
          AND r.valid_from <= b.game_date AND (r.valid_to IS NULL OR r.valid_to >= b.game_date))`);
    expect(uncovered).toBe(0);
  });

  it('closes past seasons, keeps the current season open, and brings rookies in later seasons', async () => {
    expect(await count(`SELECT count(*) FROM ${ROSTER} WHERE season = '2021-22' AND valid_to IS NULL`)).toBe(0);
    expect(await count(`SELECT count(*) FROM ${ROSTER} WHERE season = '2022-23' AND valid_to IS NULL`)).toBeGreaterThanOrEqual(440);
    const rookies = await count(`SELECT count(*) FROM (SELECT player_id FROM ${ROSTER} WHERE season = '2022-23' EXCEPT SELECT player_id FROM ${ROSTER} WHERE season = '2021-22')`);
    expect(rookies).toBeGreaterThanOrEqual(30);
  });
});
