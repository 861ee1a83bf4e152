// validate() on a fully backfilled small demo: every check passes on the intact warehouse, and
// each way of breaking it (a duplicated row, a NULL critical value, a deleted date, a changed point
// value in PGS, a phase 4 row computed with future data) is reported by the check made for it,
// naming that table, that date and the offending row, and by nothing else.
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {addDays} from '../src/dates.js';
import {gameDates} from '../src/queries/coverage.js';
import {auditDates, validate} from '../src/validation/index.js';
import {RAW_CHECKS} from '../src/validation/checks/raw-sources.js';
import type {ValidationReport} from '../src/validation/types.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {buildDemo, DEMO_RANGE, type BuiltDemo} from './support/validation-demo.js';

let demo: BuiltDemo;
let warehouse: DuckDbWarehouse;
let dates: string[];
let sampled: string[];

beforeAll(async () => {
  demo = await buildDemo();
  const w = await demo.copy();
  const games = await gameDates(w, DEMO_RANGE);
  dates = games.map((g) => g.date);
  sampled = auditDates(games);
  await w.close();
}, 180_000);
afterAll(() => demo.cleanup());
afterEach(async () => warehouse?.close());

function failing(report: ValidationReport) {
  return report.results.filter((r) => !r.passed).map((r) => ({check: r.check, table: r.table, dates: r.dates}));
}

function result(report: ValidationReport, check: string, table: string) {
  return report.results.find((r) => r.check === check && r.table === table)!;
}

/** A game date the point-in-time audit does not rebuild, so that only the damaged table's checks speak. */
function unsampledDate(after: string = DEMO_RANGE.start): string {
  return dates.find((d) => d > after && !sampled.includes(d))!;
}

describe('validate on the built demo', () => {
  it('passes every check, one result per check and table, including the point-in-time audit', async () => {
    warehouse = await demo.copy();
    const progress: number[] = [];
    const report = await validate(warehouse, {range: DEMO_RANGE, onProgress: (p) => progress.push(p.done)});
    expect(failing(report)).toEqual([]);
    expect(report.passed).toBe(true);
    // 5 per table (fresh among them), the two reconciliations, an audit result per as-of table
    // (2 upcoming + 5 phase 4), and the raw sources' checks (a whole-warehouse validation runs them).
    expect(report.results).toHaveLength(5 * 10 + 2 + 7 + RAW_CHECKS.length);
    expect(report.results.filter((r) => r.check === 'fresh').map((r) => r.message)).toEqual(Array(10).fill('no covered game date is stale'));
    expect(report.results.slice(0, RAW_CHECKS.length).map((r) => r.check)).toEqual(RAW_CHECKS);
    expect(progress).toEqual(report.results.map((_, i) => i + 1));
    const audit = result(report, 'point_in_time', 'ml_feature_store');
    expect(sampled).toHaveLength(3);
    for (const date of sampled) expect(audit.message).toContain(date);
    // The scratch databases of the audit are detached afterwards.
    expect(await warehouse.query(`SELECT database_name FROM duckdb_databases() WHERE database_name LIKE 'pit_%'`)).toEqual([]);
  });

  it('a duplicated row: duplicates (and the row count) of that table on that date', async () => {
    warehouse = await demo.copy();
    const date = unsampledDate('2021-11-15');
    await warehouse.query(
      `INSERT INTO nba_precompute.ml_feature_store SELECT * FROM nba_precompute.ml_feature_store WHERE game_date = DATE '${date}' ORDER BY player_lookup LIMIT 1`,
    );
    const [{player_lookup}] = await warehouse.query(`SELECT MIN(player_lookup) AS player_lookup FROM nba_precompute.ml_feature_store WHERE game_date = DATE '${date}'`);
    const report = await validate(warehouse, {range: DEMO_RANGE});
    expect(report.passed).toBe(false);
    expect(failing(report)).toEqual([
      {check: 'duplicates', table: 'ml_feature_store', dates: [date]},
      {check: 'row_counts', table: 'ml_feature_store', dates: [date]},
    ]);
    expect(result(report, 'duplicates', 'ml_feature_store').sample).toEqual([{game_date: date, player_lookup, copies: 2}]);
    expect(result(report, 'row_counts', 'ml_feature_store').message).toMatch(/rows, expected/);
  });

  it('a NULL critical value: nulls of that table on that date, naming the column', async () => {
    warehouse = await demo.copy();
    const date = unsampledDate('2021-12-01');
    await warehouse.query(
      `UPDATE nba_precompute.ml_feature_store SET season_ppg = NULL
       WHERE game_date = DATE '${date}' AND player_lookup = (SELECT MIN(player_lookup) FROM nba_precompute.ml_feature_store WHERE game_date = DATE '${date}')`,
    );
    const report = await validate(warehouse, {range: DEMO_RANGE});
    expect(failing(report)).toEqual([{check: 'nulls', table: 'ml_feature_store', dates: [date]}]);
    const nulls = result(report, 'nulls', 'ml_feature_store');
    expect(nulls.failures).toBe(1);
    expect(nulls.sample[0]).toMatchObject({game_date: date, null_columns: 'season_ppg'});
    expect(nulls.message).toContain('season_ppg');
  });

  it('a deleted date: completeness of that table, that date only', async () => {
    warehouse = await demo.copy();
    const date = unsampledDate('2021-11-20');
    await warehouse.query(`DELETE FROM nba_precompute.player_shot_zone_analytics WHERE game_date = DATE '${date}'`);
    const report = await validate(warehouse, {range: DEMO_RANGE});
    expect(failing(report)).toEqual([{check: 'completeness', table: 'player_shot_zone_analytics', dates: [date]}]);
    expect(result(report, 'completeness', 'player_shot_zone_analytics').message).toBe(`1 of ${dates.length} game dates missing: ${date}`);
  });

  it('rows on a date without a Final game: row counts of that table, expected 0', async () => {
    warehouse = await demo.copy();
    // The first day without a Final game between two game dates (Christmas Eve, say).
    const i = dates.findIndex((d, k) => k + 1 < dates.length && addDays(d, 1) < dates[k + 1]);
    const [first, idle] = [dates[i], addDays(dates[i], 1)];
    await warehouse.query(
      `INSERT INTO nba_analytics.upcoming_team_game_context SELECT * REPLACE (DATE '${idle}' AS game_date)
       FROM nba_analytics.upcoming_team_game_context WHERE game_date = DATE '${first}'`,
    );
    const report = await validate(warehouse, {range: DEMO_RANGE});
    expect(failing(report)).toEqual([{check: 'row_counts', table: 'upcoming_team_game_context', dates: [idle]}]);
    expect(result(report, 'row_counts', 'upcoming_team_game_context').sample[0]).toMatchObject({game_date: idle, expected_rows: 0});
  });

  it('a changed point value in PGS: reconciliation with raw names the player-game, and TOGS no longer sums PGS', async () => {
    warehouse = await demo.copy();
    // After the last audited date, so no rebuilt as-of row reads the changed value.
    const date = dates.findLast((d) => d > sampled.at(-1)!)!;
    const [row] = await warehouse.query(
      `SELECT game_id, player_lookup, team_abbr, points FROM nba_analytics.player_game_summary WHERE game_date = DATE '${date}' ORDER BY points DESC, player_lookup LIMIT 1`,
    );
    await warehouse.query(
      `UPDATE nba_analytics.player_game_summary SET points = points + 3 WHERE game_date = DATE '${date}' AND game_id = '${row.game_id}' AND player_lookup = '${row.player_lookup}'`,
    );
    const report = await validate(warehouse, {range: DEMO_RANGE});
    expect(failing(report)).toEqual([
      {check: 'reconcile_raw', table: 'player_game_summary', dates: [date]},
      {check: 'reconcile_team', table: 'team_offense_game_summary', dates: [date]},
    ]);
    const raw = result(report, 'reconcile_raw', 'player_game_summary');
    expect(raw.failures).toBe(1);
    expect(raw.sample[0]).toMatchObject({game_date: date, game_id: row.game_id, player_lookup: row.player_lookup});
    expect(raw.sample[0].problem).toContain(`points ${Number(row.points) + 3} vs raw ${row.points}`);
    expect(result(report, 'reconcile_team', 'team_offense_game_summary').sample[0]).toMatchObject({game_id: row.game_id, team_abbr: row.team_abbr});
  });

  it('a phase 4 row computed with future data: the point-in-time audit names the table, date, player and column', async () => {
    warehouse = await demo.copy();
    const date = sampled[1];
    // The leak: season_ppg averaged over the whole season, games after the date included.
    const [leak] = await warehouse.query(
      `WITH full_season AS (
         SELECT player_lookup, AVG(points) AS avg_points FROM nba_analytics.player_game_summary
         WHERE game_date BETWEEN DATE '${DEMO_RANGE.start}' AND DATE '${DEMO_RANGE.end}' GROUP BY player_lookup)
       SELECT m.player_lookup, f.avg_points FROM nba_precompute.ml_feature_store m JOIN full_season f USING (player_lookup)
       WHERE m.game_date = DATE '${date}' AND m.season_ppg_source = 'current_season' AND ABS(m.season_ppg - f.avg_points) > 0.5
       ORDER BY m.player_lookup LIMIT 1`,
    );
    await warehouse.query(
      `UPDATE nba_precompute.ml_feature_store SET season_ppg = ${leak.avg_points} WHERE game_date = DATE '${date}' AND player_lookup = '${leak.player_lookup}'`,
    );
    const report = await validate(warehouse, {range: DEMO_RANGE});
    expect(failing(report)).toEqual([{check: 'point_in_time', table: 'ml_feature_store', dates: [date]}]);
    const audit = result(report, 'point_in_time', 'ml_feature_store');
    expect(audit.failures).toBe(1);
    expect(audit.sample[0]).toMatchObject({game_date: date, player_lookup: leak.player_lookup});
    expect(audit.sample[0].problem).toMatch(/^stored vs rebuilt from data cut at the date: season_ppg /);
  });

  it('checks only the tables asked for, and nothing outside the range', async () => {
    warehouse = await demo.copy();
    const date = unsampledDate('2021-11-20');
    await warehouse.query(`DELETE FROM nba_precompute.player_shot_zone_analytics WHERE game_date = DATE '${date}'`);
    const tables = DERIVED_TABLES.filter((t) => t.short === 'PGS' || t.short === 'MLFS');
    const report = await validate(warehouse, {range: DEMO_RANGE, tables});
    expect(report.passed).toBe(true);
    expect([...new Set(report.results.map((r) => r.table))]).toEqual(['player_game_summary', 'ml_feature_store']);
    const before = await validate(warehouse, {range: {start: DEMO_RANGE.start, end: dates[dates.indexOf(date) - 1]}, auditDatesPerSeason: 0});
    expect(before.passed).toBe(true);
  });
});
