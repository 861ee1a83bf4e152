// A range write takes only rows dated in its range: a processor whose SELECT returns a row outside
// it (here: one that shifts every date by a day, one that loses the date) fails the batch as a
// permanent error naming the processor and every stray date, and nothing is written. On DuckDB for
// real; the BigQuery MERGE's source, guard included, is executed by ZetaSQL in bigquery-guards.test.ts.
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {playerGameSummary} from '../src/catalog/index.js';
import {bigquery, duckdb} from '../src/queries/dialect.js';
import {DataGuardError} from '../src/queries/guards.js';
import {replaceRangeStatements} from '../src/queries/write.js';
import {classifyError} from '../src/warehouse/errors.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {rangeParams} from '../src/warehouse/types.js';
import {buildRange, derivedRows, openFixtureWarehouse} from './support/fixture.js';
import {shiftedPgs, undatedPgs} from './support/wrong-processors.js';

let warehouse: DuckDbWarehouse;
beforeEach(async () => {
  warehouse = await openFixtureWarehouse();
  await buildRange(warehouse, playerGameSummary, '2021-10-19', '2021-10-27', 'good');
});
afterEach(() => warehouse.close());

describe('the replace statements', () => {
  it('guard game_date and insert only rows in the range, on both engines', () => {
    const [, insert] = replaceRangeStatements(duckdb, playerGameSummary, 'SELECT 1');
    expect(insert).toContain("ELSE error(CONCAT('backfill guard stray-row PGS: ', COALESCE(CAST(game_date AS VARCHAR), 'NULL'))) END AS game_date");
    expect(insert).toMatch(/WHERE guarded_rows\.game_date BETWEEN CAST\(\$start_date AS DATE\) AND CAST\(\$end_date AS DATE\)$/);
    const [merge] = replaceRangeStatements(bigquery('p'), playerGameSummary, 'SELECT 1');
    expect(merge).toContain("ELSE ERROR(CONCAT('backfill guard stray-row PGS: ', COALESCE(CAST(game_date AS STRING), 'NULL'))) END AS game_date");
    expect(merge).toMatch(/WHEN NOT MATCHED AND source\.game_date BETWEEN @start_date AND @end_date THEN INSERT ROW$/);
  });
});

describe('a processor that returns rows outside its batch, on DuckDB', () => {
  it('fails the batch as permanent, naming the processor and every stray date; nothing is written', async () => {
    const before = await derivedRows(warehouse, playerGameSummary);
    // Rows of 10-19, 10-20 and 10-22 move to 10-20, 10-21 and 10-23: only 10-23 is outside 10-19..10-22.
    const error = await warehouse.replaceRange(playerGameSummary, shiftedPgs(warehouse.dialect), rangeParams('2021-10-19', '2021-10-22', 'bad')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataGuardError);
    expect(classifyError(error)).toBe('permanent');
    expect((error as Error).message).toBe(
      'PGS returned 6 rows dated outside its batch 2021-10-19..2021-10-22 (2021-10-23: 6); nothing was written: ' +
        "the processor's SQL is wrong, review it with `backfill sql PGS --from 2021-10-19 --to 2021-10-22`",
    );
    expect(await derivedRows(warehouse, playerGameSummary)).toEqual(before);
  });

  it('a row without a date is outside every batch', async () => {
    const before = await derivedRows(warehouse, playerGameSummary);
    const error = await warehouse.replaceRange(playerGameSummary, undatedPgs(warehouse.dialect), rangeParams('2021-10-19', '2021-10-27', 'bad')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataGuardError);
    expect((error as Error).message).toMatch(/^PGS returned 4 rows dated outside its batch 2021-10-19\.\.2021-10-27 \(NULL: 4\); nothing was written/);
    expect(await derivedRows(warehouse, playerGameSummary)).toEqual(before);
  });

  it('the registered processors pass the guard (a whole range rebuilt gives the same rows)', async () => {
    const before = await derivedRows(warehouse, playerGameSummary);
    await buildRange(warehouse, playerGameSummary, '2021-10-19', '2021-10-27', 'again');
    expect(await derivedRows(warehouse, playerGameSummary)).toEqual(before);
  });
});
