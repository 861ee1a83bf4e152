// What an undo must do with build records for freshness to stay right (README: Freshness, "Undo and
// build records"): keep a table's current records for the range with the rows a write replaces,
// and put them back with the rows, stamped at the restore. Then what read the put-back build is as
// fresh as before the undone write, and what read the undone build is stale, upstream of it.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable} from '../src/catalog/index.js';
import {listStale, readStaleness} from '../src/freshness/index.js';
import {currentRecordsStatement, restoreRecordsStatements} from '../src/freshness/records.js';
import {startRun, type RunRequest} from '../src/runner/index.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {rangeParams} from '../src/warehouse/types.js';
import {copyOf, demoFile, DEMO_AS_OF, DEMO_RANGE, tempDir, type TempDir} from './runner-support.js';

const config = {processors: {}};
const D = '2021-12-07';
const pgs = derivedTable('player_game_summary');
let tmp: TempDir;
let built: string;

async function run(w: DuckDbWarehouse, request: RunRequest, name: string): Promise<void> {
  const handle = await startRun({warehouse: w, stateDir: `${tmp.dir}/state-${name}`, config, boundary: DEMO_AS_OF, request});
  expect((await handle.finished).state).toBe('completed');
}

const stale = async (w: DuckDbWarehouse) => listStale((await readStaleness(w, {last: DEMO_RANGE.end, config})).stale);

/** What an undo keeps before the write: PGS's rows of D and their current records. */
async function keep(w: DuckDbWarehouse): Promise<void> {
  await w.query(`CREATE TABLE kept_rows AS SELECT * FROM nba_analytics.player_game_summary WHERE game_date = DATE '${D}'`);
  await w.query(`CREATE TABLE kept_records AS ${currentRecordsStatement(w.dialect, pgs)}`, rangeParams(D, D));
}

/** What it does to put them back: the rows, then the records, in one transaction. */
async function restore(w: DuckDbWarehouse): Promise<void> {
  await w.transaction(async (connection) => {
    await connection.run(`DELETE FROM nba_analytics.player_game_summary WHERE game_date = DATE '${D}'`);
    await connection.run('INSERT INTO nba_analytics.player_game_summary SELECT * FROM kept_rows');
    for (const sql of restoreRecordsStatements(w.dialect, pgs, 'kept_records')) await connection.run(sql, {start_date: D, end_date: D});
  });
}

beforeAll(async () => {
  tmp = tempDir('backfill-freshness-undo-');
  built = copyOf(await demoFile(tmp.dir), tmp.dir, 'built');
  const w = await openDuckDb(built);
  await run(w, {range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name)}, 'built');
  await w.close();
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('undoing a rebuild of one PGS date', () => {
  it('without its cascade: put back with its records, its readers are fresh again', {timeout: 120_000}, async () => {
    const w = await openDuckDb(copyOf(built, tmp.dir, 'alone'));
    try {
      await keep(w);
      await run(w, {range: {start: D, end: D}, processors: ['player_game_summary'], force: true, cascade: false}, 'alone');
      const after = await stale(w);
      expect(after.length).toBeGreaterThan(10);
      expect(after.find((s) => s.table === 'player_shot_zone_analytics')?.detail).toBe(`player_game_summary ${D} rebuilt after it`);
      await restore(w);
      expect(await stale(w)).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('with its cascade, only PGS put back: what the undone run built from it is stale, upstream of the put-back date', {timeout: 120_000}, async () => {
    const w = await openDuckDb(copyOf(built, tmp.dir, 'cascaded'));
    try {
      await keep(w);
      await run(w, {range: {start: D, end: D}, processors: ['player_game_summary'], force: true}, 'cascaded');
      expect(await stale(w)).toEqual([]);
      await restore(w);
      const after = await stale(w);
      expect(after.filter((s) => s.table === 'player_game_summary')).toEqual([]);
      expect(after.find((s) => s.table === 'player_shot_zone_analytics')).toMatchObject({reason: 'upstream', detail: `player_game_summary ${D} rebuilt after it`});
      expect(new Set(after.map((s) => s.table))).toEqual(new Set(['player_shot_zone_analytics', 'player_composite_factors', 'ml_feature_store']));
    } finally {
      await w.close();
    }
  });
});
