// A processor's definition is part of what a date was built from: a changed constant in PCF's SQL
// makes every PCF date `code`-stale (and what reads them upstream-stale through it); once PCF is
// rebuilt, those readers are `upstream` because PCF was rebuilt after them, until they are rebuilt
// too. Also: what the definition fingerprint holds (the engine's SQL, the reads, MLFS's
// feature_version, an external command) and the unknown of a warehouse without records.
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable} from '../src/catalog/index.js';
import {definitionOf} from '../src/freshness/definition.js';
import {listStale, readStaleness} from '../src/freshness/index.js';
import {FATIGUE} from '../src/queries/processors/phase4/player-composite-factors.js';
import {startRun, type RunRequest} from '../src/runner/index.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {demoFile, DEMO_AS_OF, DEMO_RANGE, tempDir, type TempDir} from './runner-support.js';

const config = {processors: {}};
const LAST = '2021-12-31';
let tmp: TempDir;
let warehouse: DuckDbWarehouse;
const original = FATIGUE.backToBack;

async function run(request: RunRequest): Promise<void> {
  const handle = await startRun({warehouse, stateDir: `${tmp.dir}/state`, config, boundary: DEMO_AS_OF, request});
  expect((await handle.finished).state).toBe('completed');
}

async function stale() {
  return listStale((await readStaleness(warehouse, {last: LAST, config})).stale);
}

beforeAll(async () => {
  tmp = tempDir('backfill-freshness-code-');
  warehouse = await openDuckDb(await demoFile(tmp.dir));
}, 120_000);
afterEach(() => {
  (FATIGUE as {backToBack: number}).backToBack = original;
});
afterAll(async () => {
  await warehouse?.close();
  tmp?.cleanup();
});

describe('a processor whose definition changed', () => {
  it('is code-stale on every date, its readers upstream; rebuilt, its readers are upstream of its rebuild', {timeout: 180_000}, async () => {
    const before = await stale();
    expect(before.length).toBe(0); // nothing built yet: nothing covered, nothing stale
    await run({range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name)});
    expect(await stale()).toEqual([]);

    // A changed constant of PCF's fatigue formula: a new definition.
    (FATIGUE as {backToBack: number}).backToBack = 0.06;
    const changed = await stale();
    const pcf = changed.filter((s) => s.table === 'player_composite_factors');
    const mlfs = changed.filter((s) => s.table === 'ml_feature_store');
    expect(pcf.length).toBeGreaterThan(50);
    expect(new Set(pcf.map((s) => s.reason))).toEqual(new Set(['code']));
    expect(pcf[0].detail).toMatch(/^the processor's definition changed since it was built \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)$/);
    expect(mlfs.map((s) => s.date)).toEqual(pcf.map((s) => s.date));
    expect(mlfs[0]).toMatchObject({reason: 'upstream', detail: `player_composite_factors ${mlfs[0].date} is stale (code)`});
    expect(changed.filter((s) => s.table !== 'player_composite_factors' && s.table !== 'ml_feature_store')).toEqual([]);

    // Rebuild PCF alone: it is current, and MLFS was built before it.
    await run({range: DEMO_RANGE, processors: ['player_composite_factors'], reprocess: 'stale', cascade: false});
    const after = await stale();
    expect(after.filter((s) => s.table === 'player_composite_factors')).toEqual([]);
    expect(after.map((s) => s.table)).toEqual(mlfs.map(() => 'ml_feature_store'));
    expect(after[0]).toEqual({table: 'ml_feature_store', date: mlfs[0].date, reason: 'upstream', detail: `player_composite_factors ${mlfs[0].date} rebuilt after it`});

    // The stale run (its cascade is empty: MLFS is stale itself) makes everything current again.
    await run({range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name), reprocess: 'stale'});
    expect(await stale()).toEqual([]);
  });
});

describe('the definition fingerprint', () => {
  const pcf = derivedTable('player_composite_factors');
  const mlfs = derivedTable('ml_feature_store');

  it('follows the SQL of the engine, the constants in it and an external command, not the project', () => {
    const duck = definitionOf('duckdb', pcf, null);
    expect(definitionOf('duckdb', pcf, null)).toBe(duck);
    expect(definitionOf('bigquery', pcf, null)).not.toBe(duck);
    (FATIGUE as {backToBack: number}).backToBack = 0.07;
    expect(definitionOf('duckdb', pcf, null)).not.toBe(duck);
    (FATIGUE as {backToBack: number}).backToBack = original;
    expect(definitionOf('duckdb', pcf, ['python3', 'pcf.py', '--start-date', '{start}'])).not.toBe(duck);
    expect(definitionOf('duckdb', pcf, ['python3', 'pcf.py', '--start-date', '{start}'])).not.toBe(definitionOf('duckdb', pcf, ['python3', 'pcf2.py', '--start-date', '{start}']));
    expect(definitionOf('duckdb', mlfs, null)).toMatch(/^[0-9a-f]{16}$/);
  });
});
