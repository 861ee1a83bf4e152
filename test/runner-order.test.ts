// --order in the planner: newest-first cuts each season's batches from its latest date (so the
// batch that starts first is a whole one), keeps ids in date order for the gates, and is part of
// the plan's identity (an approved oldest-first plan is not a newest-first one).
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseConfig} from '../src/config.js';
import {planRun} from '../src/runner/index.js';
import {planIdentity} from '../src/session/plan-preview.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {scheduleOnlyWarehouse, tempDir} from './runner-support.js';

const DATES = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-04', '2021-11-05', '2021-11-06', '2021-11-07'];
const tmp = tempDir('backfill-order-');
let warehouse: DuckDbWarehouse;

beforeAll(async () => {
  warehouse = await scheduleOnlyWarehouse(join(tmp.dir, 'w.duckdb'), DATES);
});
afterAll(async () => {
  await warehouse.close();
  tmp.cleanup();
});

const request = {range: {start: DATES[0], end: DATES[6]}, processors: ['player_game_summary' as const], batchSize: 3};
const cuts = (plan: Awaited<ReturnType<typeof planRun>>) => plan.processors[0].batches.map((b) => [b.id, b.start, b.end]);

describe('the order of a plan', () => {
  it('oldest-first (the default) cuts from the first date; newest-first from the last, ids in date order either way', async () => {
    const oldest = await planRun({warehouse, config: parseConfig({}), boundary: '2022-01-01', request});
    expect(oldest.order).toBe('oldest-first');
    expect(oldest.request.order).toBe('oldest-first');
    expect(cuts(oldest)).toEqual([[0, '2021-11-01', '2021-11-03'], [1, '2021-11-04', '2021-11-06'], [2, '2021-11-07', '2021-11-07']]);
    const newest = await planRun({warehouse, config: parseConfig({}), boundary: '2022-01-01', request: {...request, order: 'newest-first'}});
    expect(newest.order).toBe('newest-first');
    expect(cuts(newest)).toEqual([[0, '2021-11-01', '2021-11-01'], [1, '2021-11-02', '2021-11-04'], [2, '2021-11-05', '2021-11-07']]);
    expect(planIdentity(newest)).not.toBe(planIdentity(oldest));
  });

  it("the config's order applies when the request names none; the request's wins", async () => {
    const config = parseConfig({order: 'newest-first'});
    expect((await planRun({warehouse, config, boundary: '2022-01-01', request})).order).toBe('newest-first');
    expect((await planRun({warehouse, config, boundary: '2022-01-01', request: {...request, order: 'oldest-first'}})).order).toBe('oldest-first');
    // A DuckDB run takes no budget from the config: it bills nothing.
    expect((await planRun({warehouse, config: parseConfig({budget: '1TB'}), boundary: '2022-01-01', request})).request.budget).toBeUndefined();
  });
});
