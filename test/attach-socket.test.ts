import {execFileSync} from 'node:child_process';
import {chmodSync, mkdirSync, mkdtempSync, statSync} from 'node:fs';
import {createConnection, createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {connectSession} from '../src/attach/client.js';
import {socketPath} from '../src/attach/paths.js';
import {PROTOCOL_VERSION} from '../src/attach/protocol.js';
import {serveSession, type SessionServer} from '../src/attach/server.js';
import type {CoverageSnapshot, RunEvent, RunIntent} from '../src/runner/types.js';
import type {SessionHandlers} from '../src/session/requests.js';
import type {Session, SessionState} from '../src/session/types.js';
import {planPreviewOf, runOf} from './support/fake-session.js';

/** A session of plain state: the server under test only relays it. */
function relaySession() {
  let state: SessionState = {
    warehouse: 'test.duckdb', boundary: '2026-11-27', coverage: null, run: null, validation: null, activity: null, attached: false,
  };
  const listeners = new Set<() => void>();
  const eventListeners = new Set<(e: RunEvent) => void>();
  const events: RunEvent[] = [];
  const intents: RunIntent[] = [];
  const requests: unknown[] = [];
  const handlers: SessionHandlers = {
    refresh: async () => undefined,
    preview: async ({request}) => {
      if (request.force) throw new Error('the warehouse said no');
      if (request.workers === 1) return new Promise<never>(() => undefined); // a dry run that never answers
      return planPreviewOf({batches: request.processors.length, dates: 31, workers: 4});
    },
    start: async ({request}) => (requests.push({start: request}), {started: true, runId: 'r1'}),
    intent: async ({intent}) => void intents.push(intent),
    validate: async () => undefined,
    rollback: async ({range, tables, rerun}) => void requests.push({rollback: {range, tables, rerun}}),
    history: async () => ({attempts: []}),
    statement: async () => ({kind: 'sql', text: 'SELECT 1'}),
    runs: async () => [],
    undo: async ({runId}) => void requests.push({undo: runId}),
  };
  const session: Session = {
    getState: () => state,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    subscribeEvents: (l) => (eventListeners.add(l), () => eventListeners.delete(l)),
    backlog: () => events,
    call: (type, payload, options) => handlers[type](payload, options ?? {}),
    close: async () => undefined,
  };
  return {
    session,
    intents,
    requests,
    setActivity(activity: string) {
      state = {...state, activity};
      for (const l of listeners) l();
    },
    setCoverage(coverage: CoverageSnapshot) {
      state = {...state, coverage};
      for (const l of listeners) l();
    },
    emitEvent(event: RunEvent) {
      events.push(event);
      for (const l of eventListeners) l(event);
    },
    emit(message: string) {
      const event: RunEvent = {type: 'log', level: 'info', message, time: new Date().toISOString(), runId: 'r1'};
      events.push(event);
      for (const l of eventListeners) l(event);
    },
  };
}

const V = PROTOCOL_VERSION;
const owner = {pid: process.pid, startedAt: new Date().toISOString(), warehouse: 'test.duckdb', command: 'backfill run', control: false};
const host = {...owner, command: 'backfill host', control: true};
const DEC = {start: '2021-12-01', end: '2021-12-31'};
let server: SessionServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function until(predicate: () => boolean, ms = 3000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (predicate() ? resolve() : Date.now() - started > ms ? reject(new Error('timed out')) : setTimeout(tick, 10));
    tick();
  });
}

describe('attach socket', () => {
  it('mirrors state and events to a client and forwards its intents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'test.duckdb');
    const relay = relaySession();
    relay.emit('before attach');
    server = await serveSession(relay.session, {socketPath: path, owner, log: () => undefined});

    const remote = await connectSession(path);
    expect(remote.getState().warehouse).toBe('test.duckdb');
    expect(remote.getState().attached).toBe(true);
    expect(remote.backlog().map((e) => e.type === 'log' && e.message)).toEqual(['before attach']);

    const seen: string[] = [];
    remote.subscribeEvents((e) => e.type === 'log' && seen.push(e.message));
    relay.emit('live');
    relay.setActivity('validating');
    await until(() => seen.includes('live') && remote.getState().activity === 'validating');

    await remote.call('intent', {intent: {type: 'pause', processor: 'player_game_summary'}});
    await until(() => relay.intents.length === 1);
    expect(relay.intents[0]).toEqual({type: 'pause', processor: 'player_game_summary'});
    await remote.close('detach');
  });

  it('answers garbage and half lines with an error, logs the client once and counts it when it leaves, and keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    const relay = relaySession();
    const logged: string[] = [];
    server = await serveSession(relay.session, {socketPath: path, owner, log: (_l, m) => logged.push(m)});

    const raw = createConnection(path);
    raw.setEncoding('utf8');
    let received = '';
    raw.on('data', (c: string) => (received += c));
    raw.write(`not json\n{"v":${V},"type":"intent","intent":{"type":"explode"}}\n{"v":99,"type":"refresh"}\n{"v":${V},"type":"inte`);
    await until(() => received.split('\n').filter((l) => l.includes('"error"')).length === 3);
    raw.write('nt","intent":{"type":"resume"}}\n');
    await until(() => relay.intents.length === 1);
    expect(relay.intents[0]).toEqual({type: 'resume'});
    expect(logged).toEqual(['attach: bad message from a client: not JSON']);
    raw.destroy(); // a client that vanishes without a goodbye
    await until(() => logged.length === 2);
    expect(logged[1]).toBe('attach: a client that sent 3 bad messages left (the first: not JSON)');

    relay.emit('still running');
    const remote = await connectSession(path);
    expect(remote.backlog().some((e) => e.type === 'log' && e.message === 'still running')).toBe(true);
    await remote.close('detach');
  });

  it('refuses requests with unknown tables or impossible dates, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    const relay = relaySession();
    server = await serveSession(relay.session, {socketPath: path, owner: host, log: () => undefined});
    const raw = createConnection(path);
    raw.setEncoding('utf8');
    let received = '';
    raw.on('data', (c: string) => (received += c));
    const start = (request: unknown) => raw.write(`${JSON.stringify({v: V, type: 'start', request})}\n`);
    start({range: DEC, processors: ['no_such_table']});
    start({range: {start: '2022-02-30', end: '2022-03-01'}, processors: ['player_game_summary']});
    start({range: {start: '2022-03-01', end: '2022-02-01'}, processors: ['player_game_summary']});
    await until(() => received.split('\n').filter((l) => l.includes('"error"')).length === 3);
    const errors = received.split('\n').filter((l) => l.includes('"error"')).map((l) => (JSON.parse(l) as {message: string}).message);
    expect(errors[0]).toMatch(/^request\.processors\.0: /);
    expect(errors[1]).toMatch(/^request\.range\.start: a real date/);
    expect(errors[2]).toMatch(/end before its start/);
    expect(relay.requests).toEqual([]);
    raw.destroy();
  });

  it("a console's host takes start and rollback; a headless run refuses them and says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const relay = relaySession();
    server = await serveSession(relay.session, {socketPath: socketPath(dir, 'host'), owner: host, log: () => undefined});
    const hosted = await connectSession(socketPath(dir, 'host'));
    expect(hosted.getState().attached).toBe(false); // it can start runs: not merely attached
    expect(await hosted.call('start', {request: {range: DEC, processors: ['player_game_summary']}})).toEqual({started: true, runId: 'r1'});
    await hosted.call('rollback', {range: DEC, tables: ['ml_feature_store'], rerun: true});
    await until(() => relay.requests.length === 2);
    expect(relay.requests).toEqual([
      {start: {range: DEC, processors: ['player_game_summary']}},
      {rollback: {range: DEC, tables: ['ml_feature_store'], rerun: true}},
    ]);
    await hosted.close('detach');

    const other = relaySession();
    const headless = await serveSession(other.session, {socketPath: socketPath(dir, 'run'), owner, log: () => undefined});
    try {
      const attached = await connectSession(socketPath(dir, 'run'));
      expect(attached.getState().attached).toBe(true);
      const refused: string[] = [];
      attached.subscribeEvents((e) => e.type === 'log' && refused.push(e.message));
      await expect(attached.call('start', {request: {range: DEC, processors: ['player_game_summary']}})).rejects.toThrow('runs its own request only');
      await attached.call('rollback', {range: DEC, tables: ['player_game_summary'], rerun: false});
      await until(() => refused.length === 2);
      expect(refused[0]).toContain('backfill run runs its own request only: start from its console once it has ended');
      expect(refused[1]).toContain('rollback');
      expect(other.requests).toEqual([]);
      await attached.close('detach');
    } finally {
      await headless.close();
    }
  });

  it('answers a preview with its plan and cost, or with the reason it failed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    server = await serveSession(relaySession().session, {socketPath: path, owner: host, log: () => undefined});
    const remote = await connectSession(path);
    const [ok, failed] = await Promise.allSettled([
      remote.call('preview', {request: {range: DEC, processors: ['player_game_summary', 'ml_feature_store']}}),
      remote.call('preview', {request: {range: DEC, processors: ['player_game_summary'], force: true}}),
    ]);
    expect(ok).toEqual({status: 'fulfilled', value: planPreviewOf({batches: 2, dates: 31, workers: 4})});
    expect(failed.status === 'rejected' && (failed.reason as Error).message).toBe('the warehouse said no');
    // A preview still waiting when the connection goes is rejected, never left hanging.
    const pending = expect(remote.call('preview', {request: {range: DEC, processors: ['player_game_summary'], workers: 1}})).rejects.toThrow('disconnected from the run');
    await server.close();
    server = null;
    await pending;
    await remote.close('detach');
  });

  it('tells each console how many are connected; a malformed preview is answered, not left waiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    server = await serveSession(relaySession().session, {socketPath: path, owner: host, log: () => undefined});
    const first = await connectSession(path);
    expect(first.otherConsoles).toBe(0);
    const second = await connectSession(path);
    expect(second.otherConsoles).toBe(1);
    await until(() => first.otherConsoles === 1);
    await second.close('detach');
    await until(() => first.otherConsoles === 0);

    const raw = createConnection(path);
    raw.setEncoding('utf8');
    let received = '';
    raw.on('data', (c: string) => (received += c));
    raw.write(`${JSON.stringify({v: V, type: 'preview', id: 41, request: {range: DEC, processors: ['nope']}})}\n`);
    await until(() => received.includes('"type":"reply"'));
    const answer = received.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {type: string; id?: number; error?: string}).find((m) => m.type === 'reply')!;
    expect(answer.id).toBe(41);
    expect(answer.error).toMatch(/^request\.processors\.0: /);
    raw.destroy();
    await first.close('detach');
  });

  it("a run's end reaches the console's state with its event, before the coalesced state message", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    const relay = relaySession();
    server = await serveSession(relay.session, {socketPath: path, owner: host, log: () => undefined});
    const remote = await connectSession(path);
    const snapshot = runOf({state: 'completed', finishedAt: '2022-03-01T10:05:00Z'});
    let stateAtEvent: string | undefined;
    remote.subscribeEvents((e) => e.type === 'run-finished' && (stateAtEvent = remote.getState().run?.state));
    relay.emitEvent({type: 'run-finished', state: 'completed', snapshot, time: '2022-03-01T10:05:00Z', runId: 'run-1'});
    await until(() => stateAtEvent !== undefined);
    expect(stateAtEvent).toBe('completed'); // q will not ask about a run in flight
    await remote.close('detach');
  });

  it('refuses, in one line, a process that speaks another protocol version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'old');
    const old = createServer((socket) => socket.write(`${JSON.stringify({v: 1, type: 'hello', owner, state: {}, backlog: []})}\n`));
    mkdirSync(dirname(path), {recursive: true});
    await new Promise<void>((resolve) => old.listen(path, resolve));
    try {
      await expect(connectSession(path)).rejects.toThrow(`the process holding the warehouse speaks attach protocol 1, this backfill ${V}: use the version that started it, or stop it (resumable)`);
    } finally {
      old.close();
    }
  });

  it('sends the coverage only when it changed, and every client keeps it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    const relay = relaySession();
    server = await serveSession(relay.session, {socketPath: path, owner: host, log: () => undefined});
    const raw = createConnection(path);
    raw.setEncoding('utf8');
    let received = '';
    raw.on('data', (c: string) => (received += c));
    const remote = await connectSession(path);
    const coverage: CoverageSnapshot = {range: DEC, gameDates: [{date: '2021-12-01', season: '2021-22', games: 9}], covered: {player_game_summary: ['2021-12-01']}, takenAt: 'now'};
    relay.setCoverage(coverage);
    await until(() => remote.getState().coverage !== null);
    for (let i = 0; i < 5; i++) {
      relay.setActivity(`step ${i}`);
      await until(() => remote.getState().activity === `step ${i}`);
    }
    expect(remote.getState().coverage).toEqual(coverage);
    const types = received.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as {type: string}).type);
    expect(types.filter((t) => t === 'coverage')).toHaveLength(1);
    expect(types.filter((t) => t === 'state').length).toBeGreaterThanOrEqual(5);
    raw.destroy();
    await remote.close('detach');
  });

  it('drops a client that stops reading instead of buffering without bound', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    const relay = relaySession();
    const logged: string[] = [];
    server = await serveSession(relay.session, {socketPath: path, owner, log: (_l, m) => logged.push(m), maxBufferedBytes: 64 * 1024});
    const raw = createConnection(path);
    await new Promise((r) => raw.once('connect', r));
    raw.pause(); // never reads
    await until(() => server!.clients() === 1);
    const big = 'x'.repeat(2000);
    for (let i = 0; i < 2000 && server!.clients() > 0; i++) {
      relay.emit(big);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => server!.clients() === 0);
    expect(logged.some((m) => m.includes('stopped reading'))).toBe(true);
    raw.destroy();
  });

  it('is owner-only: mode 0600 and another user is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    server = await serveSession(relaySession().session, {socketPath: path, owner, log: () => undefined});
    expect(statSync(path).mode & 0o777).toBe(0o600);
    if (process.getuid?.() !== 0) return; // only root can become another user here
    execFileSync('chmod', ['0711', dir, dirname(path)]); // let nobody reach the socket file itself, so only its mode decides
    const script = `require('net').createConnection(${JSON.stringify(path)}).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(0)})`;
    const out = execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script], {encoding: 'utf8'});
    expect(out.trim()).toBe('EACCES');
  });
  it('logs a client that floods bad lines once, and its count when it leaves (20,000 lines: two log lines)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    const logged: string[] = [];
    server = await serveSession(relaySession().session, {socketPath: path, owner, log: (_l, m) => logged.push(m)});
    const raw = createConnection(path);
    raw.on('data', () => undefined);
    await new Promise((resolve) => raw.once('connect', resolve));
    raw.write('garbage\n'.repeat(20_000));
    raw.end();
    await until(() => logged.length === 2, 10_000);
    expect(logged).toEqual(['attach: bad message from a client: not JSON', 'attach: a client that sent 20000 bad messages left (the first: not JSON)']);
  });

  it('never changes the permissions of the state dir: the socket gets a private directory of its own', async () => {
    for (const mode of [0o1777, 0o775]) {
      const dir = mkdtempSync(join(tmpdir(), 'attach-'));
      chmodSync(dir, mode);
      const path = socketPath(dir, 'w');
      const served = await serveSession(relaySession().session, {socketPath: path, owner, log: () => undefined});
      try {
        expect(statSync(dir).mode & 0o7777).toBe(mode);
        expect(statSync(dirname(path)).mode & 0o7777).toBe(0o700);
        expect(statSync(path).mode & 0o777).toBe(0o600);
      } finally {
        await served.close();
      }
    }
  });

  it('refuses, in one line, to serve from a socket directory others can write into, and leaves it as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    mkdirSync(dirname(path));
    chmodSync(dirname(path), 0o775);
    await expect(serveSession(relaySession().session, {socketPath: path, owner, log: () => undefined})).rejects.toThrow(
      `the socket directory ${dirname(path)} is writable by others (mode 0775): make it private (chmod 700), or use another --state-dir`,
    );
    expect(statSync(dirname(path)).mode & 0o7777).toBe(0o775);
  });
});
