// A batch submitted again (retry, requeue after a pause, a resumed run) is a new warehouse job:
// with BigQuery's deterministic job ids, reusing the old id would return the old job's outcome.
import {describe, expect, it} from 'vitest';
import {executeBatch} from '../src/runner/execute.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import type {QueryOptions, Warehouse} from '../src/warehouse/types.js';

describe('executeBatch', () => {
  it('gives every submission of the same batch and attempt its own job step', async () => {
    const duck = await openDuckDb(':memory:');
    await duck.ensureTables((await import('../src/catalog/index.js')).ALL_TABLES);
    const steps: string[] = [];
    const recording: Warehouse = Object.assign(Object.create(duck) as Warehouse, {
      replaceRange: (...args: Parameters<Warehouse['replaceRange']>) => {
        steps.push((args[3] as QueryOptions).job!.step);
        return duck.replaceRange(...args);
      },
    });
    const work = {processor: 'player_game_summary' as const, start: '2021-11-01', end: '2021-11-02', dates: [], attempt: 1, runId: 'r1'};
    const context = {warehouse: recording, signal: new AbortController().signal, command: null, onOutput: () => undefined, onExternal: () => undefined};
    await executeBatch(work, context);
    await executeBatch(work, context);
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatch(/^2021-11-01_2021-11-02_a1_/);
    expect(steps[0]).not.toBe(steps[1]);
    await duck.close();
  });
});
