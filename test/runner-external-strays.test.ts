// An external command's writes must stay on its batch's game dates, like a SQL processor's: after a
// zero exit, rows it stamped (processed_at at or after the warehouse clock read before it started)
// on any other date fail the batch, permanently. Batches of one processor running side by side
// write their own ranges at the same time: that is not a stray.
import {join, resolve} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {DerivedTableName} from '../src/catalog/types.js';
import {parseConfig} from '../src/config.js';
import {startRun} from '../src/runner/index.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {collect, ofType, scheduleOnlyWarehouse, tempDir, type TempDir} from './runner-support.js';

const TICKER = resolve(import.meta.dirname, 'fixtures', 'external-ticker.mjs');
const DATES = ['2021-11-01', '2021-11-02', '2021-11-03'];
const RANGE = {start: '2021-11-01', end: '2021-11-03'};

let tmp: TempDir;
let warehouse: DuckDbWarehouse;

beforeEach(async () => {
  tmp = tempDir();
  warehouse = await scheduleOnlyWarehouse(join(tmp.dir, 'w.duckdb'), DATES);
});

afterEach(async () => {
  await warehouse.close();
  tmp.cleanup();
});

/** A PGS row as the command would write it (it cannot open the DuckDB file this process holds), stamped now or unstamped. */
function writeRow(date: string, who: string, stamped: boolean): Promise<unknown> {
  return warehouse.query(
    `INSERT INTO nba_analytics.player_game_summary (game_date, game_id, player_lookup, processed_at)
     VALUES (CAST($d AS DATE), 'g', $w, ${stamped ? 'CAST(current_timestamp AS TIMESTAMP)' : 'NULL'})`,
    {d: {type: 'DATE', value: date}, w: {type: 'STRING', value: who}},
  );
}

/**
 * Runs PGS as the ticker (long enough for the test to write while it runs); `onStart` is called with
 * each batch's range when its command prints its first line, and returns the writes to make then.
 */
async function run(onStart: (start: string, end: string) => Promise<unknown>[], batchSize: number, workers = 2) {
  const config = parseConfig({processors: {player_game_summary: {command: [process.execPath, TICKER, '{start}', '{end}', '--ticks=10', '--tick-ms=50'], workers}}});
  const handle = await startRun({
    warehouse,
    stateDir: join(tmp.dir, 'state'),
    config,
    boundary: '2022-01-01',
    request: {range: RANGE, processors: ['player_game_summary' as DerivedTableName], batchSize, force: true},
  });
  const writes: Promise<unknown>[] = [];
  handle.subscribe((event) => {
    const started = event.type === 'external-output' && /^backfilling (\S+) to (\S+)/.exec(event.line);
    if (started) writes.push(...onStart(started[1], started[2]));
  });
  const events = collect(handle.subscribe);
  const final = await handle.finished;
  await Promise.all(writes);
  return {final, events};
}

describe('rows an external command wrote outside its batch', () => {
  it('fail the batch, permanently, naming the table, the batch and the stray dates', async () => {
    const {final, events} = await run(() => [
      ...DATES.map((date) => writeRow(date, 'a', true)),
      writeRow('2021-11-05', 'a', true), // the day after the range: nothing replaces it there
      writeRow('2021-10-28', 'a', true),
      writeRow('2021-10-28', 'b', true),
    ], 3);
    expect(final.state).toBe('failed');
    const [failed] = ofType(events, 'batch-failed');
    expect(failed.error).toBe(
      "the command exited 0 but also wrote PGS rows outside its batch's game dates 2021-11-01..2021-11-03: 2021-10-28 (2 rows), 2021-11-05 (1 row); " +
        'nothing replaces them there (fix the command: a batch writes only its own dates)',
    );
    expect(ofType(events, 'batch-retry')).toHaveLength(0);
  });

  it('a non-game date inside the range is outside the batch too', async () => {
    await warehouse.query(`DELETE FROM nba_orchestration.nba_schedule WHERE game_date = DATE '2021-11-02'`);
    const {final, events} = await run(() => ['2021-11-01', '2021-11-02', '2021-11-03'].map((date) => writeRow(date, 'a', true)), 3);
    expect(final.state).toBe('failed');
    expect(ofType(events, 'batch-failed')[0].error).toMatch(/outside its batch's game dates 2021-11-01\.\.2021-11-03: 2021-11-02 \(1 row\)/);
  });

  it('rows from before the batch started (unstamped, or an earlier run) are not its', async () => {
    await writeRow('2021-11-05', 'old', false);
    await warehouse.query(`INSERT INTO nba_analytics.player_game_summary (game_date, game_id, player_lookup, processed_at) VALUES (DATE '2021-11-06', 'g', 'old', TIMESTAMP '2021-12-01 00:00:00')`);
    const {final} = await run(() => DATES.map((date) => writeRow(date, 'a', true)), 3);
    expect(final.state).toBe('completed');
  });

  it('batches of one processor running side by side do not count each other as strays', async () => {
    const seen: string[] = [];
    const {final, events} = await run((start) => {
      seen.push(start);
      return [writeRow(start, 'a', true)];
    }, 1, 3);
    expect(ofType(events, 'batch-failed')).toEqual([]);
    expect(final.state).toBe('completed');
    expect(seen.sort()).toEqual(DATES);
    // They did overlap: a later batch started before an earlier one had finished.
    const started = ofType(events, 'batch-started').map((e) => e.time);
    const finished = ofType(events, 'batch-finished').map((e) => e.time);
    expect(started[1] < finished[0]).toBe(true);
  });
});
