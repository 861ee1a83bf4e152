// Approve what runs, on a real demo warehouse: the plan a preview showed (by its id) is the plan
// that runs, planned once; a warehouse that changed between the preview and the start is refused
// with the new plan, in-process and over the socket; and a flood of refreshes over the socket
// costs the warehouse one or two refreshes, not one per line.
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
import {CountingWarehouse} from '../src/runner/counting.js';
import type {RunRequest} from '../src/runner/types.js';
import {LocalSession} from '../src/session/local.js';
import {planPreviewLines} from '../src/ui/plan-preview.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {copyOf, DEMO_AS_OF, DEMO_RANGE, demoFile, tempDir, type TempDir} from './runner-support.js';
import {until} from './support/wait.js';

let tmp: TempDir;
let demo: string;

beforeAll(async () => {
  tmp = tempDir('backfill-approve-');
  demo = await demoFile(tmp.dir);
}, 300_000);
afterAll(() => tmp.cleanup());

async function open(name: string) {
  const duck = await openDuckDb(copyOf(demo, tmp.dir, name));
  const warehouse = new CountingWarehouse(duck);
  const session = new LocalSession({warehouse, stateDir: join(tmp.dir, `state-${name}`), config: parseConfig({}), boundary: DEMO_AS_OF, start: DEMO_RANGE.start, ownsWarehouse: true});
  await session.refreshCoverage();
  return {session, warehouse};
}

const TOGS: RunRequest = {range: DEMO_RANGE, processors: ['team_offense_game_summary'], batchSize: 10, workers: 1};
const NOVEMBER: RunRequest = {range: {start: '2021-11-01', end: '2021-11-30'}, processors: ['team_offense_game_summary']};

/** Changes the warehouse under a shown plan: a run of November covers dates the plan would build. */
async function coverNovember(session: LocalSession): Promise<void> {
  const run = await session.startRun(NOVEMBER);
  await run!.finished;
  await until('the session to be idle', () => !session.running, 30_000, 20);
}

describe('approve what runs', () => {
  it('runs the plan the preview showed, planned once: at start, to check it still holds', async () => {
    const {session, warehouse} = await open('approved');
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
    const {session} = await open('changed');
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
    const {session} = await open('socket');
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
    const {session, warehouse} = await open('flood');
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
