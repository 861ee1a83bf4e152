// `run --dry-run` on BigQuery: one dry-run job per processor of the plan, scaled and priced.
import {describe, expect, it} from 'vitest';
import {DuckDbWarehouse, openDuckDb} from '../src/warehouse/duckdb.js';
import {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {estimatePlanCost, type CostPlanInput} from '../src/warehouse/bigquery-cost.js';
import {formatPlanCost, usdFor} from '../src/warehouse/cost-format.js';
import {formatBytes} from '../src/warehouse/sizes.js';
import {FakeBigQuery} from './support/bigquery-fake.js';

const GIB = 2 ** 30;

const plan: CostPlanInput = {
  processors: [
    {
      name: 'player_game_summary',
      command: null,
      batches: [
        {start: '2022-01-03', end: '2022-01-09'},
        {start: '2022-01-10', end: '2022-01-16'},
        {start: '2022-01-17', end: '2022-01-19'},
      ],
    },
    {name: 'ml_feature_store', batches: [{start: '2022-01-03', end: '2022-01-09'}]},
    {name: 'team_offense_game_summary', command: ['python3', 'togs.py'], batches: [{start: '2022-01-03', end: '2022-01-09'}]},
    {name: 'upcoming_team_game_context', batches: []},
  ],
};

describe('estimatePlanCost', () => {
  it('dry-runs each SQL processor once, on its widest latest batch, and prices bytes × batches at $6.25/TiB', async () => {
    const fake = new FakeBigQuery((request) => ({totalBytesProcessed: String(request.query.includes('ml_feature_store` AS target') ? 4 * GIB : 2 * GIB)}));
    const cost = (await estimatePlanCost(new BigQueryWarehouse(fake, {project: 'nba-data-warehouse-422817'}), plan))!;
    expect(fake.requests).toHaveLength(0); // no job: the fake keeps dry runs apart
    expect(fake.dryRuns).toHaveLength(2);
    expect(fake.dryRuns.every((r) => r.dryRun === true && r.jobId === undefined)).toBe(true);
    expect(fake.dryRuns.every((r) => r.query.startsWith('MERGE '))).toBe(true);
    const pgs = cost.processors.find((p) => p.processor === 'player_game_summary')!;
    expect(pgs.sample).toEqual({start: '2022-01-10', end: '2022-01-16'});
    expect(FakeBigQuery.parameters(fake.dryRuns.find((r) => r.labels.processor === 'player_game_summary')!)).toMatchObject({
      start_date: {type: 'DATE', value: '2022-01-10'},
      end_date: {type: 'DATE', value: '2022-01-16'},
    });
    expect(pgs.bytes).toBe(6 * GIB);
    expect(cost.skipped).toEqual(['team_offense_game_summary']);
    expect(cost.bytes).toBe(10 * GIB);
    expect(cost.usd).toBeCloseTo((10 / 1024) * 6.25, 6);
    const lines = formatPlanCost(cost);
    expect(lines.join('\n')).toContain('PGS');
    expect(lines.at(-1)).toMatch(/total 10\.0 GiB processed, ~\$0\.06 on demand at \$6\.25\/TiB/);
  });

  it('is null on DuckDB, which has no dry runs and no bill', async () => {
    const duck: DuckDbWarehouse = await openDuckDb(':memory:');
    try {
      expect(await estimatePlanCost(duck, plan)).toBeNull();
    } finally {
      await duck.close();
    }
  });

  it('formats bytes and prices a tebibyte at $6.25', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1.5 * GIB)).toBe('1.5 GiB');
    expect(usdFor(2 ** 40)).toBe(6.25);
  });
});
