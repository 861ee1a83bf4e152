// Serves a session (a live run's state, events and intents) on an owner-only Unix socket, so that
// consoles in other SSH sessions can attach. A client can never stall or crash the run: writes
// are never awaited, a client whose buffer grows past a limit is dropped, bad lines get an error.
import {chmodSync, existsSync, mkdirSync, statSync, unlinkSync} from 'node:fs';
import {createConnection, createServer, type Server, type Socket} from 'node:net';
import {dirname} from 'node:path';
import type {Session} from '../session/types.js';
import {describeError} from '../warehouse/errors.js';
import {LineSplitter, parseClientMessage, PROTOCOL_VERSION, type ClientMessage, type RunOwner, type ServerMessage} from './protocol.js';

export interface ServeOptions {
  readonly socketPath: string;
  readonly owner: RunOwner;
  /** Where the server reports clients that misbehave (they are logged, never fatal). */
  readonly log: (level: 'info' | 'warn', message: string) => void;
  /** State updates are coalesced to at most one per interval; events go out at once. */
  readonly stateIntervalMs?: number;
  /** A client with more than this many bytes unsent is too slow and is dropped. */
  readonly maxBufferedBytes?: number;
}

export interface SessionServer {
  readonly clients: () => number;
  close(): Promise<void>;
}

/** True when something answers on the socket (a live run), false for a stale file or none. */
export function isSocketLive(path: string, timeoutMs = 500): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = createConnection(path);
    const done = (live: boolean) => {
      socket.destroy();
      resolve(live);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(timeoutMs, () => done(false));
  });
}

export async function serveSession(session: Session, options: ServeOptions): Promise<SessionServer> {
  const {socketPath, owner, log} = options;
  const stateIntervalMs = options.stateIntervalMs ?? 100;
  const maxBuffered = options.maxBufferedBytes ?? 8 << 20;

  const dir = dirname(socketPath);
  mkdirSync(dir, {recursive: true, mode: 0o700});
  // The directory is part of the protection: refuse to serve from one others can write into.
  const dirMode = statSync(dir).mode & 0o777;
  if (dirMode & 0o022) chmodSync(dir, dirMode & ~0o022);
  if (existsSync(socketPath)) {
    if (await isSocketLive(socketPath)) throw new Error(`another run already serves ${socketPath}`);
    unlinkSync(socketPath); // left by a run that died
  }

  const clients = new Set<Socket>();
  const send = (socket: Socket, message: ServerMessage) => {
    if (socket.destroyed) return;
    if (socket.writableLength > maxBuffered) {
      log('warn', `attach: dropped a client that stopped reading (${socket.writableLength} bytes unsent)`);
      socket.destroy();
      return;
    }
    socket.write(`${JSON.stringify(message)}\n`);
  };
  const broadcast = (message: ServerMessage) => {
    for (const socket of clients) send(socket, message);
  };

  const unsubscribeEvents = session.subscribeEvents((event) => broadcast({v: 2, type: 'event', event}));
  // Coverage goes out only when it changed: it is most of the state's bytes.
  let sentCoverage = session.getState().coverage;
  const sendState = () => {
    const {coverage, ...state} = session.getState();
    if (coverage !== sentCoverage) {
      sentCoverage = coverage;
      broadcast({v: 2, type: 'coverage', coverage});
    }
    broadcast({v: 2, type: 'state', state, clients: clients.size});
  };
  let stateTimer: NodeJS.Timeout | null = null;
  const scheduleState = () => {
    if (stateTimer) return;
    if (clients.size === 0) {
      sentCoverage = session.getState().coverage; // a new client's hello carries it
      return;
    }
    stateTimer = setTimeout(() => {
      stateTimer = null;
      sendState();
    }, stateIntervalMs);
  };
  const unsubscribeState = session.subscribe(scheduleState);

  const refuse = (socket: Socket, message: string) => send(socket, {v: PROTOCOL_VERSION, type: 'error', message});
  const handle = (socket: Socket, message: ClientMessage) => {
    switch (message.type) {
      case 'intent':
        return session.send(message.intent);
      case 'refresh':
        return session.refresh();
      case 'validate':
        return session.validate(message.range, message.tables);
      case 'preview':
        return void session.preview(message.request).then(
          (preview) => send(socket, {v: 2, type: 'preview', id: message.id, preview}),
          (error: unknown) => send(socket, {v: 2, type: 'preview', id: message.id, error: describeError(error)}),
        );
      case 'start':
      case 'rollback':
        if (!owner.control) return refuse(socket, `${owner.command} runs its own request only: ${message.type} from its console once it has ended`);
        if (message.type === 'start') return session.start(message.request);
        return session.rollback(message.range, message.tables, message.rerun);
    }
  };

  const server: Server = createServer((socket) => {
    clients.add(socket);
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    // Every console knows how many are connected (leaving waits for the host only when it was the last).
    socket.on('close', () => {
      clients.delete(socket);
      scheduleState();
    });
    send(socket, {v: 2, type: 'hello', owner, state: session.getState(), backlog: session.backlog(), clients: clients.size});
    scheduleState();
    const lines = new LineSplitter((line) => {
      const message = parseClientMessage(line);
      if ('error' in message) {
        log('warn', `attach: bad message from a client: ${message.error}`);
        if (message.previewId !== undefined) send(socket, {v: 2, type: 'preview', id: message.previewId, error: message.error});
        else refuse(socket, message.error);
        return;
      }
      handle(socket, message);
    });
    socket.on('data', (chunk: string) => {
      if (!lines.push(chunk)) {
        log('warn', 'attach: dropped a client that sent an endless line');
        socket.destroy();
      }
    });
  });

  // Owner-only from the first moment: the socket is created under a restrictive umask.
  const previousUmask = process.umask(0o077);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
  } finally {
    process.umask(previousUmask);
  }
  chmodSync(socketPath, 0o600);
  server.on('error', (error) => log('warn', `attach: ${error.message}`));

  return {
    clients: () => clients.size,
    async close() {
      unsubscribeEvents();
      unsubscribeState();
      if (stateTimer) clearTimeout(stateTimer);
      // Final state so attached consoles can show the summary.
      sendState();
      for (const socket of clients) {
        socket.end();
        setTimeout(() => socket.destroy(), 500).unref();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      try {
        unlinkSync(socketPath);
      } catch {
        // already gone
      }
    },
  };
}
