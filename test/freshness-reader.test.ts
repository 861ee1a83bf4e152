// The session's cached staleness (reader.ts) always says what a fresh read says: after a run wrote
// records, after a rebuild without its cascade, after the stale run; the grid's snapshot carries it
// compactly (runs of dates) and a finished batch clears its dates from it; the coverage of a
// snapshot with staleness is the coverage of the queries of before.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import type {DerivedTableName} from '../src/catalog/types.js';
import {listStale, readStaleness, type StaleMap} from '../src/freshness/index.js';
import {FreshnessReader} from '../src/freshness/reader.js';
import {decodeStale, encodeStale, withRebuilt} from '../src/freshness/wire.js';
import {startRun, type RunRequest} from '../src/runner/index.js';
import {readGridCoverage} from '../src/session/grid-coverage.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {demoFile, DEMO_AS_OF, DEMO_RANGE, tempDir, type TempDir} from './runner-support.js';

const config = {processors: {}};
const LAST = DEMO_RANGE.end;
let tmp: TempDir;
let warehouse: DuckDbWarehouse;

async function run(request: RunRequest): Promise<void> {
  const handle = await startRun({warehouse, stateDir: `${tmp.dir}/state`, config, boundary: DEMO_AS_OF, request});
  expect((await handle.finished).state).toBe('completed');
}

beforeAll(async () => {
  tmp = tempDir('backfill-freshness-reader-');
  warehouse = await openDuckDb(await demoFile(tmp.dir));
}, 120_000);
afterAll(async () => {
  await warehouse?.close();
  tmp?.cleanup();
});

describe('the cached reader', () => {
  it('gives what an uncached read gives, read after read', {timeout: 180_000}, async () => {
    const reader = new FreshnessReader(warehouse, config);
    const both = async () => {
      const cached = listStale((await reader.read(LAST)).stale);
      expect(cached).toEqual(listStale((await readStaleness(warehouse, {last: LAST, config})).stale));
      return cached;
    };
    expect(await both()).toEqual([]); // nothing built
    await run({range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name)});
    expect(await both()).toEqual([]);
    const unchanged = await reader.read(LAST);
    expect(await reader.read(LAST)).toBe(unchanged); // nothing changed: the same answer, not computed again
    await run({range: {start: '2021-12-07', end: '2021-12-07'}, processors: ['player_game_summary'], force: true, cascade: false});
    const stale = await both();
    expect(stale.length).toBeGreaterThan(20);
    await run({range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name), reprocess: 'stale'});
    expect(await both()).toEqual([]);
  });
});

describe('the snapshot the grid gets', () => {
  it('carries the stale dates as runs, decodes to the same, and a rebuilt batch leaves them', () => {
    const dates = ['2021-12-01', '2021-12-02', '2021-12-04', '2021-12-05', '2021-12-06'];
    const stale: StaleMap = new Map<DerivedTableName, Map<string, {reason: 'upstream' | 'code'; detail: string}>>([
      ['player_shot_zone_analytics', new Map([
        ['2021-12-02', {reason: 'upstream', detail: 'player_game_summary 2021-12-01 rebuilt after it'}],
        ['2021-12-04', {reason: 'upstream', detail: 'player_game_summary 2021-12-01 rebuilt after it'}],
        ['2021-12-05', {reason: 'upstream', detail: 'player_game_summary 2021-12-01 rebuilt after it'}],
        ['2021-12-06', {reason: 'code', detail: 'changed'}],
      ])],
    ]);
    const snapshot = encodeStale(stale, dates);
    // Consecutive game dates (12-03 has none) with one reason and detail are one run.
    expect(snapshot.stale.player_shot_zone_analytics).toEqual([['2021-12-02', '2021-12-05', 'upstream', 0], ['2021-12-06', '2021-12-06', 'code', 1]]);
    expect(decodeStale(snapshot, dates).get('player_shot_zone_analytics')).toEqual(stale.get('player_shot_zone_analytics'));
    const after = withRebuilt(snapshot, 'player_shot_zone_analytics', '2021-12-04', '2021-12-04', dates);
    expect(after.stale.player_shot_zone_analytics).toEqual([['2021-12-02', '2021-12-02', 'upstream', 0], ['2021-12-05', '2021-12-05', 'upstream', 0], ['2021-12-06', '2021-12-06', 'code', 1]]);
    expect(withRebuilt(snapshot, 'player_shot_zone_analytics', '2021-12-01', '2021-12-31', dates).stale).toEqual({});
  });

  it('has the same game dates and coverage with staleness as without it', async () => {
    const range = {start: '2021-11-01', end: LAST};
    const [plain, fresh] = [await readGridCoverage(warehouse, range, null), await readGridCoverage(warehouse, range, new FreshnessReader(warehouse, config))];
    expect(fresh.gameDates).toEqual(plain.gameDates);
    expect(fresh.covered).toEqual(plain.covered);
    expect(plain.freshness).toBeUndefined();
    expect(fresh.freshness).toEqual({unavailable: null, details: [], stale: {}});
  });
});
