// The hand-made fixture holds the raw invariants of SPEC §2, so tests built on it can trust it.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {openFixtureWarehouse} from './support/fixture.js';

let warehouse: DuckDbWarehouse;
beforeAll(async () => {
  warehouse = await openFixtureWarehouse();
});
afterAll(async () => {
  await warehouse.close();
});

describe('source fixture', () => {
  it('has the scores written in its header', async () => {
    const rows = await warehouse.query(
      `SELECT game_id, home_score, away_score FROM nba_orchestration.nba_schedule WHERE game_status = 'Final' ORDER BY game_id`,
    );
    expect(rows.map((r) => `${r.game_id} ${r.home_score}-${r.away_score}`)).toEqual([
      '0022100001 47-36',
      '0022100002 32-26',
      '0022100003 30-20',
      '0022100004 33-32',
      '0022100006 24-23',
      '0022100007 18-19',
      '0022200001 10-9',
    ]);
  });

  it('keeps shot charts consistent with box scores', async () => {
    const rows = await warehouse.query(`
      WITH shots AS (
        SELECT game_id, player_lookup, COUNT(*) AS fga, SUM(CASE WHEN made THEN 1 ELSE 0 END) AS fgm,
               SUM(CASE WHEN "zone" IN ('corner_3', 'above_break_3') THEN 1 ELSE 0 END) AS fg3a,
               SUM(CASE WHEN "zone" IN ('corner_3', 'above_break_3') AND made THEN 1 ELSE 0 END) AS fg3m
        FROM nba_raw.shot_chart GROUP BY ALL)
      SELECT b.game_id, b.player_lookup FROM nba_raw.boxscore_traditional b
      LEFT JOIN shots s USING (game_id, player_lookup)
      WHERE b.minutes IS NOT NULL
        AND (COALESCE(s.fga, 0) <> b.fga OR COALESCE(s.fgm, 0) <> b.fgm OR COALESCE(s.fg3a, 0) <> b.fg3a OR COALESCE(s.fg3m, 0) <> b.fg3m)`);
    expect(rows).toEqual([]);
  });

  it('sums player minutes to 240 per team-game, 265 in the overtime game', async () => {
    const rows = await warehouse.query(`
      SELECT game_id, team_abbr,
             SUM(CAST(split_part("minutes", ':', 1) AS INT) * 60 + CAST(split_part("minutes", ':', 2) AS INT)) / 60 AS team_minutes
      FROM nba_raw.boxscore_traditional WHERE "minutes" IS NOT NULL GROUP BY ALL ORDER BY ALL`);
    for (const row of rows) expect(row.team_minutes).toBe(row.game_id === '0022100004' ? 265 : 240);
    expect(rows).toHaveLength(14);
  });
});
