// The request table drives the wire: every request of SESSION_REQUESTS reaches the session's
// handler through one generic call; an unknown type, a malformed payload or another version is
// refused in one place (parseClientMessage) with the request's id, so a waiting call is answered;
// a client may have only so many requests waiting, and what it had queued is dropped when it leaves.
import {mkdtempSync} from 'node:fs';
import {createConnection, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {connectSession} from '../src/attach/client.js';
import {socketPath} from '../src/attach/paths.js';
import {parseClientMessage, PROTOCOL_VERSION as V} from '../src/attach/protocol.js';
import {serveSession, type SessionServer} from '../src/attach/server.js';
import {SESSION_REQUESTS, type CallOptions, type RequestPayload, type RequestType, type SessionHandlers} from '../src/session/requests.js';
import type {Session, SessionState} from '../src/session/types.js';
import {planPreviewOf} from './support/fake-session.js';
import {until} from './support/wait.js';

const DEC = {start: '2021-12-01', end: '2021-12-31'};
const request = {range: DEC, processors: ['player_game_summary' as const]};
const owner = {pid: process.pid, startedAt: new Date().toISOString(), warehouse: 'w', command: 'backfill host', control: true};

/** One valid payload per request of the table: the test fails when the table grows without it. */
const SAMPLES: {[K in RequestType]: RequestPayload<K>} = {
  refresh: {},
  preview: {request},
  start: {request, planId: 'plan-1'},
  intent: {intent: {type: 'pause', processor: 'player_game_summary'}},
  validate: {range: DEC, tables: ['player_game_summary']},
  rollback: {range: DEC, tables: ['player_game_summary'], rerun: false},
  history: {range: DEC, tables: ['player_game_summary']},
  statement: {processor: 'player_game_summary', range: DEC},
  runs: {},
  undo: {runId: 'run-20260117T030001-3fa2c1', tables: ['player_game_summary']},
};

/** A session whose handlers record what reached them; `refresh` waits until the test releases it. */
function recordingSession() {
  const seen: {type: RequestType; payload: unknown; options: CallOptions}[] = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const record = <K extends RequestType>(type: K, payload: RequestPayload<K>, options: CallOptions) => seen.push({type, payload, options});
  const handlers: SessionHandlers = {
    refresh: async (p, o) => (record('refresh', p, o), released),
    preview: async (p, o) => (record('preview', p, o), planPreviewOf({batches: 1, dates: 1, workers: 1})),
    start: async (p, o) => (record('start', p, o), {started: true, runId: 'run-1'}),
    intent: async (p, o) => void record('intent', p, o),
    validate: async (p, o) => void record('validate', p, o),
    rollback: async (p, o) => void record('rollback', p, o),
    history: async (p, o) => (record('history', p, o), {attempts: []}),
    statement: async (p, o) => (record('statement', p, o), {kind: 'sql', text: 'SELECT 1'}),
    runs: async (p, o) => (record('runs', p, o), []),
    undo: async (p, o) => void record('undo', p, o),
  };
  const state: SessionState = {warehouse: 'w', boundary: '2022-03-01', coverage: null, run: null, validation: null, activity: null, attached: false};
  const session: Session = {
    getState: () => state,
    subscribe: () => () => undefined,
    subscribeEvents: () => () => undefined,
    backlog: () => [],
    call: (type, payload, options) => handlers[type](payload, options ?? {}),
    close: async () => undefined,
  };
  return {session, seen, release};
}

async function rawClient(path: string) {
  const socket: Socket = createConnection(path);
  socket.setEncoding('utf8');
  let text = '';
  socket.on('data', (chunk: string) => (text += chunk));
  await new Promise((resolve) => socket.once('connect', resolve));
  const messages = () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {type: string; id?: number; error?: string; refused?: boolean; message?: string});
  return {socket, messages, replies: () => messages().filter((m) => m.type === 'reply')};
}

let server: SessionServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(session: Session) {
  const path = socketPath(mkdtempSync(join(tmpdir(), 'attach-protocol-')), 'w');
  server = await serveSession(session, {socketPath: path, owner, log: () => undefined});
  return path;
}

describe('the request table', () => {
  it('parses one place: a request, or why not, with its id', () => {
    expect(parseClientMessage(JSON.stringify({v: V, type: 'intent', id: 3, intent: {type: 'resume'}}))).toEqual({request: {type: 'intent', payload: {intent: {type: 'resume'}}}, id: 3});
    expect(parseClientMessage('{"v":3,')).toEqual({error: 'not JSON'});
    expect(parseClientMessage(JSON.stringify({v: V - 1, type: 'refresh', id: 4}))).toEqual({error: `unsupported protocol version ${V - 1} (this run speaks ${V})`, id: 4});
    expect(parseClientMessage(JSON.stringify({v: V, type: 'explode', id: 5}))).toEqual({error: 'unknown request "explode"', id: 5});
    expect(parseClientMessage(JSON.stringify({v: V, type: 'toString', id: 6}))).toEqual({error: 'unknown request "toString"', id: 6});
    const malformed = parseClientMessage(JSON.stringify({v: V, type: 'validate', id: 7, range: DEC, tables: []}));
    expect(malformed).toMatchObject({id: 7});
    expect((malformed as {error: string}).error).toMatch(/^tables: /);
  });

  it('every request of the table reaches its handler through one generic call, payload intact', async () => {
    const {session, seen} = recordingSession();
    const remote = await connectSession(await serve(session));
    const types = Object.keys(SESSION_REQUESTS) as RequestType[];
    expect(await remote.call('start', SAMPLES.start)).toEqual({started: true, runId: 'run-1'});
    expect(await remote.call('preview', SAMPLES.preview)).toEqual(planPreviewOf({batches: 1, dates: 1, workers: 1}));
    const sample = <K extends RequestType>(type: K) => remote.call(type, SAMPLES[type]);
    for (const type of types.filter((t) => t !== 'refresh' && t !== 'start' && t !== 'preview')) await sample(type);
    void remote.call('refresh', SAMPLES.refresh);
    await until('every request', () => seen.length === types.length, 3000, 10);
    expect(Object.fromEntries(seen.map((s) => [s.type, s.payload]))).toEqual(SAMPLES);
    await remote.close('detach');
  });

  it('refuses an unknown type, a malformed payload and another version in one place, answering each waiting id', async () => {
    const {session, seen} = recordingSession();
    const path = await serve(session);
    const raw = await rawClient(path);
    raw.socket.write(`${JSON.stringify({v: V, type: 'explode', id: 1})}\n`);
    raw.socket.write(`${JSON.stringify({v: V, type: 'rollback', id: 2, range: {start: '2022-02-30', end: '2022-03-01'}, tables: ['player_game_summary'], rerun: false})}\n`);
    raw.socket.write(`${JSON.stringify({v: V - 1, type: 'refresh', id: 3})}\n`);
    await until('three replies', () => raw.replies().length === 3, 3000, 10);
    expect(raw.replies().map((r) => [r.id, r.refused])).toEqual([[1, true], [2, true], [3, true]]);
    expect(raw.replies()[1].error).toMatch(/^range\.start: a real date/);
    raw.socket.destroy();

    // A call whose payload the run rejects is answered, not left hanging: one with a reply rejects,
    // one without resolves and says why in the console's log.
    const remote = await connectSession(path);
    const said: string[] = [];
    remote.subscribeEvents((e) => e.type === 'log' && said.push(e.message));
    await expect(remote.call('preview', {request: {range: DEC, processors: ['nope']}} as never)).rejects.toThrow(/^request\.processors\.0: /);
    await remote.call('validate', {range: DEC, tables: []} as never);
    expect(said).toEqual([expect.stringMatching(/^the run refused a request: request\.processors\.0: /), expect.stringMatching(/^the run refused a request: tables: /)]);
    expect(seen).toEqual([]);
    await remote.close('detach');
  });

  it('bounds the requests a client may have waiting, and aborts what it had queued when it leaves', async () => {
    const {session, seen, release} = recordingSession();
    const raw = await rawClient(await serve(session));
    // The session's refresh does not answer yet: every request stays waiting.
    raw.socket.write(Array.from({length: 100}, (_, id) => JSON.stringify({v: V, type: 'refresh', id})).join('\n') + '\n');
    await until('a reply to each', () => raw.replies().length === 68, 3000, 10);
    expect(seen).toHaveLength(32);
    expect(new Set(raw.replies().map((r) => r.error))).toEqual(new Set(['too many requests waiting (32): wait for their replies']));
    // Without ids, a flood is told once, not once per line.
    raw.socket.write(`${JSON.stringify({v: V, type: 'refresh'})}\n`.repeat(1000));
    await until('the refusal', () => raw.messages().some((m) => m.type === 'error'), 3000, 10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(raw.messages().filter((m) => m.type === 'error')).toHaveLength(1);
    expect(seen.every((s) => s.options.signal?.aborted === false)).toBe(true);
    raw.socket.destroy();
    await until('the waiting requests to be aborted', () => seen.every((s) => s.options.signal?.aborted === true), 3000, 10);
    release();
  });
});
