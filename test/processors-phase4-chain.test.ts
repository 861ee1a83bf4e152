// Phase 4 on the real chain: the hand-made fixture's sources → phase 3 processors → phase 4
// processors. Hand-worked figures, idempotence, and point-in-time (nothing after D leaks into D).
import {afterEach, describe, expect, it} from 'vitest';
import {boxscoreTraditional, nbaSchedule, shotChart, tablesOfPhase} from '../src/catalog/index.js';
import type {DerivedTable} from '../src/catalog/types.js';
import {processorFor} from '../src/queries/processors/index.js';
import {selectedColumns} from '../src/queries/write.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {rangeParams, type Row} from '../src/warehouse/types.js';
import {FIXTURE_RANGE, openFixtureWarehouse} from './support/fixture.js';

const PHASE3 = tablesOfPhase(3);
const PHASE4 = tablesOfPhase(4);

let warehouse: DuckDbWarehouse | undefined;
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
});

async function fixture(): Promise<DuckDbWarehouse> {
  warehouse = await openFixtureWarehouse();
  return warehouse;
}

async function build(w: DuckDbWarehouse, tables: readonly DerivedTable[], start: string, end: string): Promise<void> {
  for (const table of tables) {
    await w.replaceRange(table, processorFor(table).select(w.dialect), rangeParams(start, end, `build-${start}-${end}`));
  }
}

async function buildEverything(w: DuckDbWarehouse): Promise<void> {
  await build(w, [...PHASE3, ...PHASE4], FIXTURE_RANGE.start, FIXTURE_RANGE.end);
}

/** A table's rows without lineage, in key order: equal snapshots mean equal content. */
async function snapshot(w: DuckDbWarehouse, table: DerivedTable, where = 'TRUE'): Promise<Row[]> {
  const columns = selectedColumns(table).map((c) => w.dialect.ident(c)).join(', ');
  return w.query(`SELECT ${columns} FROM ${w.dialect.table(table)} WHERE ${where} ORDER BY ${table.key.join(', ')}`);
}

async function one(w: DuckDbWarehouse, table: DerivedTable, where: string): Promise<Row> {
  const rows = await snapshot(w, table, where);
  expect(rows).toHaveLength(1);
  return rows[0];
}

const [TDZA, PSZA, PDC, PCF, MLFS] = PHASE4;

describe('phase 4 on the fixture, hand-worked', () => {
  it('TDZA: AAA before 2021-10-24 allowed 15 of 27 in the paint; the league 42 of 70', async () => {
    const w = await fixture();
    await buildEverything(w);
    const aaa = await one(w, TDZA, "game_date = '2021-10-24' AND team_abbr = 'AAA'");
    expect(aaa).toMatchObject({game_id: '0022100004', season: '2021-22', games_in_sample: 2});
    expect(aaa.opp_paint_fg_pct).toBeCloseTo(15 / 27, 12);
    expect(aaa.opp_paint_attempts_pg).toBeCloseTo(27 / 2, 12);
    expect(aaa.paint_fg_pct_vs_league).toBeCloseTo(15 / 27 - 42 / 70, 12);
    // Opening night and the first game of the next season: no sample.
    const firsts = await snapshot(w, TDZA, "game_date IN ('2021-10-19', '2022-10-18')");
    expect(firsts.map((r) => [r.team_abbr, r.games_in_sample, r.opp_paint_fg_pct, r.paint_fg_pct_vs_league])).toEqual([
      ['AAA', 0, null, null], ['BBB', 0, null, null], ['AAA', 0, null, null], ['BBB', 0, null, null],
    ]);
  });

  it('PSZA: aaronalpha took 16 shots in 2 games before 2021-10-24, 7 in the paint', async () => {
    const w = await fixture();
    await buildEverything(w);
    const aaron = await one(w, PSZA, "game_date = '2021-10-24' AND player_lookup = 'aaronalpha'");
    expect(aaron).toMatchObject({games_in_sample: 2, fga_per_game: 8, team_abbr: 'AAA'});
    expect(aaron.paint_share).toBeCloseTo(7 / 16, 12);
    expect(aaron.mid_range_share).toBeCloseTo(2 / 16, 12);
    expect(aaron.three_share).toBeCloseTo(7 / 16, 12);
    expect(aaron.paint_fg_pct).toBeCloseTo(5 / 7, 12);
    expect(aaron.three_fg_pct).toBeCloseTo(3 / 7, 12);
  });

  it('PDC and PCF: aaronalpha against CCC on 2021-10-24, matchup and fatigue end to end', async () => {
    const w = await fixture();
    await buildEverything(w);
    // CCC's defence before 10-24 (vs AAA, vs BBB) and the league's, zone by zone.
    const delta = {paint: 13 / 19 - 42 / 70, mid: 3 / 6 - 10 / 24, three: 5 / 13 - 19 / 46};
    const context = await one(w, PDC, "game_date = '2021-10-24' AND player_lookup = 'aaronalpha'");
    expect(context).toMatchObject({opponent_team_abbr: 'CCC', opp_games_in_sample: 2});
    expect(context.opp_mid_range_fg_pct_vs_league).toBeCloseTo(delta.mid, 12);
    const factors = await one(w, PCF, "game_date = '2021-10-24' AND player_lookup = 'aaronalpha'");
    expect(factors.shot_zone_matchup).toBeCloseTo((7 / 16) * delta.paint + (2 / 16) * delta.mid + (7 / 16) * delta.three, 12);
    // 4 days of rest (+0.02), 2 games in the last 7 days, 48 minutes in each of his last games (−0.004·16).
    expect(factors.fatigue_factor).toBeCloseTo(1 + 0.02 - 0.004 * 16, 12);
  });

  it('MLFS: season_ppg from this season, the previous one or the rookie default; targets from D', async () => {
    const w = await fixture();
    await buildEverything(w);
    const ppg = async (date: string, player: string) => {
      const row = await one(w, MLFS, `game_date = '${date}' AND player_lookup = '${player}'`);
      return [row.season_ppg, row.season_ppg_source, row.target_points, row.target_minutes];
    };
    expect(await ppg('2021-10-19', 'aaronalpha')).toEqual([6, 'rookie_default', 18, 48]);
    expect(await ppg('2021-10-24', 'aaronalpha')).toEqual([13.5, 'current_season', 19, 53]);
    // DNP twice before 10-24: no appearance yet this season, none last season.
    expect(await ppg('2021-10-24', 'arnoldalpha')).toEqual([6, 'rookie_default', 5, 52]);
    expect(await ppg('2021-10-26', 'arnoldalpha')).toEqual([5, 'current_season', null, null]);
    // 2022-23 opener: last season's 20, 11, 5 and 11 points.
    expect(await ppg('2022-10-18', 'adamalpha')).toEqual([11.75, 'previous_season', 2, 96]);
    const features = await snapshot(w, MLFS);
    expect(features.every((r) => r.feature_version === 'v1')).toBe(true);
  });
});

describe('phase 4 idempotence', () => {
  it('gives identical rows when a range is rebuilt whole or in overlapping pieces', async () => {
    const w = await fixture();
    await buildEverything(w);
    const first = await Promise.all(PHASE4.map((t) => snapshot(w, t)));
    expect(first.every((rows) => rows.length > 0)).toBe(true);
    await build(w, PHASE4, FIXTURE_RANGE.start, FIXTURE_RANGE.end);
    await build(w, PHASE4, '2021-10-20', '2021-10-26');
    await build(w, PHASE4, '2021-10-24', '2022-10-18');
    await build(w, PHASE4, '2021-10-26', '2021-10-26');
    expect(await Promise.all(PHASE4.map((t) => snapshot(w, t)))).toEqual(first);
    for (const table of PHASE4) {
      const [dup] = await w.query(
        `SELECT COUNT(*) AS n FROM (SELECT ${table.key.join(', ')} FROM ${w.dialect.table(table)} GROUP BY ALL HAVING COUNT(*) > 1) AS d`,
      );
      expect(Number(dup.n), table.name).toBe(0);
    }
  });
});

describe('phase 4 point in time', () => {
  // For each cut date D: rows for dates ≤ D must not move when the sources after D change.
  const CUTS = ['2021-10-20', '2021-10-24', '2021-10-26'];

  async function phase4Upto(w: DuckDbWarehouse, cut: string): Promise<Row[][]> {
    return Promise.all(PHASE4.map((t) => snapshot(w, t, `game_date <= '${cut}'`)));
  }

  it.each(CUTS)('ignores every source row after %s (deleted)', async (cut) => {
    const w = await fixture();
    await buildEverything(w);
    const before = await phase4Upto(w, cut);
    for (const source of [nbaSchedule, boxscoreTraditional, shotChart]) {
      await w.query(`DELETE FROM ${w.dialect.table(source)} WHERE game_date > '${cut}'`);
    }
    for (const table of [...PHASE3, ...PHASE4]) await w.query(`DELETE FROM ${w.dialect.table(table)}`);
    await buildEverything(w);
    expect(await phase4Upto(w, cut)).toEqual(before);
  });

  it('ignores changed box scores and shots after D, which do change later rows', async () => {
    const cut = '2021-10-22';
    const w = await fixture();
    await buildEverything(w);
    const before = await phase4Upto(w, cut);
    const later = await Promise.all(PHASE4.map((t) => snapshot(w, t, `game_date > '${cut}'`)));
    // Every shot after the cut goes in, every scorer after the cut scores 40 more points.
    await w.query(`UPDATE ${w.dialect.table(shotChart)} SET made = true, zone = 'mid_range' WHERE game_date > '${cut}'`);
    await w.query(`UPDATE ${w.dialect.table(boxscoreTraditional)} SET points = points + 40 WHERE game_date > '${cut}'`);
    await buildEverything(w);
    expect(await phase4Upto(w, cut)).toEqual(before);
    const changed = await Promise.all(PHASE4.map((t) => snapshot(w, t, `game_date > '${cut}'`)));
    for (let i = 0; i < PHASE4.length; i++) expect(changed[i], PHASE4[i].name).not.toEqual(later[i]);
  });
});
