// The raw sources' checks on the built demo: intact, every one passes; each kind of bad raw row is
// reported by its own check, naming the source table, the date, the game and the player (in the
// message and the sample), and by no other raw check. preflight runs them too: a failure keeps
// the range from being ready (exit 1) and says what is wrong.
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {validate} from '../src/validation/index.js';
import {preflight} from '../src/validation/preflight.js';
import {RAW_CHECKS} from '../src/validation/checks/raw-sources.js';
import type {CheckName, ValidationReport} from '../src/validation/types.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import type {Row} from '../src/warehouse/types.js';
import {assertBuilt, backfill, sandbox, type Sandbox} from './support/cli.js';
import {buildDemo, DEMO_RANGE, type BuiltDemo} from './support/validation-demo.js';

let demo: BuiltDemo;
let warehouse: DuckDbWarehouse | undefined;
let box: Sandbox | undefined;

beforeAll(async () => {
  demo = await buildDemo();
}, 180_000);
afterAll(() => demo.cleanup());
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
  box?.cleanup();
  box = undefined;
});

const DATE = '2021-12-10';

/** A player-game of DATE who played and made a three. */
async function playerGame(w: DuckDbWarehouse): Promise<Row> {
  const [row] = await w.query(`SELECT game_id, player_lookup, team_abbr, fga, fgm, fg3a, fg3m FROM nba_raw.boxscore_traditional
    WHERE game_date = DATE '${DATE}' AND "minutes" IS NOT NULL AND fg3m > 0 ORDER BY game_id, player_lookup LIMIT 1`);
  return row;
}

async function update(w: DuckDbWarehouse, table: string, set: string, where: string): Promise<void> {
  await w.query(`UPDATE ${table} SET ${set} WHERE ${where}`);
}

const rawOnly = (report: ValidationReport) => report.results.filter((r) => RAW_CHECKS.includes(r.check));

function failingRaw(report: ValidationReport): CheckName[] {
  return rawOnly(report).filter((r) => !r.passed).map((r) => r.check);
}

async function validateRaw(w: DuckDbWarehouse): Promise<ValidationReport> {
  return validate(w, {range: DEMO_RANGE, auditDatesPerSeason: 0});
}

describe('raw checks on the intact demo', () => {
  it('all pass, one result each, on the source tables', async () => {
    warehouse = await demo.copy();
    const report = await validateRaw(warehouse);
    expect(rawOnly(report).map((r) => [r.check, r.table, r.passed])).toEqual([
      ['raw_minutes', 'boxscore_traditional', true],
      ['raw_negative', 'boxscore_traditional', true],
      ['raw_shooting', 'boxscore_traditional', true],
      ['raw_shot_chart', 'shot_chart', true],
      ['raw_scores', 'nba_schedule', true],
    ]);
  });
});

describe('each kind of bad raw row, named by its check', () => {
  it('a malformed minutes value', async () => {
    warehouse = await demo.copy();
    const pg = await playerGame(warehouse);
    await update(warehouse, 'nba_raw.boxscore_traditional', `"minutes" = '34'`, `game_id = '${pg.game_id}' AND player_lookup = '${pg.player_lookup}'`);
    const report = await validateRaw(warehouse);
    expect(failingRaw(report)).toEqual(['raw_minutes']);
    const result = report.results.find((r) => r.check === 'raw_minutes')!;
    expect(result).toMatchObject({table: 'boxscore_traditional', failures: 1, dates: [DATE]});
    expect(result.message).toBe(`1 player-game in boxscore_traditional with minutes that are not M:SS or MM:SS on ${DATE} (first: game ${pg.game_id} (${pg.team_abbr}) player ${pg.player_lookup}, minutes '34')`);
    expect(result.sample).toEqual([{game_date: DATE, game_id: pg.game_id, team_abbr: pg.team_abbr, player_lookup: pg.player_lookup, minutes: '34'}]);
  });

  it('a negative count', async () => {
    warehouse = await demo.copy();
    const pg = await playerGame(warehouse);
    await update(warehouse, 'nba_raw.boxscore_traditional', 'ast = -2, stl = -1', `game_id = '${pg.game_id}' AND player_lookup = '${pg.player_lookup}'`);
    const report = await validateRaw(warehouse);
    expect(failingRaw(report)).toEqual(['raw_negative']);
    const result = report.results.find((r) => r.check === 'raw_negative')!;
    expect(result.message).toBe(`1 player-game in boxscore_traditional with negative counts on ${DATE} (first: game ${pg.game_id} (${pg.team_abbr}) player ${pg.player_lookup}: ast stl)`);
    expect(result.sample[0]).toMatchObject({game_id: pg.game_id, player_lookup: pg.player_lookup, negative_columns: 'ast stl'});
  });

  it('more makes than attempts: fgm > fga, fg3m > fgm', async () => {
    warehouse = await demo.copy();
    const pg = await playerGame(warehouse);
    await update(warehouse, 'nba_raw.boxscore_traditional', `fgm = fga + 1`, `game_id = '${pg.game_id}' AND player_lookup = '${pg.player_lookup}'`);
    // A player who missed at least once, so that fg3a = fgm + 1 stays within fga.
    const [other] = await warehouse.query(`SELECT game_id, player_lookup, fgm FROM nba_raw.boxscore_traditional WHERE game_date = DATE '2021-11-20' AND "minutes" IS NOT NULL AND fga > fgm ORDER BY game_id, player_lookup LIMIT 1`);
    await update(warehouse, 'nba_raw.boxscore_traditional', `fg3m = fgm + 1, fg3a = fgm + 1`, `game_id = '${other.game_id}' AND player_lookup = '${other.player_lookup}'`);
    const report = await validateRaw(warehouse);
    // Changing shooting lines also breaks the shot chart's agreement: that is its own finding.
    expect(failingRaw(report)).toEqual(['raw_shooting', 'raw_shot_chart']);
    const result = report.results.find((r) => r.check === 'raw_shooting')!;
    expect(result).toMatchObject({failures: 2, dates: ['2021-11-20', DATE]});
    const problems = Object.fromEntries(result.sample.map((r) => [String(r.player_lookup), r.problem]));
    expect(problems).toEqual({
      [String(pg.player_lookup)]: `fgm ${Number(pg.fga) + 1} > fga ${pg.fga}; `,
      [String(other.player_lookup)]: `fg3m ${Number(other.fgm) + 1} > fgm ${other.fgm}; `,
    });
    expect(result.message).toMatch(/^2 player-games in boxscore_traditional with more makes than attempts on 2021-11-20, 2021-12-10 \(first: game \d+ \([A-Z]{3}\) player [a-z]+: fg3m \d+ > fgm \d+/);
  });

  it('the shot chart disagreeing with the box score', async () => {
    warehouse = await demo.copy();
    const pg = await playerGame(warehouse);
    // One of his three-point makes disappears from the shot chart.
    await warehouse.query(`DELETE FROM nba_raw.shot_chart WHERE rowid = (SELECT MIN(rowid) FROM nba_raw.shot_chart
      WHERE game_id = '${pg.game_id}' AND player_lookup = '${pg.player_lookup}' AND "zone" IN ('corner_3', 'above_break_3') AND made)`);
    const report = await validateRaw(warehouse);
    expect(failingRaw(report)).toEqual(['raw_shot_chart']);
    const result = report.results.find((r) => r.check === 'raw_shot_chart')!;
    expect(result).toMatchObject({table: 'shot_chart', failures: 1, dates: [DATE]});
    const less = (n: unknown) => Number(n) - 1;
    expect(result.sample[0]).toMatchObject({
      game_id: pg.game_id,
      player_lookup: pg.player_lookup,
      team_abbr: pg.team_abbr,
      problem: `boxscore_traditional vs shot_chart: fga ${pg.fga} vs shot rows ${less(pg.fga)}; fgm ${pg.fgm} vs shot rows ${less(pg.fgm)}; fg3a ${pg.fg3a} vs shot rows ${less(pg.fg3a)}; fg3m ${pg.fg3m} vs shot rows ${less(pg.fg3m)}; `,
    });
    expect(result.message).toContain(`(first: game ${pg.game_id} (${pg.team_abbr}) player ${pg.player_lookup}: boxscore_traditional vs shot_chart: fga ${pg.fga} vs shot rows ${less(pg.fga)};`);
  });

  it('a Final game without a score', async () => {
    warehouse = await demo.copy();
    const [game] = await warehouse.query(`SELECT game_id, home_team_abbr, away_team_abbr, away_score FROM nba_orchestration.nba_schedule WHERE game_date = DATE '${DATE}' AND game_status = 'Final' ORDER BY game_id LIMIT 1`);
    await update(warehouse, 'nba_orchestration.nba_schedule', 'home_score = NULL', `game_id = '${game.game_id}'`);
    const report = await validateRaw(warehouse);
    expect(failingRaw(report)).toEqual(['raw_scores']);
    const result = report.results.find((r) => r.check === 'raw_scores')!;
    expect(result).toMatchObject({table: 'nba_schedule', failures: 1, dates: [DATE]});
    expect(result.message).toBe(`1 Final game without both scores in nba_schedule on ${DATE} (first: game ${game.game_id} ${game.home_team_abbr} NULL - ${game.away_team_abbr} ${game.away_score})`);
  });
});

describe('the point-in-time audit over bad raw minutes', () => {
  it('reports the guard it met as its finding instead of crashing validate', async () => {
    warehouse = await demo.copy();
    // The opener's box scores are every later date's history: each sampled rebuild reads them.
    const [row] = await warehouse.query(`SELECT game_id, player_lookup FROM nba_raw.boxscore_traditional WHERE game_date = DATE '2021-10-19' AND "minutes" IS NOT NULL ORDER BY game_id, player_lookup LIMIT 1`);
    await update(warehouse, 'nba_raw.boxscore_traditional', `"minutes" = '34'`, `game_id = '${row.game_id}' AND player_lookup = '${row.player_lookup}'`);
    const report = await validate(warehouse, {range: DEMO_RANGE});
    expect(report.passed).toBe(false);
    const audits = report.results.filter((r) => r.check === 'point_in_time');
    expect(audits).toHaveLength(7);
    for (const audit of audits) {
      expect(audit.passed).toBe(false);
      expect(audit.message).toMatch(new RegExp(`^could not rebuild \\d{4}-\\d{2}-\\d{2} from data cut at it: boxscore_traditional has a malformed minutes value '34' \\(game ${row.game_id}, player ${row.player_lookup}\\)`));
    }
    expect(report.results.find((r) => r.check === 'raw_minutes')).toMatchObject({passed: false, failures: 1});
  });
});

describe('preflight runs the raw checks', () => {
  const DECEMBER = {start: '2021-12-01', end: '2021-12-31'};

  it('a raw failure in the range: not ready, with the finding; outside the range it does not count', async () => {
    warehouse = await demo.copy();
    const pg = await playerGame(warehouse);
    await update(warehouse, 'nba_raw.boxscore_traditional', `"minutes" = '34'`, `game_id = '${pg.game_id}' AND player_lookup = '${pg.player_lookup}'`);
    const result = await preflight(warehouse, DECEMBER);
    expect(result).toMatchObject({ready: false, missing: []});
    expect(result.raw.filter((r) => !r.passed).map((r) => r.check)).toEqual(['raw_minutes']);
    expect((await preflight(warehouse, {start: '2022-01-01', end: '2022-01-09'})).ready).toBe(true);
  });

  it('on the command line: exit 1 and one line per failed raw check', async () => {
    assertBuilt();
    box = sandbox();
    demo.copyTo(box.warehouse);
    const w = await (await import('../src/warehouse/duckdb.js')).openDuckDb(box.warehouse);
    const pg = await playerGame(w);
    await update(w, 'nba_orchestration.nba_schedule', 'away_score = NULL', `game_id = '${pg.game_id}'`);
    await w.close();
    const result = await backfill(box, ['preflight', '--from', DECEMBER.start, '--to', DECEMBER.end]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `not ready: the raw sources fail 1 of 5 checks for ${DECEMBER.start} .. ${DECEMBER.end}`,
      expect.stringMatching(new RegExp(`^  raw_scores nba_schedule: 1 Final game without both scores in nba_schedule on ${DATE} \\(first: game ${pg.game_id} `)),
      `  (\`backfill validate --from ${DECEMBER.start} --to ${DECEMBER.end}\` shows sample rows)`,
    ]);
    const json = JSON.parse((await backfill(box, ['preflight', '--from', DECEMBER.start, '--to', DECEMBER.end, '--json'])).stdout);
    expect(json.ready).toBe(false);
    expect(json.raw.map((r: {check: string; passed: boolean}) => [r.check, r.passed])).toEqual(RAW_CHECKS.map((c) => [c, c !== 'raw_scores']));
  });
});
