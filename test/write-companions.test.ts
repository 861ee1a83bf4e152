// A batch's write carries companion statements (what undo keeps, what freshness records): on
// DuckDB they run inside the batch's one transaction, so they commit with its rows or not at all;
// on BigQuery they are jobs before and after the MERGE, the later ones told when the replaced rows
// were last current (the MERGE's own start, BigQuery's clock).
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {derivedTable} from '../src/catalog/index.js';
import {processorFor} from '../src/queries/processors/index.js';
import {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {rangeParams, stringParam} from '../src/warehouse/types.js';
import {FakeBigQuery} from './support/bigquery-fake.js';
import {buildRange, derivedRows, openFixtureWarehouse} from './support/fixture.js';

const pgs = derivedTable('player_game_summary');
const DAY = '2021-10-20';

describe('on DuckDB, in the batch transaction', () => {
  let w: DuckDbWarehouse;
  beforeEach(async () => {
    w = await openFixtureWarehouse();
    await w.query('CREATE TABLE kept (run_id VARCHAR, game_date DATE, player_lookup VARCHAR)');
    await w.query('CREATE TABLE log (phase VARCHAR, stamped TIMESTAMP)');
    await buildRange(w, pgs, DAY, DAY, 'first');
  });
  afterEach(() => w.close());

  it('a companion before sees the rows about to be replaced, one after sees the new ones; each returns its rows by name', async () => {
    const before = await derivedRows(w, pgs, DAY);
    const result = await w.replaceRange(pgs, processorFor(pgs).select(w.dialect), rangeParams(DAY, DAY, 'second'), {
      before: [
        {name: 'keep', sql: `INSERT INTO kept SELECT run_id, game_date, player_lookup FROM nba_analytics.player_game_summary WHERE game_date BETWEEN CAST($start_date AS DATE) AND CAST($end_date AS DATE)`},
        {name: 'old', sql: `SELECT DISTINCT run_id FROM nba_analytics.player_game_summary WHERE game_date = CAST($start_date AS DATE)`},
      ],
      after: [
        {name: 'new', sql: `SELECT DISTINCT run_id, $tag AS tag FROM nba_analytics.player_game_summary WHERE game_date = CAST($start_date AS DATE)`, params: {tag: stringParam('mine')}},
        {name: 'stamp', sql: `INSERT INTO log VALUES ('after', CAST($replaced_at AS TIMESTAMP))`},
      ],
    });
    expect(result.companions.old).toEqual([{run_id: 'first'}]);
    expect(result.companions.new).toEqual([{run_id: 'second', tag: 'mine'}]);
    expect(await w.query('SELECT count(*) AS n, min(run_id) AS run_id FROM kept')).toEqual([{n: before.length, run_id: 'first'}]);
    const [stamp] = await w.query('SELECT stamped FROM log');
    expect(Date.parse(String(stamp.stamped))).toBe(Date.parse(result.replacedAt));
  });

  it('a failing companion rolls the whole batch back: old rows stay, nothing kept', async () => {
    const before = await derivedRows(w, pgs, DAY);
    await expect(
      w.replaceRange(pgs, processorFor(pgs).select(w.dialect), rangeParams(DAY, DAY, 'second'), {
        before: [{name: 'keep', sql: `INSERT INTO kept SELECT run_id, game_date, player_lookup FROM nba_analytics.player_game_summary`}],
        after: [{name: 'broken', sql: 'INSERT INTO no_such_table VALUES (1)'}],
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(await derivedRows(w, pgs, DAY)).toEqual(before);
    expect(await w.query('SELECT count(*) AS n FROM kept')).toEqual([{n: 0}]);
  });
});

describe('on BigQuery, around the MERGE', () => {
  it('runs the companions as jobs of the batch, in order, the later ones given the MERGE start as replaced_at', async () => {
    const started = Date.parse('2026-11-30T03:00:00.250Z');
    const fake = new FakeBigQuery((request) => (request.query.startsWith('MERGE') ? {startTime: String(started), dmlStats: {insertedRowCount: '10'}} : {rows: [{n: 1}]}));
    const w = new BigQueryWarehouse(fake, {project: 'nba-data-warehouse-422817', maxBytesPerJob: 2 ** 30});
    const job = {runId: 'run-1', processor: pgs.name, step: `${DAY}_${DAY}_a1`};
    const result = await w.replaceRange(pgs, processorFor(pgs).select(w.dialect), rangeParams(DAY, DAY, 'run-1'), {
      job,
      before: [{name: 'keep', sql: 'SELECT 1 AS n FROM t WHERE d BETWEEN @start_date AND @end_date'}],
      after: [{name: 'diff', sql: 'SELECT 1 AS n FROM t FOR SYSTEM_TIME AS OF @replaced_at WHERE r = @run_id'}],
    });
    expect(fake.requests.map((r) => r.query.split(/\s/)[0] + ':' + r.labels.purpose)).toEqual(['SELECT:companion', 'MERGE:replace', 'SELECT:companion']);
    expect(result.replacedAt).toBe(new Date(started).toISOString());
    expect(FakeBigQuery.parameters(fake.requests[2])).toEqual({replaced_at: {type: 'TIMESTAMP', value: result.replacedAt}, run_id: {type: 'STRING', value: 'run-1'}});
    expect(result.companions).toEqual({keep: [{n: 1}], diff: [{n: 1}]});
    // Each is a job of its own identity: a resubmission finds it instead of writing twice.
    const ids = fake.requests.map((r) => r.jobId);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(/_keep_/);
  });
});
