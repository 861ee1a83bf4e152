// Keeping and restoring are generic over tables and filters (src/undo/slices.ts): the statements
// undo runs for a derived table's rows work as they are for a bookkeeping table's rows of one
// derived table (freshness's build records, here a stand-in): copied and put back, or noted when
// rewritten identically and restamped back, each in one transaction, and the records of the other
// tables are never touched.
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {compactStatement, keepStatement, noteIdenticalStatement} from '../src/undo/keep-sql.js';
import {fingerprintStatement, verifyIdenticalStatement} from '../src/undo/optimistic-sql.js';
import {dropNotesStatement, dropRestoredStatement, expandNotesStatement, restoreSliceStatements} from '../src/undo/restore-sql.js';
import {sliceParams} from '../src/undo/slices.js';
import {KEPT_DATES, keptTable, REPLACED_RANGES} from '../src/undo/tables.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {rangeParams, stringParam, type Params} from '../src/warehouse/types.js';
import {RECORDS, recordsOf} from './support/records-slice.js';

const DATES = ['2021-12-01', '2021-12-02', '2021-12-03'];
const pgsRecords = recordsOf('player_game_summary');

let w: DuckDbWarehouse;

beforeEach(async () => {
  w = await openDuckDb(':memory:');
  await w.ensureTables([RECORDS, keptTable(RECORDS), KEPT_DATES, REPLACED_RANGES]);
  for (const table of ['player_game_summary', 'team_offense_game_summary']) {
    for (const date of DATES) {
      await w.query(`INSERT INTO nba_backfill.build_records_test VALUES ($t, CAST($d AS DATE), 'v1', TIMESTAMP '2026-01-01 00:00:00', 'run-0')`, {t: stringParam(table), d: {type: 'DATE', value: date}});
    }
  }
});
afterEach(() => w.close());

const all = () => w.query(`SELECT table_name, CAST(game_date AS VARCHAR) AS d, built_from, CAST(processed_at AS VARCHAR) AS at, run_id FROM nba_backfill.build_records_test ORDER BY ALL`);

/** Rewrites the slice's records as a batch of `runId` would, values from `builtFrom`. */
async function rewrite(runId: string, builtFrom: (date: string) => string) {
  await w.query(`DELETE FROM nba_backfill.build_records_test WHERE table_name = 'player_game_summary'`);
  for (const date of DATES) {
    await w.query(`INSERT INTO nba_backfill.build_records_test VALUES ('player_game_summary', CAST($d AS DATE), $b, TIMESTAMP '2026-02-01 00:00:00', $r)`, {d: {type: 'DATE', value: date}, b: stringParam(builtFrom(date)), r: stringParam(runId)});
  }
}

async function inTransaction(statements: readonly string[], params: Params) {
  await w.transaction(async (connection) => {
    for (const sql of statements) {
      const values = Object.fromEntries(Object.entries(params).filter(([name]) => sql.includes(`$${name}`)).map(([name, p]) => [name, p.value]));
      await connection.run(sql, Object.keys(values).length ? values : undefined);
    }
  });
}

describe('a filtered slice of a bookkeeping table', () => {
  const range = (runId: string): Params => ({...rangeParams(DATES[0], DATES[2], runId), ...sliceParams(pgsRecords), table_name: stringParam('player_game_summary')});

  it('copied before the rewrite, put back by its undo step; the other tables\' records untouched', async () => {
    const before = await all();
    await inTransaction([keepStatement(w.dialect, pgsRecords)], range('run-1'));
    await rewrite('run-1', () => 'v2');
    expect(await w.query('SELECT COUNT(*) AS n FROM nba_backfill.kept_build_records_test')).toEqual([{n: 3}]);
    const undo = {...range('undo-1'), undo_of: stringParam('run-1')};
    await inTransaction([...restoreSliceStatements(w.dialect, pgsRecords, 'copy'), dropRestoredStatement(w.dialect, pgsRecords)], undo);
    expect(await all()).toEqual(before);
    expect(await w.query('SELECT COUNT(*) AS n FROM nba_backfill.kept_build_records_test')).toEqual([{n: 0}]);
  });

  it('rewritten identically: a note per date, no copy; restamped back by its undo step', async () => {
    const before = await all();
    // The copying keep: copied, then noted where identical and the copies dropped.
    await inTransaction([keepStatement(w.dialect, pgsRecords)], range('run-1'));
    await rewrite('run-1', (date) => (date === DATES[1] ? 'v2' : 'v1'));
    await inTransaction([noteIdenticalStatement(w.dialect, pgsRecords), compactStatement(w.dialect, pgsRecords)], range('run-1'));
    expect(await w.query(`SELECT CAST(game_date AS VARCHAR) AS d FROM nba_backfill.kept_build_records_test`)).toEqual([{d: DATES[1]}]);
    expect(await w.query(`SELECT COUNT(*) AS n FROM nba_backfill.kept_dates WHERE table_name = 'build_records_test'`)).toEqual([{n: 2}]);
    const undo = {...range('undo-1'), undo_of: stringParam('run-1')};
    await inTransaction(
      [expandNotesStatement(w.dialect, pgsRecords), ...restoreSliceStatements(w.dialect, pgsRecords, 'copy'), dropRestoredStatement(w.dialect, pgsRecords), dropNotesStatement(w.dialect, pgsRecords)],
      undo,
    );
    expect(await all()).toEqual(before);
    expect(await w.query('SELECT COUNT(*) AS n FROM nba_backfill.kept_dates')).toEqual([{n: 0}]);
  });

  it('two slices of one table kept by one run for the same dates keep apart: each is put back alone', async () => {
    const togsRecords = recordsOf('team_offense_game_summary');
    const before = await all();
    const params = (slice: typeof pgsRecords, runId: string): Params => ({...rangeParams(DATES[0], DATES[2], runId), ...sliceParams(slice)});
    for (const slice of [pgsRecords, togsRecords]) await inTransaction([keepStatement(w.dialect, slice)], params(slice, 'run-1'));
    // Both rewritten with new lineage, same values: both noted for every date, no copy left.
    await w.query(`UPDATE nba_backfill.build_records_test SET run_id = 'run-1', processed_at = TIMESTAMP '2026-02-01 00:00:00'`);
    for (const slice of [pgsRecords, togsRecords]) await inTransaction([noteIdenticalStatement(w.dialect, slice), compactStatement(w.dialect, slice)], params(slice, 'run-1'));
    expect(await w.query('SELECT slice_key, COUNT(*) AS n FROM nba_backfill.kept_dates GROUP BY ALL ORDER BY 1')).toEqual([{slice_key: 'player_game_summary', n: 3}, {slice_key: 'team_offense_game_summary', n: 3}]);
    expect(await w.query('SELECT COUNT(*) AS n FROM nba_backfill.kept_build_records_test')).toEqual([{n: 0}]);
    const undo = {...params(pgsRecords, 'undo-1'), undo_of: stringParam('run-1')};
    await inTransaction([expandNotesStatement(w.dialect, pgsRecords), ...restoreSliceStatements(w.dialect, pgsRecords, 'copy'), dropRestoredStatement(w.dialect, pgsRecords), dropNotesStatement(w.dialect, pgsRecords)], undo);
    const after = await all();
    expect(after.filter((r) => r.table_name === 'player_game_summary')).toEqual(before.filter((r) => r.table_name === 'player_game_summary'));
    expect(after.filter((r) => r.table_name === 'team_offense_game_summary').every((r) => r.run_id === 'run-1')).toBe(true);
    expect(await w.query('SELECT slice_key, COUNT(*) AS n FROM nba_backfill.kept_dates GROUP BY ALL')).toEqual([{slice_key: 'team_offense_game_summary', n: 3}]);
  });

  it('the optimistic check passes an identical rewrite and fails a changed one', async () => {
    const record = `INSERT INTO nba_backfill.replaced_ranges VALUES ($run_id, $table_name, CAST($start_date AS DATE), CAST($end_date AS DATE), TIMESTAMP '2026-02-01 00:00:00', 3, NULL, NULL, NULL)`;
    await inTransaction([fingerprintStatement(w.dialect, pgsRecords), record], range('run-1'));
    await rewrite('run-1', () => 'v1');
    await expect(w.query(verifyIdenticalStatement(w.dialect, pgsRecords), range('run-1'))).resolves.toEqual([{verified: 1}]);
    await rewrite('run-1', (date) => (date === DATES[2] ? 'v3' : 'v1'));
    await expect(w.query(verifyIdenticalStatement(w.dialect, pgsRecords), range('run-1'))).rejects.toThrow(/backfill undo: replaced rows changed in build_records_test/);
  });
});
