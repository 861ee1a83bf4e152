// Pause and resume of one processor on the real warehouse: no batch of it starts while paused,
// its dependants stop at its frontier, the rest completes; the pause survives a restart; after
// resume everything completes.
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLE_NAMES} from '../src/catalog/types.js';
import {parseConfig} from '../src/config.js';
import {findInterruptedRun, pausedProcessors, startRun, warehouseKey, type LocalRun} from '../src/runner/index.js';
import type {RunEvent} from '../src/runner/types.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {collect, copyOf, DEMO_AS_OF, DEMO_RANGE, demoFile, ofType, tableFacts, tempDir, type TempDir} from './runner-support.js';

let tmp: TempDir;
let warehouse: DuckDbWarehouse;
const config = parseConfig({});
const TDGS = 'team_defense_game_summary';
const DEPENDANTS = ['team_defensive_zone_analytics', 'player_defensive_context', 'player_composite_factors', 'ml_feature_store'];

beforeAll(async () => {
  tmp = tempDir('backfill-pause-');
  warehouse = await openDuckDb(copyOf(await demoFile(tmp.dir), tmp.dir, 'paused'));
}, 300_000);
afterAll(async () => {
  await warehouse.close();
  tmp.cleanup();
});

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Until nothing is in flight for a while: what is left is held by the pause. */
async function quiescent(handle: LocalRun, timeoutMs = 240_000) {
  const started = Date.now();
  let calm = 0;
  while (calm < 3) {
    if (Date.now() - started > timeoutMs) throw new Error('the run never went quiet');
    const busy = handle.getSnapshot().processors.some((p) => p.running.length > 0);
    calm = busy ? 0 : calm + 1;
    await sleep(150);
  }
}

function startedWhilePaused(events: readonly RunEvent[], processor: string): RunEvent[] {
  const pausedAt = events.findIndex((e) => e.type === 'processor-paused' && e.processor === processor);
  const resumedAt = events.findIndex((e) => e.type === 'processor-resumed' && e.processor === processor);
  return events.slice(pausedAt, resumedAt < 0 ? undefined : resumedAt).filter((e) => e.type === 'batch-started' && e.batch.processor === processor);
}

describe('pause and resume of one processor', () => {
  it('holds it and its dependants at its frontier, survives a restart, completes after resume', async () => {
    const stateDir = join(tmp.dir, 'state');
    const key = warehouseKey(warehouse);
    const request = {range: DEMO_RANGE, processors: DERIVED_TABLE_NAMES, batchSize: 7, workers: 1};
    const first = await startRun({warehouse, stateDir, config, boundary: DEMO_AS_OF, request});
    const events = collect(first.subscribe);
    first.subscribe((e) => {
      if (e.type === 'batch-finished' && e.batch.processor === TDGS && ofType(events, 'processor-paused').length === 0) first.send({type: 'pause', processor: TDGS});
    });
    await quiescent(first);

    expect(startedWhilePaused(events, TDGS)).toEqual([]);
    const snapshot = Object.fromEntries(first.getSnapshot().processors.map((p) => [p.name, p]));
    expect(snapshot[TDGS]).toMatchObject({status: 'paused', paused: true});
    expect(snapshot[TDGS].datesDone).toBeGreaterThan(0);
    expect(snapshot[TDGS].datesDone).toBeLessThan(72);
    for (const name of ['player_game_summary', 'team_offense_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context', 'player_shot_zone_analytics']) {
      expect(snapshot[name], name).toMatchObject({status: 'done', datesDone: 72});
    }
    // The frontier: no dependant built a date past the last date TDGS built.
    const frontier = ofType(events, 'batch-finished').filter((e) => e.batch.processor === TDGS).map((e) => e.batch.end).sort().pop()!;
    for (const e of ofType(events, 'batch-finished').filter((e) => DEPENDANTS.includes(e.batch.processor))) {
      expect(e.batch.end <= frontier, `${e.batch.processor} ${e.batch.end} after TDGS ${frontier}`).toBe(true);
    }
    expect(snapshot.ml_feature_store.datesDone).toBeLessThan(72);

    // Quit (stop after in-flight batches): resumable, and the pause is saved.
    expect((await first.stop()).state).toBe('interrupted');
    expect(pausedProcessors(stateDir, key)).toEqual([TDGS]);
    const interrupted = findInterruptedRun(stateDir, key);
    expect(interrupted?.runId).toBe(first.runId);

    // Restart: the resumed run holds TDGS from the start.
    const second = await startRun({warehouse, stateDir, config, boundary: DEMO_AS_OF, request, resume: interrupted!});
    const later = collect(second.subscribe);
    await sleep(50);
    await quiescent(second);
    expect(ofType(later, 'processor-paused').map((e) => e.processor)).toEqual([TDGS]);
    expect(ofType(later, 'batch-started').filter((e) => e.batch.processor === TDGS)).toEqual([]);
    expect(second.getSnapshot().processors.find((p) => p.name === TDGS)).toMatchObject({status: 'paused'});

    second.send({type: 'resume', processor: TDGS});
    const final = await second.finished;
    expect(final.state).toBe('completed');
    expect(pausedProcessors(stateDir, key)).toEqual([]);
    expect(findInterruptedRun(stateDir, key)).toBeNull();
    const facts = await tableFacts(warehouse);
    for (const name of DERIVED_TABLE_NAMES) {
      expect(facts[name].dates, name).toBe(72);
      expect(facts[name].distinctKeys, name).toBe(facts[name].rows);
    }
  }, 400_000);

  it('cancels the in-flight query of a paused SQL processor and runs its batch again on resume', async () => {
    const w = await openDuckDb(copyOf(join(tmp.dir, 'demo.duckdb'), tmp.dir, 'cancel-on-pause'));
    try {
      const handle = await startRun({warehouse: w, stateDir: join(tmp.dir, 'state-cancel'), config, boundary: DEMO_AS_OF, request: {range: DEMO_RANGE, processors: ['upcoming_player_game_context'], batchSize: 400}});
      const events = collect(handle.subscribe);
      handle.subscribe((e) => {
        if (e.type === 'batch-started' && ofType(events, 'processor-paused').length === 0) handle.send({type: 'pause', processor: 'upcoming_player_game_context'});
      });
      await quiescent(handle);
      expect(ofType(events, 'batch-finished')).toEqual([]);
      expect(ofType(events, 'log').some((e) => e.message.includes('query cancelled by the pause; it runs again on resume'))).toBe(true);
      expect(handle.getSnapshot().processors[0]).toMatchObject({status: 'paused', datesDone: 0, running: []});
      handle.send({type: 'resume', processor: 'upcoming_player_game_context'});
      const final = await handle.finished;
      expect(final.state).toBe('completed');
      const started = ofType(events, 'batch-started');
      expect(started.map((e) => e.batch.attempt)).toEqual([1, 1]); // a pause is not a failed attempt
      expect(final.processors[0]).toMatchObject({datesDone: 72, retries: 0});
    } finally {
      await w.close();
    }
  }, 120_000);

  it('ends a headless run as interrupted when only paused work is left', async () => {
    const w = await openDuckDb(copyOf(join(tmp.dir, 'demo.duckdb'), tmp.dir, 'headless'));
    const stateDir = join(tmp.dir, 'state-headless');
    try {
      const probe = await startRun({warehouse: w, stateDir, config, boundary: DEMO_AS_OF, request: {range: DEMO_RANGE, processors: ['player_game_summary', 'player_shot_zone_analytics']}, stopWhenOnlyPaused: true});
      probe.send({type: 'pause', processor: 'player_game_summary'});
      const events = collect(probe.subscribe);
      const final = await probe.finished;
      expect(final.state).toBe('interrupted');
      expect(ofType(events, 'batch-started')).toEqual([]);
      expect(ofType(events, 'log').some((e) => /wait on paused processors \(PGS\)/.test(e.message))).toBe(true);
    } finally {
      await w.close();
    }
  }, 120_000);
});
