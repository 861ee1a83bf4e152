// The in-process session on a real demo warehouse: coverage kept current from batch events (no
// query per batch), intents with and without a run, rollback (+ rerun), validation, and
// close('detach') leaving the run resumable. Approve what runs: the plan a preview showed (by its
// id) is the plan that runs, planned once; a warehouse that changed between the preview and the
// start is refused with the new plan, in-process and over the socket; and a flood of refreshes
// over the socket costs the warehouse one or two refreshes, not one per line.
import {mkdtempSync} from 'node:fs';
import {createConnection} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectSession} from '../src/attach/client.js';
import {socketPath} from '../src/attach/paths.js';
import {PROTOCOL_VERSION} from '../src/attach/protocol.js';
import {serveSession} from '../src/attach/server.js';
import {parseConfig} from '../src/config.js';
import {findInterruptedRun, pausedProcessors, warehouseKey} from '../src/runner/index.js';
import {CountingWarehouse} from '../src/runner/counting.js';
import type {RunEvent, RunRequest} from '../src/runner/types.js';
import {LocalSession} from '../src/session/local.js';
import {planPreviewLines} from '../src/ui/plan-preview.js';
import {formatPlanCost} from '../src/warehouse/cost-format.js';
import {loadLastValidation} from '../src/validation/index.js';
import {BatchKeeper} from '../src/undo/keeper.js';
import {undoPolicy} from '../src/undo/policy.js';
import {derivedTable} from '../src/catalog/index.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {copyOf, DEMO_AS_OF, DEMO_RANGE, demoFile, tempDir, type TempDir} from './runner-support.js';
import {until} from './support/wait.js';

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
    // Jobs: planning (2 queries), the run's ledger of builds (5, once: compacting the records, then
    // the calendar, the dates with their last write, the records, the sources' fingerprints), 8
    // batches (each its write, its build record and the statements undo adds to it), retention's
    // read of undo's index, and one reconciling refresh at the end (4: the calendar, the dates with
    // their last write, the records' check and the records).
    await waitFor(session, () => session.getState().coverage!.covered.team_offense_game_summary.length === 72);
    const perBatch = 2 + new BatchKeeper(undoPolicy({}, 'duckdb')).plannedCompanions(derivedTable('team_offense_game_summary'), duck).length;
    expect(warehouse.jobs - jobsBefore).toBeLessThanOrEqual(2 + 5 + 8 * perBatch + 1 + 4);
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
      // One per processor and per statement its batches write with (undo's), not per batch.
      const keeper = new BatchKeeper(undoPolicy({}, 'duckdb'));
      expect(dryRuns).toHaveLength(request.processors.reduce((n, name) => n + 1 + keeper.plannedCompanions(derivedTable(name), billed).length, 0));
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

const TOGS: RunRequest = {range: DEMO_RANGE, processors: ['team_offense_game_summary'], batchSize: 10, workers: 1};
const NOVEMBER: RunRequest = {range: {start: '2021-11-01', end: '2021-11-30'}, processors: ['team_offense_game_summary']};

/** A session whose coverage is loaded and which closes its warehouse. */
async function opened(name: string) {
  const warehouse = new CountingWarehouse(await openDuckDb(copyOf(demo, tmp.dir, name)));
  const session = new LocalSession({warehouse, stateDir: join(tmp.dir, `state-${name}`), config: parseConfig({}), boundary: DEMO_AS_OF, start: DEMO_RANGE.start, ownsWarehouse: true});
  await session.refreshCoverage();
  return {session, warehouse};
}

/** Changes the warehouse under a shown plan: a run of November covers dates the plan would build. */
async function coverNovember(session: LocalSession): Promise<void> {
  const run = await session.startRun(NOVEMBER);
  await run!.finished;
  await until('the session to be idle', () => !session.running, 30_000, 20);
}

describe('approve what runs', () => {
  it('runs the plan the preview showed, planned once: at start, to check it still holds', async () => {
    const {session, warehouse} = await opened('approved');
    try {
      const preview = await session.call('preview', {request: TOGS});
      expect(preview.hasWork).toBe(true);
      let started: {batches: number; jobs: number} | null = null;
      const before = warehouse.jobs;
      session.subscribeEvents((e) => {
        if (e.type === 'run-started') started = {batches: e.batches, jobs: warehouse.jobs - before};
      });
      expect(await session.call('start', {request: TOGS, planId: preview.planId})).toMatchObject({started: true});
      await until('the run to start', () => started !== null, 10_000, 10);
      // The schedule and the coverage, read once (a second plan inside the runner would read them again).
      expect(started).toEqual({batches: preview.totals.batches, jobs: 2});
      await until('the run to complete', () => session.getState().run?.state === 'completed' && !session.running, 120_000, 50);
      expect(session.getState().run!.totals.datesDone).toBe(preview.totals.dates);
    } finally {
      await session.close('detach');
    }
  }, 300_000);

  it('refuses a start when the warehouse changed since the preview, and returns the new plan', async () => {
    const {session} = await opened('changed');
    try {
      const shown = await session.call('preview', {request: TOGS});
      await coverNovember(session);
      const runs = session.getState().run?.runId;
      const reply = await session.call('start', {request: TOGS, planId: shown.planId});
      expect(reply.started).toBe(false);
      if (reply.started) return;
      expect(reply.reason).toBe('the warehouse changed since that plan was made: nothing started; here is the new plan');
      expect(reply.preview).toMatchObject({replaces: shown.planId, hasWork: true});
      expect(reply.preview!.planId).not.toBe(shown.planId);
      expect(reply.preview!.totals.dates).toBeLessThan(shown.totals.dates); // November is covered now
      expect(planPreviewLines(reply.preview)[0]).toBe('the warehouse changed since the plan you approved: this is the new plan');
      expect(session.getState().run?.runId).toBe(runs); // nothing started
      expect(session.backlog().some((e) => e.type === 'log' && e.message === reply.reason)).toBe(true);

      // The new plan, approved, runs.
      expect(await session.call('start', {request: TOGS, planId: reply.preview!.planId})).toMatchObject({started: true});
      await until('the run to complete', () => session.getState().run?.runId !== runs && session.getState().run?.state === 'completed' && !session.running, 120_000, 50);
    } finally {
      await session.close('detach');
    }
  }, 300_000);

  it('over the socket: the refusal and the new plan reach the console that approved the old one', async () => {
    const {session} = await opened('socket');
    const path = socketPath(mkdtempSync(join(tmpdir(), 'approve-')), 'w');
    const owner = {pid: process.pid, startedAt: new Date().toISOString(), warehouse: 'w', command: 'backfill host', control: true};
    const server = await serveSession(session, {socketPath: path, owner, log: () => undefined});
    const remote = await connectSession(path);
    try {
      const shown = await remote.call('preview', {request: TOGS});
      await coverNovember(session);
      const reply = await remote.call('start', {request: TOGS, planId: shown.planId});
      expect(reply).toMatchObject({started: false, preview: {replaces: shown.planId}});
      if (reply.started) return;
      const approved = await remote.call('start', {request: TOGS, planId: reply.preview!.planId});
      expect(approved).toMatchObject({started: true});
      await until('the run to complete', () => remote.getState().run?.state === 'completed' && remote.getState().run?.runId === (approved.started ? approved.runId : ''), 120_000, 50);
    } finally {
      await remote.close('detach');
      await server.close();
      await session.close('detach');
    }
  }, 300_000);

  it('10,000 refresh lines over the socket cost at most two refreshes, and none once the client left', async () => {
    const {session, warehouse} = await opened('flood');
    const path = socketPath(mkdtempSync(join(tmpdir(), 'approve-')), 'w');
    const owner = {pid: process.pid, startedAt: new Date().toISOString(), warehouse: 'w', command: 'backfill run', control: false};
    const server = await serveSession(session, {socketPath: path, owner, log: () => undefined});
    try {
      const before = warehouse.jobs;
      const raw = createConnection(path);
      raw.on('data', () => undefined);
      await new Promise((resolve) => raw.once('connect', resolve));
      raw.end(`{"v":${PROTOCOL_VERSION},"type":"refresh"}\n`.repeat(10_000));
      await until('the client to leave', () => server.clients() === 0, 10_000, 10);
      await until('the session to settle', () => !session.busy, 10_000, 10);
      // Two queries per refresh: the one in flight, and at most the one that waited for it.
      expect(warehouse.jobs - before).toBeLessThanOrEqual(4);
    } finally {
      await server.close();
      await session.close('detach');
    }
  }, 300_000);
});
