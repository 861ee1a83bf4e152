// The console's host (`backfill host`, started by `backfill` in the background): it owns the
// warehouse, takes start and rollback from consoles over the socket, keeps a run going when its
// console vanishes, stops resumable on SIGTERM, and exits by itself (releasing the warehouse) once
// no console is connected and nothing is in flight. A host that was stopped and a new one that
// resumes end with the same tables as an undisturbed run. Needs `npm run build`.
import {copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {connectSession, type RemoteSession} from '../src/attach/client.js';
import {socketPath} from '../src/attach/paths.js';
import {isSocketLive} from '../src/attach/server.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {planPreviewLines} from '../src/ui/plan-preview.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {tableFacts, type TableFacts} from './runner-support.js';
import {assertBuilt, backfill, sandbox, spawnBackfill, type Sandbox} from './support/cli.js';
import {alive, until as untilWithin} from './support/wait.js';

/** Polls every 100 ms, a minute at most unless told. */
const until = (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) => untilWithin(what, condition, timeoutMs, 100);

const AS_OF = '2021-12-16';
const RANGE = {start: '2021-10-19', end: '2021-12-15'};
const ALL = ['player_game_summary', 'team_offense_game_summary', 'team_defense_game_summary', 'upcoming_player_game_context', 'upcoming_team_game_context', 'team_defensive_zone_analytics', 'player_shot_zone_analytics', 'player_defensive_context', 'player_composite_factors', 'ml_feature_store'] as const;

async function factsOf(file: string): Promise<Record<string, TableFacts>> {
  const warehouse = await openDuckDb(file, {readOnly: true});
  try {
    return await tableFacts(warehouse);
  } finally {
    await warehouse.close();
  }
}

describe('the console host', {timeout: 300_000}, () => {
  let box: Sandbox;
  let pristine: string;
  let undisturbed: Record<string, TableFacts>;

  /** Starts a host on `file` and connects a console session to it. */
  async function startHost(file: string) {
    const child = spawnBackfill(box, ['--warehouse', file, 'host']);
    const path = socketPath(box.stateDir, file);
    await until('the host to serve', () => isSocketLive(path));
    const session = await connectSession(path);
    await until('the coverage', () => session.getState().coverage !== null, 10_000);
    return {child, session, path};
  }

  const runState = (session: RemoteSession) => session.getState().run?.state;

  beforeAll(async () => {
    assertBuilt();
    box = sandbox();
    pristine = join(box.dir, 'pristine.duckdb');
    await createDemoWarehouse(pristine, {asOf: AS_OF, seed: 7});
    const reference = join(box.dir, 'reference.duckdb');
    copyFileSync(pristine, reference);
    const headless = await backfill(box, ['--warehouse', reference, 'run', '--from', RANGE.start, '--to', RANGE.end]);
    expect(headless.exitCode, headless.stderr).toBe(0);
    undisturbed = await factsOf(reference);
  }, 180_000);

  afterAll(() => box?.cleanup());

  test('runs what a console starts; when the console leaves, it exits and releases the warehouse', async () => {
    const file = join(box.dir, 'served.duckdb');
    copyFileSync(pristine, file);
    const {child, session} = await startHost(file);
    expect(session.owner.control).toBe(true);
    expect(session.getState().attached).toBe(false);
    expect(session.owner.pid).toBe(child.pid);

    const preview = await session.call('preview', {request: {range: RANGE, processors: ALL}});
    expect(preview.hasWork).toBe(true);
    expect(preview.estimate).toBeNull(); // DuckDB: nothing to pay
    expect(planPreviewLines(preview)[0]).toMatch(/^\d+ batches, \d+ processor-dates( \(\d+ for lookback\))?, at most \d+ at once$/);

    // The plan on screen is the plan that runs.
    expect(await session.call('start', {request: {range: RANGE, processors: ALL}, planId: preview.planId})).toMatchObject({started: true});
    await until('the run to complete', () => runState(session) === 'completed', 120_000);
    // The end arrives with its event; the grid follows with the next (coalesced) coverage message.
    await until('the grid to show the feature store', () => (session.getState().coverage!.covered.ml_feature_store ?? []).length > 0, 10_000);

    // `status` answers from the host (DuckDB would refuse a second open) and says who holds it.
    const status = await backfill(box, ['--warehouse', file, 'status']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain(`(from the console's host, pid ${child.pid}, which holds the warehouse; \`backfill\` opens a console on it)`);
    const json = JSON.parse((await backfill(box, ['--warehouse', file, 'status', '--json'])).stdout) as {live: {consoleHost: boolean; state: string}};
    expect(json.live).toMatchObject({consoleHost: true, state: 'completed'});

    // Rollback over the socket deletes, and the grid follows.
    void session.call('rollback', {range: {start: '2021-12-01', end: '2021-12-15'}, tables: ['ml_feature_store'], rerun: false});
    await until('the rollback', () => (session.getState().coverage!.covered.ml_feature_store ?? []).every((d) => d < '2021-12-01'), 30_000);

    await session.close('detach');
    const exited = await child;
    expect(exited.exitCode).toBe(0);
    expect(String(exited.stdout)).toMatch(/run \S+ started/);
    // Released: a writer can open the file.
    const writer = await openDuckDb(file);
    await writer.close();
  });

  test('a console that vanishes mid-run leaves the run going; SIGTERM stops it resumable; a new host resumes to the same tables', async () => {
    const file = join(box.dir, 'crash.duckdb');
    copyFileSync(pristine, file);
    const first = await startHost(file);
    // One date per batch, one at a time: slow enough to interrupt.
    void first.session.call('start', {request: {range: RANGE, processors: ALL, batchSize: 1, workers: 1}});
    await until('a few batches', () => (first.session.getState().run?.totals.batchesDone ?? 0) >= 5, 60_000);

    // The console dies without a goodbye: the host keeps running the batches.
    (first.session as unknown as {socket: {destroy(): void}}).socket.destroy();
    const seen = first.session.getState().run!.totals.batchesDone;
    const watcher = await connectSession(first.path);
    await until('more batches without the first console', () => (watcher.getState().run?.totals.batchesDone ?? 0) > seen + 3, 60_000);
    await watcher.close('detach');
    expect(alive(first.child.pid!)).toBe(true);

    first.child.kill('SIGTERM');
    const stopped = await first.child;
    expect(stopped.exitCode).toBe(0);
    expect(String(stopped.stdout)).toMatch(/SIGTERM: stopping after the batches in flight/);

    const second = await startHost(file);
    expect(second.session.backlog().some((e) => e.type === 'log' && /an interrupted run \S+ .* can be resumed/.test(e.message))).toBe(true);
    void second.session.call('start', {request: {range: RANGE, processors: ALL, batchSize: 1, workers: 1}});
    await until('the resumed run to complete', () => runState(second.session) === 'completed', 240_000);
    await second.session.close('detach');
    expect((await second.child).exitCode).toBe(0);

    expect(await factsOf(file)).toEqual(undisturbed);
  });

  test('with only paused work left and no console, it stops the run resumable and lets go of the warehouse', async () => {
    const file = join(box.dir, 'paused.duckdb');
    copyFileSync(pristine, file);
    const {child, session} = await startHost(file);
    void session.call('start', {request: {range: RANGE, processors: ALL, batchSize: 1, workers: 1}});
    await until('a batch', () => (session.getState().run?.totals.batchesDone ?? 0) >= 1, 60_000);
    void session.call('intent', {intent: {type: 'pause'}}); // every processor
    await until('nothing in flight', () => session.getState().run?.processors.every((p) => p.running.length === 0) === true, 60_000);
    await session.close('detach'); // the operator detaches, leaving a paused run
    const exited = await child;
    expect(exited.exitCode).toBe(0);
    expect(String(exited.stdout)).toContain('only paused work is left and no console is connected: the run stops here, resumable');
    const writer = await openDuckDb(file);
    await writer.close();

    // The next console is offered the run, its processors still paused.
    const next = await startHost(file);
    expect(next.session.backlog().some((e) => e.type === 'log' && /an interrupted run \S+ .* can be resumed/.test(e.message))).toBe(true);
    next.child.kill('SIGTERM');
    await next.session.close('detach');
    await next.child;
  });

  test('a console whose host is killed says so instead of showing a frozen run', async () => {
    const file = join(box.dir, 'killed.duckdb');
    copyFileSync(pristine, file);
    const {child, session} = await startHost(file);
    void session.call('start', {request: {range: RANGE, processors: ALL, batchSize: 1, workers: 1}});
    await until('a batch', () => (session.getState().run?.totals.batchesDone ?? 0) >= 1, 60_000);
    child.kill('SIGKILL');
    await child;
    await until('the console to notice', () => session.lostConnection, 10_000);
    expect(session.getState().activity).toBe('disconnected: quit, then run `backfill` again');
    expect(session.backlog().some((e) => e.type === 'log' && e.message.startsWith(`lost the connection to pid ${child.pid}`))).toBe(true);
  });

  test('a corrupt state file does not stop the console: the host keeps it aside, says what was lost, and runs (15.5)', async () => {
    const file = join(box.dir, 'corrupt-state.duckdb');
    copyFileSync(pristine, file);
    const stateDir = join(box.dir, 'corrupt-host-state');
    mkdirSync(stateDir);
    const garbage = Buffer.from('\u0000\u001b[2J{"version": 1, "warehouses": {');
    writeFileSync(join(stateDir, 'state.json'), garbage);
    const child = spawnBackfill(box, ['--warehouse', file, '--state-dir', stateDir, 'host']);
    const path = socketPath(stateDir, file);
    await until('the host to serve', () => isSocketLive(path));
    const session = await connectSession(path);
    const warning = /^the state file .*state\.json was corrupt \(.*\); it is kept as .*state\.json\.corrupt-\S+ and a new one is started: its paused flags, the resume point of an interrupted run and the run history are lost/;
    expect(session.backlog().some((e) => e.type === 'log' && e.level === 'warn' && warning.test(e.message))).toBe(true);
    void session.call('start', {request: {range: {start: '2021-11-01', end: '2021-11-05'}, processors: ['player_game_summary']}});
    await until('the run to complete', () => runState(session) === 'completed', 120_000);
    await session.close('detach');
    expect((await child).exitCode).toBe(0);
    const aside = readdirSync(stateDir).find((f) => f.startsWith('state.json.corrupt-'))!;
    expect(readFileSync(join(stateDir, aside)).equals(garbage)).toBe(true);
  });
});
