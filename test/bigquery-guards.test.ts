// The data guards of the BigQuery statements, executed: the MERGE's source (its game_date guard
// included) and the processors' SELECTs run on ZetaSQL's reference implementation through the real
// BigQuery adapter (support/zetasql-bigquery.ts), next to DuckDB on the same hand-made league. A
// stray row and a malformed minutes value fail the same way on both engines, with the same line.
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {playerGameSummary, teamDefenseGameSummary, teamOffenseGameSummary, upcomingPlayerGameContext} from '../src/catalog/index.js';
import type {DerivedTable} from '../src/catalog/types.js';
import {DataGuardError} from '../src/queries/guards.js';
import {processorFor} from '../src/queries/processors/index.js';
import {classifyError} from '../src/warehouse/errors.js';
import type {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {rangeParams, type Warehouse} from '../src/warehouse/types.js';
import {openFixtureWarehouse} from './support/fixture.js';
import {startZetaSql, stopZetaSql} from './support/zetasql.js';
import {zetaSqlWarehouse, type ZetaSqlBigQuery} from './support/zetasql-bigquery.js';
import {MALFORMED_MESSAGE, shiftedPgs, undatedPgs} from './support/wrong-processors.js';

let duck: DuckDbWarehouse;
let bigquery: BigQueryWarehouse;
let client: ZetaSqlBigQuery;

beforeAll(async () => {
  [duck] = await Promise.all([openFixtureWarehouse(), startZetaSql()]);
  ({warehouse: bigquery, client} = zetaSqlWarehouse(duck));
}, 120_000);
afterAll(async () => {
  stopZetaSql();
  await duck.close();
});

async function failure(w: Warehouse, table: DerivedTable, select: string, start: string, end: string): Promise<Error> {
  return w.replaceRange(table, select, rangeParams(start, end, 'guard')).then(
    () => {
      throw new Error(`${w.engine}: the write succeeded`);
    },
    (e: Error) => e,
  );
}

describe('the stray-row guard of the MERGE, executed', () => {
  it('a processor shifting its dates fails on BigQuery as on DuckDB: permanent, every stray date named', async () => {
    const [onDuck, onBigQuery] = [
      await failure(duck, playerGameSummary, shiftedPgs(duck.dialect), '2021-10-19', '2021-10-22'),
      await failure(bigquery, playerGameSummary, shiftedPgs(bigquery.dialect), '2021-10-19', '2021-10-22'),
    ];
    expect(onBigQuery).toBeInstanceOf(DataGuardError);
    expect(classifyError(onBigQuery)).toBe('permanent');
    expect(onBigQuery.message).toBe(onDuck.message);
    expect(onBigQuery.message).toMatch(/^PGS returned 6 rows dated outside its batch 2021-10-19\.\.2021-10-22 \(2021-10-23: 6\); nothing was written/);
    // The MERGE ran once; the listing of stray dates is one diagnostic query after the failure.
    expect(client.requests.filter((r) => !r.dryRun).map((r) => r.query.slice(0, 6))).toEqual(['MERGE ', 'SELECT']);
  });

  it('a row without a date', async () => {
    const onBigQuery = await failure(bigquery, playerGameSummary, undatedPgs(bigquery.dialect), '2021-10-19', '2021-10-27');
    const onDuck = await failure(duck, playerGameSummary, undatedPgs(duck.dialect), '2021-10-19', '2021-10-27');
    expect(onBigQuery.message).toBe(onDuck.message);
    expect(onBigQuery.message).toContain('(NULL: 4)');
  });

  it('the registered processors pass it: the MERGE source is the processor rows with lineage', async () => {
    const params = rangeParams('2021-10-19', '2021-10-27', 'ok');
    const onDuck = await duck.replaceRange(playerGameSummary, processorFor(playerGameSummary).select(duck.dialect), params);
    expect(onDuck.rowsWritten).toBeGreaterThan(30);
    await expect(bigquery.replaceRange(playerGameSummary, processorFor(playerGameSummary).select(bigquery.dialect), params)).resolves.toMatchObject({rowsWritten: onDuck.rowsWritten});
  });
});

describe('a malformed minutes value, executed on BigQuery', () => {
  beforeEach(async () => {
    await duck.query(`UPDATE nba_raw.boxscore_traditional SET "minutes" = $m WHERE game_id = '0022100001' AND player_lookup = 'aaronalpha'`, {m: {type: 'STRING', value: '48:00'}});
    client.forget();
  });

  async function setMinutes(value: string): Promise<void> {
    await duck.query(`UPDATE nba_raw.boxscore_traditional SET "minutes" = $m WHERE game_id = '0022100001' AND player_lookup = 'aaronalpha'`, {m: {type: 'STRING', value}});
    client.forget();
  }

  it.each([playerGameSummary, teamOffenseGameSummary, teamDefenseGameSummary].map((t) => [t.short, t] as const))(
    '%s fails with the line DuckDB gives, instead of dropping the player',
    async (_short, table) => {
      const select = processorFor(table).select(bigquery.dialect);
      const {start_date, end_date} = rangeParams('2021-10-19', '2021-10-19');
      const before = await bigquery.query(select, {start_date, end_date});
      expect(before.length).toBeGreaterThan(0);
      await setMinutes('34');
      const onBigQuery = await failure(bigquery, table, select, '2021-10-19', '2021-10-22');
      expect(onBigQuery).toBeInstanceOf(DataGuardError);
      expect(classifyError(onBigQuery)).toBe('permanent');
      expect(onBigQuery.message).toBe(MALFORMED_MESSAGE);
      const onDuck = await failure(duck, table, processorFor(table).select(duck.dialect), '2021-10-19', '2021-10-22');
      expect(onDuck.message).toBe(MALFORMED_MESSAGE);
    },
  );

  it('UPGC reading it as history fails the same way; a batch that does not read it succeeds', async () => {
    await setMinutes('34');
    const select = processorFor(upcomingPlayerGameContext).select(bigquery.dialect);
    expect((await failure(bigquery, upcomingPlayerGameContext, select, '2021-10-24', '2021-10-24')).message).toBe(MALFORMED_MESSAGE);
    const {start_date, end_date} = rangeParams('2021-10-20', '2021-10-27');
    await expect(bigquery.query(processorFor(playerGameSummary).select(bigquery.dialect), {start_date, end_date})).resolves.not.toHaveLength(0);
  });

  it.each(['', '34:60', '3a:00', ' 34:00'])('%j raises the guard on BigQuery too', async (value) => {
    await setMinutes(value);
    const error = await failure(bigquery, playerGameSummary, processorFor(playerGameSummary).select(bigquery.dialect), '2021-10-19', '2021-10-19');
    expect(error.message).toContain(`malformed minutes value '${value}' (game 0022100001, player aaronalpha)`);
  });
});
