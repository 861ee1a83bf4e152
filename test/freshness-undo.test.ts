// Undo and freshness (README: Freshness, "Undo and build records"): a batch keeps its table's build
// records with the rows it replaces (undo/slices.ts recordsSlice), and the undo puts them back with
// the rows, each date's current record stamped at the restore. Then what read the put-back build
// is as fresh as before the undone run, and what read the undone build is stale, upstream of it.
// Through the real runner and the real undo, on the demo warehouse.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable} from '../src/catalog/index.js';
import type {DerivedTable} from '../src/catalog/types.js';
import {listStale, readStaleness} from '../src/freshness/index.js';
import {startRun, type RunRequest} from '../src/runner/index.js';
import {StateStore} from '../src/state/store.js';
import {undoPolicy} from '../src/undo/policy.js';
import {readReplacedRanges} from '../src/undo/ranges.js';
import {planUndo} from '../src/undo/undo-plan.js';
import {executeUndo} from '../src/undo/undo-run.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {copyOf, demoFile, DEMO_AS_OF, DEMO_RANGE, tempDir, type TempDir} from './runner-support.js';

const config = {processors: {}};
const policy = undoPolicy({}, 'duckdb');
const D = '2021-12-07';
let tmp: TempDir;
let built: string;

async function run(w: DuckDbWarehouse, request: RunRequest, stateDir: string): Promise<string> {
  const handle = await startRun({warehouse: w, stateDir, config, boundary: DEMO_AS_OF, request});
  const done = await handle.finished;
  expect(done.state).toBe('completed');
  return done.runId!;
}

/** Undoes the run, only PGS when `tables` says so. */
async function undo(w: DuckDbWarehouse, stateDir: string, runId: string, tables?: DerivedTable[]): Promise<void> {
  const history = new StateStore(stateDir).history(w.description);
  const plan = planUndo({runId, entries: await readReplacedRanges(w), history, policy, ...(tables ? {tables} : {})});
  const outcome = await executeUndo({warehouse: w, stateDir, policy, plan});
  expect(outcome.state).toBe('completed');
}

const stale = async (w: DuckDbWarehouse) => listStale((await readStaleness(w, {last: DEMO_RANGE.end, config})).stale);

beforeAll(async () => {
  tmp = tempDir('backfill-freshness-undo-');
  built = copyOf(await demoFile(tmp.dir), tmp.dir, 'built');
  const w = await openDuckDb(built);
  await run(w, {range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name)}, `${tmp.dir}/state-built`);
  await w.close();
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('undoing a rebuild of one PGS date', () => {
  it('without its cascade: put back with its records, its readers are fresh again', {timeout: 120_000}, async () => {
    const w = await openDuckDb(copyOf(built, tmp.dir, 'alone'));
    try {
      const runId = await run(w, {range: {start: D, end: D}, processors: ['player_game_summary'], force: true, cascade: false}, `${tmp.dir}/state-alone`);
      const after = await stale(w);
      expect(after.length).toBeGreaterThan(10);
      expect(after.find((s) => s.table === 'player_shot_zone_analytics')?.detail).toBe(`player_game_summary ${D} rebuilt after it`);
      await undo(w, `${tmp.dir}/state-alone`, runId);
      expect(await stale(w)).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('with its cascade, only PGS put back: what the undone run built from it is stale, upstream of the put-back date', {timeout: 120_000}, async () => {
    const w = await openDuckDb(copyOf(built, tmp.dir, 'cascaded'));
    try {
      const runId = await run(w, {range: {start: D, end: D}, processors: ['player_game_summary'], force: true}, `${tmp.dir}/state-cascaded`);
      expect(await stale(w)).toEqual([]);
      await undo(w, `${tmp.dir}/state-cascaded`, runId, [derivedTable('player_game_summary')]);
      const after = await stale(w);
      expect(after.filter((s) => s.table === 'player_game_summary')).toEqual([]);
      expect(after.find((s) => s.table === 'player_shot_zone_analytics')).toMatchObject({reason: 'upstream', detail: `player_game_summary ${D} rebuilt after it`});
      expect(new Set(after.map((s) => s.table))).toEqual(new Set(['player_shot_zone_analytics', 'player_composite_factors', 'ml_feature_store']));
    } finally {
      await w.close();
    }
  });
});
