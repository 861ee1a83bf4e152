// The in-process session on a real demo warehouse: coverage kept current from batch events (no
// query per batch), intents with and without a run, rollback (+ rerun), validation, and
// close('detach') leaving the run resumable.
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {parseConfig} from '../src/config.js';
import {findInterruptedRun, pausedProcessors, warehouseKey} from '../src/runner/index.js';
import {CountingWarehouse} from '../src/runner/counting.js';
import type {RunEvent} from '../src/runner/types.js';
import {LocalSession} from '../src/session/local.js';
import {planPreviewLines} from '../src/ui/plan-preview.js';
import {formatPlanCost} from '../src/warehouse/cost-format.js';
import {loadLastValidation} from '../src/validation/index.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {copyOf, DEMO_AS_OF, DEMO_RANGE, demoFile, tempDir, type TempDir} from './runner-support.js';

let tmp: TempDir;
let demo: string;

beforeAll(async () => {
  tmp = tempDir('backfill-session-');
  demo = await demoFile(tmp.dir);
}, 300_000);
afterAll(() => tmp.cleanup());

async function open(name: string) {
  const duck = await openDuckDb(copyOf(demo, tmp.dir, name));
  const warehouse = new CountingWarehouse(duck);
  const session = new LocalSession({warehouse, stateDir: join(tmp.dir, `state-${name}`), config: parseConfig({}), boundary: DEMO_AS_OF, start: DEMO_RANGE.start});
  return {session, warehouse, duck};
}

function waitFor(session: LocalSession, condition: () => boolean, timeoutMs = 240_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
    const check = () => {
      if (!condition()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const unsubscribe = session.subscribe(check);
    check();
  });
}

describe('local session', () => {
  let duck: DuckDbWarehouse;
  afterAll(async () => duck?.close());

  it('moves the coverage from batch events, without a query per batch', async () => {
    const opened = await open('coverage');
    duck = opened.duck;
    const {session, warehouse} = opened;
    const initial = await session.refreshCoverage();
    expect(initial.gameDates).toHaveLength(72);
    expect(initial.covered.player_game_summary).toEqual([]);

    const seen: number[] = [];
    session.subscribe(() => {
      const state = session.getState();
      if (state.run?.state === 'running') seen.push(state.coverage!.covered.team_offense_game_summary.length);
    });
    const jobsBefore = warehouse.jobs;
    const run = await session.startRun({range: DEMO_RANGE, processors: ['team_offense_game_summary'], batchSize: 10, workers: 1});
    await run!.finished;
    await waitFor(session, () => !session.running && session.getState().run?.state === 'completed');
    // The grid grew while the run was going, batch by batch.
    expect(seen.some((n) => n > 0 && n < 72)).toBe(true);
    // Jobs: planning (2 queries), 8 batches, and one reconciling refresh at the end (2 queries).
    await waitFor(session, () => session.getState().coverage!.covered.team_offense_game_summary.length === 72);
    expect(warehouse.jobs - jobsBefore).toBeLessThanOrEqual(2 + 8 + 2);
    expect(session.getState().coverage!.covered.team_offense_game_summary).toEqual(initial.gameDates.map((g) => g.date));
    expect(session.backlog().filter((e: RunEvent) => e.type === 'batch-finished')).toHaveLength(8);
  }, 300_000);

  it('rolls back a range, then reruns it', async () => {
    const {session, duck} = await open('rollback');
    try {
      await session.refreshCoverage();
      const run = await session.startRun({range: DEMO_RANGE, processors: ['team_offense_game_summary']});
      await run!.finished;
      await waitFor(session, () => !session.running);
      await session.call('rollback', {range: {start: '2021-12-01', end: '2021-12-31'}, tables: ['team_offense_game_summary'], rerun: false});
      const covered = session.getState().coverage!.covered.team_offense_game_summary;
      expect(covered.some((d) => d.startsWith('2021-12'))).toBe(false);
      expect(covered.some((d) => d.startsWith('2021-11'))).toBe(true);
      expect(session.backlog().some((e) => e.type === 'log' && /rollback: deleted \d+ rows of TOGS/.test(e.message))).toBe(true);

      await session.call('rollback', {range: {start: '2021-12-01', end: '2021-12-31'}, tables: ['team_offense_game_summary'], rerun: true});
      await waitFor(session, () => !session.running && session.getState().run?.state === 'completed' && session.getState().coverage!.covered.team_offense_game_summary.length === 72);
    } finally {
      await session.close('detach');
      await duck.close();
    }
  }, 300_000);

  it('previews a start: the plan on DuckDB, and the dry-run estimate where the engine bills', async () => {
    const {session, duck} = await open('preview');
    try {
      const request = {range: DEMO_RANGE, processors: ['team_offense_game_summary', 'ml_feature_store'] as const, batchSize: 10};
      const plain = await session.call('preview', {request: {...request, processors: [...request.processors]}});
      expect(plain.estimate).toBeNull();
      expect(plain.hasWork).toBe(true);
      const summary = planPreviewLines(plain);
      expect(summary[0]).toMatch(/^\d+ batches, \d+ processor-dates( \(\d+ for lookback\))?, at most \d+ at once$/);
      // MLFS needs inputs that are neither covered nor in the plan: the preview says so.
      expect(summary.some((line) => /^blocked: MLFS needs \w+ on /.test(line))).toBe(true);

      // A warehouse with dry runs (BigQuery's adapter; its own tests cover the jobs): priced lines.
      const dryRuns: string[] = [];
      const billed = Object.assign(Object.create(duck) as DuckDbWarehouse, {
        dryRun: async (sql: string) => (dryRuns.push(sql), {bytes: 3 * 2 ** 30}),
      });
      const priced = new LocalSession({warehouse: billed, stateDir: join(tmp.dir, 'state-preview'), config: parseConfig({}), boundary: DEMO_AS_OF, start: DEMO_RANGE.start});
      const preview = await priced.call('preview', {request: {...request, processors: [...request.processors]}});
      expect(dryRuns).toHaveLength(2); // one per processor, not per batch
      const cost = formatPlanCost(preview.estimate!).map((line) => line.trim());
      expect(cost.at(-1)).toMatch(/^total [\d.]+ GiB processed, ~\$[\d.]+ on demand at \$6\.25\/TiB \(dry-run estimate\)$/);
      expect(cost.some((line) => line.startsWith('TOGS'))).toBe(true);
    } finally {
      await session.close('detach');
      await duck.close();
    }
  }, 300_000);

  it('saves pause flags when no run is live, and validates', async () => {
    const {session, duck} = await open('intents');
    try {
      await session.call('intent', {intent: {type: 'pause', processor: 'ml_feature_store'}});
      expect(pausedProcessors(join(tmp.dir, 'state-intents'), warehouseKey(duck))).toEqual(['ml_feature_store']);
      await session.call('intent', {intent: {type: 'resume', processor: 'ml_feature_store'}});
      expect(pausedProcessors(join(tmp.dir, 'state-intents'), warehouseKey(duck))).toEqual([]);
      await session.call('validate', {range: {start: '2021-11-01', end: '2021-11-07'}, tables: ['team_offense_game_summary']});
      const report = session.getState().validation!;
      expect(report).not.toBeNull();
      expect(report.passed).toBe(false); // nothing is built yet: completeness fails
      expect(report.results.find((r) => r.check === 'completeness')?.passed).toBe(false);
      expect(session.getState().activity).toBeNull();
      // Saved for `backfill report`, under this warehouse.
      expect(loadLastValidation(join(tmp.dir, 'state-intents'), warehouseKey(duck))).toMatchObject({state: 'found', report: {passed: false}});
    } finally {
      await session.close('detach');
      await duck.close();
    }
  }, 300_000);

  it("close('detach') stops after in-flight batches and leaves the run resumable", async () => {
    const {session, duck} = await open('detach');
    const stateDir = join(tmp.dir, 'state-detach');
    try {
      await session.refreshCoverage();
      const run = await session.startRun({range: DEMO_RANGE, processors: ['player_game_summary', 'team_offense_game_summary'], batchSize: 5, workers: 1});
      await new Promise<void>((resolve) => run!.subscribe((e) => e.type === 'batch-finished' && resolve()));
      await session.close('detach');
      expect(session.getState().run?.state).toBe('interrupted');
      expect(findInterruptedRun(stateDir, warehouseKey(duck))?.runId).toBe(run!.runId);
    } finally {
      await duck.close();
    }
  }, 300_000);

  it('resumes an interrupted run first, then runs the new request it was asked for', async () => {
    const {duck} = await open('resume-then');
    const stateDir = join(tmp.dir, 'state-resume-then');
    const config = parseConfig({});
    const first = new LocalSession({warehouse: duck, stateDir, config, boundary: DEMO_AS_OF, start: DEMO_RANGE.start});
    const interrupted = await first.startRun({range: DEMO_RANGE, processors: ['player_game_summary'], batchSize: 5, workers: 1});
    await new Promise<void>((resolve) => interrupted!.subscribe((e) => e.type === 'batch-finished' && resolve()));
    await first.close('detach');
    expect(findInterruptedRun(stateDir, warehouseKey(duck))).not.toBeNull();

    const session = new LocalSession({warehouse: duck, stateDir, config, boundary: DEMO_AS_OF, start: DEMO_RANGE.start});
    try {
      const runIds = new Set<string>();
      session.subscribeEvents((e) => e.type === 'run-started' && runIds.add(e.runId));
      await session.startRun({range: DEMO_RANGE, processors: ['team_offense_game_summary'], batchSize: 40, workers: 1});
      await waitFor(session, () => runIds.size === 2 && session.getState().run?.state === 'completed');
      const covered = await session.refreshCoverage();
      expect(covered.covered.player_game_summary).toHaveLength(72); // the resumed run finished
      expect(covered.covered.team_offense_game_summary).toHaveLength(72); // and the new request ran after it
      expect(findInterruptedRun(stateDir, warehouseKey(duck))).toBeNull();
    } finally {
      await session.close('detach');
      await duck.close();
    }
  }, 300_000);

  it('a start that fails while resuming leaves nothing queued, and the session is idle', async () => {
    const {duck} = await open('resume-fails');
    const stateDir = join(tmp.dir, 'state-resume-fails');
    const config = parseConfig({});
    const first = new LocalSession({warehouse: duck, stateDir, config, boundary: DEMO_AS_OF, start: DEMO_RANGE.start});
    const interrupted = await first.startRun({range: DEMO_RANGE, processors: ['player_game_summary'], batchSize: 5, workers: 1});
    await new Promise<void>((resolve) => interrupted!.subscribe((e) => e.type === 'batch-finished' && resolve()));
    await first.close('detach');
    await duck.close(); // the warehouse goes away: planning the resume fails

    const session = new LocalSession({warehouse: duck, stateDir, config, boundary: DEMO_AS_OF, start: DEMO_RANGE.start});
    await expect(session.startRun({range: DEMO_RANGE, processors: ['team_offense_game_summary']})).rejects.toThrow();
    // Nothing left behind that would keep a host up or start this request later, unasked.
    expect(session.busy).toBe(false);
    expect(findInterruptedRun(stateDir, warehouseKey(duck))).not.toBeNull();
  }, 300_000);
});
