// preflight(): phase 4's phase 3 inputs, lookback included, on the built demo; and the command's
// exit codes (0 ready, 1 missing with dates as ranges, 2 bad input).
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {gameDates} from '../src/queries/coverage.js';
import {dateRuns, preflight} from '../src/validation/index.js';
import {resolveTableList} from '../src/catalog/index.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {assertBuilt, backfill, sandbox, type Sandbox} from './support/cli.js';
import {buildDemo, DEMO_RANGE, type BuiltDemo} from './support/validation-demo.js';

let demo: BuiltDemo;
let dates: string[];
let warehouse: DuckDbWarehouse | undefined;
let box: Sandbox | undefined;

beforeAll(async () => {
  demo = await buildDemo();
  const w = await demo.copy();
  dates = (await gameDates(w, DEMO_RANGE)).map((g) => g.date);
  await w.close();
}, 180_000);
afterAll(() => demo.cleanup());
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
  box?.cleanup();
  box = undefined;
});

const DECEMBER = {start: '2021-12-01', end: '2021-12-31'};
const inDecember = () => dates.filter((d) => d >= DECEMBER.start && d <= DECEMBER.end);
const beforeDecember = () => dates.filter((d) => d < DECEMBER.start);

async function remove(w: DuckDbWarehouse, table: string, days: readonly string[]): Promise<void> {
  await w.query(`DELETE FROM ${table} WHERE game_date IN (${days.map((d) => `DATE '${d}'`).join(', ')})`);
}

describe('preflight', () => {
  it('is ready when every input is there', async () => {
    warehouse = await demo.copy();
    const result = await preflight(warehouse, DECEMBER);
    expect(result).toMatchObject({ready: true, missing: []});
    expect(result.tables).toHaveLength(5);
  });

  it('lists missing inputs with lookback: earlier dates of the season for PGS and TDGS, the dates themselves for UPGC and UTGC', async () => {
    warehouse = await demo.copy();
    const early = beforeDecember();
    const tdgsGap = early.slice(10, 13); // three consecutive game dates, read by TDZA's season lookback
    await remove(warehouse, 'nba_analytics.team_defense_game_summary', tdgsGap);
    await remove(warehouse, 'nba_analytics.player_game_summary', [early[5]]); // read by PSZA's season lookback
    await remove(warehouse, 'nba_analytics.upcoming_player_game_context', [early[20], inDecember()[4]]); // lookback "date": only December counts
    await remove(warehouse, 'nba_precompute.team_defensive_zone_analytics', [inDecember()[2]]); // built by phase 4 itself: not an input
    const result = await preflight(warehouse, DECEMBER);
    expect(result.ready).toBe(false);
    expect(result.missing).toEqual([
      {table: 'player_game_summary', dates: [early[5]], ranges: [early[5]]},
      {table: 'team_defense_game_summary', dates: tdgsGap, ranges: [`${tdgsGap[0]}..${tdgsGap[2]}`]},
      {table: 'upcoming_player_game_context', dates: [inDecember()[4]], ranges: [inDecember()[4]]},
    ]);
  });

  it('looks only at the inputs of the phase 4 tables asked for', async () => {
    warehouse = await demo.copy();
    await remove(warehouse, 'nba_analytics.upcoming_team_game_context', [inDecember()[0]]);
    expect((await preflight(warehouse, DECEMBER, {tables: resolveTableList('TDZA,PSZA')})).ready).toBe(true);
    expect((await preflight(warehouse, DECEMBER, {tables: resolveTableList('MLFS')})).missing.map((m) => m.table)).toEqual([
      'upcoming_team_game_context',
    ]);
  });
});

describe('dateRuns', () => {
  it('joins dates consecutive in the game calendar, across days without games', () => {
    const calendar = ['2021-11-01', '2021-11-03', '2021-11-04', '2021-11-07', '2021-11-08'];
    expect(dateRuns(['2021-11-08', '2021-11-01', '2021-11-03', '2021-11-07'], calendar)).toEqual(['2021-11-01..2021-11-03', '2021-11-07..2021-11-08']);
    expect(dateRuns(['2021-11-01', '2021-11-04'], calendar)).toEqual(['2021-11-01', '2021-11-04']);
    expect(dateRuns([], calendar)).toEqual([]);
  });
});

describe('backfill preflight', () => {
  beforeAll(() => assertBuilt());

  it('exits 0 when ready, 1 listing what is missing, 2 without a range', async () => {
    box = sandbox();
    demo.copyTo(box.warehouse);
    const ready = await backfill(box, ['preflight', '--from', DECEMBER.start, '--to', DECEMBER.end]);
    expect(ready.exitCode).toBe(0);
    expect(ready.stdout).toContain('ready');

    const w = await (await import('../src/warehouse/duckdb.js')).openDuckDb(box.warehouse);
    const gap = inDecember().slice(3, 5);
    await remove(w, 'nba_analytics.upcoming_team_game_context', gap);
    await w.close();
    const missing = await backfill(box, ['preflight', '--from', DECEMBER.start, '--to', DECEMBER.end]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain(`UTGC  upcoming_team_game_context: 2 game dates missing: ${gap[0]}..${gap[1]}`);
    const json = await backfill(box, ['preflight', '--from', DECEMBER.start, '--to', DECEMBER.end, '--json']);
    expect(JSON.parse(json.stdout).missing).toEqual([{table: 'upcoming_team_game_context', dates: gap, ranges: [`${gap[0]}..${gap[1]}`]}]);

    const noRange = await backfill(box, ['preflight', '--from', DECEMBER.start]);
    expect(noRange.exitCode).toBe(2);
    expect(noRange.stderr).toContain('both --from and --to are required');
    const badDate = await backfill(box, ['preflight', '--from', '2021-12-01', '--to', '2021-11-31']);
    expect(badDate.exitCode).toBe(2);
  });
});
