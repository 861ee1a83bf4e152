// The planner on a real DuckDB schedule: uncovered dates only (all with --force), the boundary,
// batches that never span two seasons, lookback dates added to a selected upstream processor,
// inputs nobody will build reported (and failed at once by the run instead of hanging), each
// batch's gates in the plan, and a given plan run exactly as it is.
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {derivedTable} from '../src/catalog/index.js';
import {parseConfig} from '../src/config.js';
import {UsageError} from '../src/errors.js';
import {formatPlan, planRun, planSummary, startRun} from '../src/runner/index.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {collect, ofType, scheduleOnlyWarehouse, tempDir, type TempDir} from './runner-support.js';

const OCTOBER = ['2021-10-19', '2021-10-20', '2021-10-22'];
const NOVEMBER = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-05', '2021-11-06'];
const NEXT_SEASON = ['2022-10-18', '2022-10-19'];
const config = parseConfig({});

let tmp: TempDir;
let warehouse: DuckDbWarehouse;

beforeEach(async () => {
  tmp = tempDir('backfill-plan-');
  warehouse = await scheduleOnlyWarehouse(join(tmp.dir, 'w.duckdb'), [...OCTOBER, ...NOVEMBER, ...NEXT_SEASON]);
  // A Postponed game is not a game date.
  await warehouse.query(`UPDATE nba_orchestration.nba_schedule SET game_status = 'Postponed' WHERE game_date = DATE '2021-11-06'`);
});
afterEach(async () => {
  await warehouse.close();
  tmp.cleanup();
});

const plan = (request: Parameters<typeof planRun>[0]['request'], boundary = '2023-01-01') => planRun({warehouse, config, boundary, request});

describe('planner', () => {
  it('plans the game dates not yet covered, or all of them with --force', async () => {
    await warehouse.query(`INSERT INTO nba_analytics.team_offense_game_summary (game_date, game_id, team_abbr) VALUES (DATE '2021-11-02', 'g', 'BOS')`);
    const request = {range: {start: '2021-11-01', end: '2021-11-30'}, processors: ['team_offense_game_summary' as const], batchSize: 2};
    const normal = await plan(request);
    expect(normal.processors[0].batches.map((b) => b.dates)).toEqual([['2021-11-01', '2021-11-03'], ['2021-11-05']]);
    expect(normal.processors[0].skipped).toBe(1);
    const forced = await plan({...request, force: true});
    expect(forced.processors[0].batches.map((b) => b.dates)).toEqual([['2021-11-01', '2021-11-02'], ['2021-11-03', '2021-11-05']]);
    expect(forced.processors[0].batches[0].games).toBe(2);
  });

  it('never plans on or after the boundary, and says the end was cut', async () => {
    const cut = await plan({range: {start: '2021-11-01', end: '2021-12-31'}, processors: ['player_game_summary']}, '2021-11-03');
    expect(cut.range).toEqual({start: '2021-11-01', end: '2021-11-02'});
    expect(cut.processors[0].batches.flatMap((b) => b.dates)).toEqual(['2021-11-01', '2021-11-02']);
    expect(formatPlan(cut).join('\n')).toContain('the requested end 2021-12-31 was cut at the boundary');
    const none = await plan({range: {start: '2021-11-03', end: '2021-12-31'}, processors: ['player_game_summary']}, '2021-11-03');
    expect(none.range).toBeNull();
    expect(none.processors[0].batches).toEqual([]);
  });

  it('cuts batches at season boundaries', async () => {
    const p = await plan({range: {start: '2021-10-01', end: '2022-12-31'}, processors: ['player_game_summary'], batchSize: 100});
    expect(p.processors[0].batches.map((b) => [b.start, b.end])).toEqual([['2021-10-19', '2021-11-05'], ['2022-10-18', '2022-10-19']]);
  });

  it("adds the dates a dependant's lookback reads to a selected upstream processor", async () => {
    const p = await plan({range: {start: '2021-11-01', end: '2021-11-30'}, processors: ['team_defense_game_summary', 'team_defensive_zone_analytics']});
    const [tdgs, tdza] = p.processors;
    expect(tdgs.batches.flatMap((b) => b.dates)).toEqual([...OCTOBER, ...NOVEMBER.slice(0, 4)]);
    expect(tdgs.lookbackDates).toBe(3);
    expect(tdza.batches.flatMap((b) => b.dates)).toEqual(NOVEMBER.slice(0, 4));
    expect(p.missing).toEqual([]);
    expect(formatPlan(p).join('\n')).toMatch(/TDGS\s+3\s+7 \(\+3 lookback\)/);
    // The console's start confirmation says how much of the work is lookback.
    expect(planSummary(p)[0]).toMatch(/^\d+ batches, 11 processor-dates \(3 for lookback\), at most \d+ at once$/);
  });

  it('reports inputs nobody builds, and the run fails those batches at once, naming them', async () => {
    const request = {range: {start: '2021-11-01', end: '2021-11-30'}, processors: ['team_defensive_zone_analytics' as const]};
    const p = await plan(request);
    expect(p.missing).toEqual([{processor: 'team_defensive_zone_analytics', input: 'team_defense_game_summary', dates: [...OCTOBER, ...NOVEMBER.slice(0, 4)]}]);
    expect(formatPlan(p).join('\n')).toContain('blocked: TDZA needs TDGS on 2021-10-19 … 2021-11-05 (7 dates), which is not covered and not in the plan');
    const handle = await startRun({warehouse, stateDir: join(tmp.dir, 'state'), config, boundary: '2023-01-01', request});
    const events = collect(handle.subscribe);
    const final = await handle.finished;
    expect(final.state).toBe('failed');
    expect(ofType(events, 'batch-started')).toEqual([]);
    expect(final.processors[0]).toMatchObject({status: 'failed', datesFailed: 4});
    expect(ofType(events, 'batch-failed')[0].error).toBe('inputs not covered and not planned: TDGS on 7 dates');
  });

  it('fails the dependants of a blocked batch too, whatever their order in the plan', async () => {
    const request = {range: {start: '2021-11-01', end: '2021-11-30'}, processors: ['team_defensive_zone_analytics' as const, 'player_defensive_context' as const]};
    await warehouse.query(`INSERT INTO nba_analytics.upcoming_player_game_context (game_date, game_id, player_lookup) SELECT game_date, game_id, 'x' FROM nba_orchestration.nba_schedule`);
    const handle = await startRun({warehouse, stateDir: join(tmp.dir, 'state'), config, boundary: '2023-01-01', request});
    const events = collect(handle.subscribe);
    const final = await handle.finished;
    expect(final.state).toBe('failed');
    expect(ofType(events, 'batch-started')).toEqual([]);
    const pdc = ofType(events, 'batch-failed').filter((e) => e.batch.processor === 'player_defensive_context');
    expect(pdc.map((e) => e.error)).toEqual(['its input TDZA failed on 2021-11-01 → 2021-11-05']);
  });

  it('puts in the plan, as plain JSON, what each batch waits for within it and why it cannot run', async () => {
    const p = await plan({range: {start: '2021-11-01', end: '2021-11-30'}, processors: ['team_defense_game_summary', 'team_defensive_zone_analytics', 'player_defensive_context'], batchSize: 3});
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    const batches = p.processors.flatMap((x) => x.batches);
    expect(batches.map((b) => b.id)).toEqual(batches.map((_, i) => i));
    // TDGS: Oct 19-22, Nov 1-3, Nov 5 (ids 0-2); TDZA reads its season up to each batch's end.
    expect(batches.map((b) => [derivedTable(b.processor).short, b.start, b.waitsFor])).toEqual([
      ['TDGS', '2021-10-19', []],
      ['TDGS', '2021-11-01', []],
      ['TDGS', '2021-11-05', []],
      ['TDZA', '2021-11-01', [[0, 1]]],
      ['TDZA', '2021-11-05', [[0, 2]]],
      ['PDC', '2021-11-01', [[3, 3]]],
      ['PDC', '2021-11-05', [[4, 4]]],
    ]);
    // PDC also reads UPGC on the date, which nobody covers or plans.
    expect(batches.map((b) => b.blockedBy)).toEqual([[], [], [], [], [], [{input: 'upcoming_player_game_context', dates: 3}], [{input: 'upcoming_player_game_context', dates: 1}]]);
  });

  it('runs exactly the plan it is given, even when the warehouse has changed since', async () => {
    const request = {range: {start: '2021-11-01', end: '2021-11-30'}, processors: ['team_offense_game_summary' as const], batchSize: 2};
    const approved = await plan(request);
    // Covered after the plan was made: a new plan would skip it, the approved one builds it.
    await warehouse.query(`INSERT INTO nba_analytics.team_offense_game_summary (game_date, game_id, team_abbr) VALUES (DATE '2021-11-02', 'g', 'BOS')`);
    expect((await plan(request)).processors[0].batches.flatMap((b) => b.dates)).not.toContain('2021-11-02');
    // The request passed alongside is not what runs: the plan's own is.
    const handle = await startRun({warehouse, stateDir: join(tmp.dir, 'state'), config, boundary: '2023-01-01', request: {...request, processors: ['player_game_summary']}, plan: approved});
    expect(handle.plan).toBe(approved);
    const events = collect(handle.subscribe);
    const final = await handle.finished;
    expect(final.state).toBe('completed');
    expect(final.processors.map((x) => x.name)).toEqual(['team_offense_game_summary']);
    const started = ofType(events, 'batch-started').map((e) => [e.batch.start, e.batch.end]);
    expect(started).toEqual(approved.processors[0].batches.map((b) => [b.start, b.end]));
    expect(started).toEqual([['2021-11-01', '2021-11-02'], ['2021-11-03', '2021-11-05']]);
  });

  it('refuses a batch size or worker count that is not a positive whole number', async () => {
    const range = {start: '2021-11-01', end: '2021-11-30'};
    await expect(plan({range, processors: ['player_game_summary'], batchSize: 0})).rejects.toThrow(UsageError);
    await expect(plan({range, processors: ['player_game_summary'], workers: 1.5})).rejects.toThrow(/--workers 1.5/);
    await expect(plan({range, processors: []})).rejects.toThrow(/no processor/);
  });
});
