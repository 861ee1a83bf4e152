// The job counter wraps the warehouse a run uses: it must not hide the engine's abilities, or a
// BigQuery run would scan tables for coverage instead of reading partition metadata.
import {describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {coveredDates} from '../src/queries/coverage.js';
import {CountingWarehouse} from '../src/runner/counting.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import type {Warehouse} from '../src/warehouse/types.js';

describe('CountingWarehouse', () => {
  it('passes coverage from metadata, dry runs and the backoff through, counting the jobs', async () => {
    const duck = await openDuckDb(':memory:');
    const asked: string[] = [];
    const engine: Warehouse = Object.assign(Object.create(duck) as Warehouse, {
      coveredDates: async () => {
        asked.push('coveredDates');
        return new Map([['player_game_summary', new Set(['2021-11-01'])]]);
      },
      dryRun: async () => {
        asked.push('dryRun');
        return {bytes: 42};
      },
      retryDelays: {baseDelayMs: 1_000, maxDelayMs: 32_000},
    });
    const counting = new CountingWarehouse(engine);
    const covered = await coveredDates(counting, DERIVED_TABLES.slice(0, 1), {start: '2021-11-01', end: '2021-11-30'});
    expect([...covered.get('player_game_summary')!]).toEqual(['2021-11-01']);
    expect(await counting.dryRun!('SELECT 1')).toEqual({bytes: 42});
    expect(asked).toEqual(['coveredDates', 'dryRun']);
    expect(counting.retryDelays).toEqual({baseDelayMs: 1_000, maxDelayMs: 32_000});
    expect(counting.jobs).toBe(1);
    expect(new CountingWarehouse(duck).coveredDates).toBeUndefined();
    await duck.close();
  });
});
