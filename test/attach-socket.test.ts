import {execFileSync} from 'node:child_process';
import {mkdtempSync, statSync} from 'node:fs';
import {createConnection} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {connectSession} from '../src/attach/client.js';
import {socketPath} from '../src/attach/paths.js';
import {serveSession, type SessionServer} from '../src/attach/server.js';
import type {RunEvent, RunIntent} from '../src/runner/types.js';
import type {Session, SessionState} from '../src/session/types.js';

/** A session of plain state: the server under test only relays it. */
function relaySession() {
  let state: SessionState = {
    warehouse: 'test.duckdb', boundary: '2026-11-27', coverage: null, run: null, validation: null, activity: null, attached: false,
  };
  const listeners = new Set<() => void>();
  const eventListeners = new Set<(e: RunEvent) => void>();
  const events: RunEvent[] = [];
  const intents: RunIntent[] = [];
  const session: Session = {
    getState: () => state,
    subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
    subscribeEvents: (l) => (eventListeners.add(l), () => eventListeners.delete(l)),
    backlog: () => events,
    refresh: () => undefined,
    start: () => undefined,
    send: (intent) => intents.push(intent),
    validate: () => undefined,
    rollback: () => undefined,
    close: async () => undefined,
  };
  return {
    session,
    intents,
    setActivity(activity: string) {
      state = {...state, activity};
      for (const l of listeners) l();
    },
    emit(message: string) {
      const event: RunEvent = {type: 'log', level: 'info', message, time: new Date().toISOString(), runId: 'r1'};
      events.push(event);
      for (const l of eventListeners) l(event);
    },
  };
}

const owner = {pid: process.pid, startedAt: new Date().toISOString(), warehouse: 'test.duckdb', command: 'run'};
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
    server = await serveSession(relay.session, {socketPath: path, owner, log: () => undefined, stateIntervalMs: 10});

    const remote = await connectSession(path);
    expect(remote.getState().warehouse).toBe('test.duckdb');
    expect(remote.getState().attached).toBe(true);
    expect(remote.backlog().map((e) => e.type === 'log' && e.message)).toEqual(['before attach']);

    const seen: string[] = [];
    remote.subscribeEvents((e) => e.type === 'log' && seen.push(e.message));
    relay.emit('live');
    relay.setActivity('validating');
    await until(() => seen.includes('live') && remote.getState().activity === 'validating');

    remote.send({type: 'pause', processor: 'player_game_summary'});
    await until(() => relay.intents.length === 1);
    expect(relay.intents[0]).toEqual({type: 'pause', processor: 'player_game_summary'});
    await remote.close('detach');
  });

  it('answers garbage and half lines with an error, logs the client, and keeps serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attach-'));
    const path = socketPath(dir, 'w');
    const relay = relaySession();
    const logged: string[] = [];
    server = await serveSession(relay.session, {socketPath: path, owner, log: (_l, m) => logged.push(m)});

    const raw = createConnection(path);
    raw.setEncoding('utf8');
    let received = '';
    raw.on('data', (c: string) => (received += c));
    raw.write('not json\n{"v":1,"type":"intent","intent":{"type":"explode"}}\n{"v":99,"type":"refresh"}\n{"v":1,"type":"inte');
    await until(() => received.split('\n').filter((l) => l.includes('"error"')).length === 3);
    raw.write('nt","intent":{"type":"resume"}}\n');
    await until(() => relay.intents.length === 1);
    expect(relay.intents[0]).toEqual({type: 'resume'});
    expect(logged.length).toBe(3);
    raw.destroy(); // a client that vanishes without a goodbye

    relay.emit('still running');
    const remote = await connectSession(path);
    expect(remote.backlog().some((e) => e.type === 'log' && e.message === 'still running')).toBe(true);
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
    execFileSync('chmod', ['0711', dir]); // let nobody reach the socket file itself, so only its mode decides
    const script = `require('net').createConnection(${JSON.stringify(path)}).on('connect',()=>{console.log('CONNECTED');process.exit(0)}).on('error',e=>{console.log(e.code);process.exit(0)})`;
    const out = execFileSync('runuser', ['-u', 'nobody', '--', process.execPath, '-e', script], {encoding: 'utf8'});
    expect(out.trim()).toBe('EACCES');
  });
});
