// What a run rebuilds: `--reprocess missing|failed|stale|all`. `failed` is the dates whose last
// batch failed, from the run history (a later batch that covered the date decides instead); the
// mode and the cascade travel in the request (the state file keeps them, so a resumed run keeps
// them); `all` is what `force` always was.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {failedDates} from '../src/runner/failed.js';
import {planRun, reprocessOf, sameRequest, startRun, type RunRecord} from '../src/runner/index.js';
import {runRequestSchema} from '../src/runner/request.js';
import {StateStore} from '../src/state/store.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {demoFile, DEMO_AS_OF, DEMO_RANGE, tempDir, type TempDir} from './runner-support.js';

const config = {processors: {}};
let tmp: TempDir;
let warehouse: DuckDbWarehouse;

function runRecord(runId: string, startedAt: string, batches: RunRecord['batches']): RunRecord {
  return {runId, range: DEMO_RANGE, processors: ['player_game_summary'], startedAt, finishedAt: startedAt, state: 'failed', jobs: 1, batches};
}

const batch = (start: string, end: string, status: 'done' | 'failed' | 'cancelled') =>
  ({processor: 'player_game_summary' as const, start, end, dates: 1, rows: 0, durationMs: 1, attempts: 1, status});

beforeAll(async () => {
  tmp = tempDir('backfill-reprocess-');
  warehouse = await openDuckDb(await demoFile(tmp.dir));
  const run = await startRun({warehouse, stateDir: `${tmp.dir}/state`, config, boundary: DEMO_AS_OF, request: {range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name)}});
  expect((await run.finished).state).toBe('completed');
}, 120_000);
afterAll(async () => {
  await warehouse?.close();
  tmp?.cleanup();
});

describe('--reprocess failed', () => {
  const calendar = ['2021-12-01', '2021-12-02', '2021-12-04', '2021-12-05'].map((date) => ({date, season: '2021-22', games: 1}));

  it('takes the dates whose last batch failed, in the order the runs started', () => {
    const history = [
      runRecord('b', '2022-01-02T00:00:00Z', [batch('2021-12-04', '2021-12-05', 'done')]),
      runRecord('a', '2022-01-01T00:00:00Z', [batch('2021-12-01', '2021-12-05', 'failed')]),
      runRecord('c', '2022-01-03T00:00:00Z', [batch('2021-12-02', '2021-12-02', 'cancelled')]),
    ];
    expect([...failedDates(history, calendar).get('player_game_summary')!]).toEqual(['2021-12-01']);
    expect(failedDates([], calendar).size).toBe(0);
  });

  it('plans only those dates (and their cascade): covered ones are rebuilt, the rest left alone', async () => {
    const history = [runRecord('a', '2022-01-01T00:00:00Z', [batch('2021-12-06', '2021-12-07', 'failed')])];
    const plan = await planRun({warehouse, config, boundary: DEMO_AS_OF, history, request: {range: DEMO_RANGE, processors: ['player_game_summary'], reprocess: 'failed', cascade: false}});
    expect(plan.reprocess).toBe('failed');
    expect(plan.processors.map((p) => [p.short, p.batches.flatMap((b) => b.dates)])).toEqual([['PGS', ['2021-12-06', '2021-12-07']]]);
    const none = await planRun({warehouse, config, boundary: DEMO_AS_OF, request: {range: DEMO_RANGE, processors: ['player_game_summary'], reprocess: 'failed'}});
    expect(none.processors.flatMap((p) => p.batches)).toEqual([]);
  });
});

describe('the mode in the request', () => {
  it('`all` is force; the state file keeps the mode and the cascade; requests differ by them', () => {
    expect(reprocessOf({range: DEMO_RANGE, processors: ['player_game_summary'], force: true})).toBe('all');
    expect(reprocessOf({range: DEMO_RANGE, processors: ['player_game_summary']})).toBe('missing');
    const request = {range: DEMO_RANGE, processors: ['player_game_summary' as const], reprocess: 'stale' as const, cascade: false};
    expect(runRequestSchema.parse(JSON.parse(JSON.stringify(request)))).toEqual(request);
    expect(() => runRequestSchema.parse({...request, reprocess: 'sometimes'})).toThrow();
    expect(sameRequest(request, {...request, cascade: true})).toBe(false);
    expect(sameRequest(request, {...request, reprocess: 'all'})).toBe(false);
    expect(sameRequest({...request, reprocess: 'all'}, {range: DEMO_RANGE, processors: ['player_game_summary'], force: true, cascade: false})).toBe(true);
  });

  it('a stopped stale run is resumed with its own mode', async () => {
    // Three PGS dates stale (their box scores changed), one batch each: stopped after the first.
    await warehouse.query(`UPDATE nba_raw.boxscore_traditional SET plus_minus = plus_minus + 1 WHERE game_date IN (DATE '2021-12-06', DATE '2021-12-07', DATE '2021-12-08')`);
    const stateDir = `${tmp.dir}/state-resume`;
    const request = {range: DEMO_RANGE, processors: ['player_game_summary' as const], reprocess: 'stale' as const, cascade: false, batchSize: 1, workers: 1};
    const run = await startRun({warehouse, stateDir, config, boundary: DEMO_AS_OF, request});
    expect(run.plan.processors[0].batches).toHaveLength(3);
    expect((await run.stop()).state).toBe('interrupted');
    const active = new StateStore(stateDir).active(warehouse.description);
    expect(active?.request).toMatchObject({reprocess: 'stale', cascade: false});
  });
});
