// Serves a session (a live run's state, events and requests) on an owner-only Unix socket, so that
// consoles in other SSH sessions can attach. A client can never stall or crash the run: writes
// are never awaited, a client whose buffer grows past a limit is dropped, each client may have a
// bounded number of requests waiting (refreshes are coalesced by the session), what it still had
// queued is dropped when it leaves, and bad lines are answered, logged once per client.
import {setMaxListeners} from 'node:events';
import {chmodSync, existsSync, unlinkSync} from 'node:fs';
import {createConnection, createServer, type Server, type Socket} from 'node:net';
import {dirname} from 'node:path';
import {describeError} from '../warehouse/errors.js';
import {needsControl, type RequestReply, type RequestType, type SessionRequest} from '../session/requests.js';
import type {Session} from '../session/types.js';
import {privateDirectory} from './private-dir.js';
import {encode, LineSplitter, parseClientMessage, type Outgoing, type RunOwner} from './protocol.js';

export interface ServeOptions {
  readonly socketPath: string;
  readonly owner: RunOwner;
  /** Where the server reports clients that misbehave (they are logged, never fatal). */
  readonly log: (level: 'info' | 'warn', message: string) => void;
  /** A client with more than this many bytes unsent is too slow and is dropped. */
  readonly maxBufferedBytes?: number;
}

export interface SessionServer {
  readonly clients: () => number;
  close(): Promise<void>;
}

/** Requests of one client waiting for their reply: a console asks one or two things at a time, 32 is a flood. */
const MAX_PENDING_PER_CLIENT = 32;

interface Client {
  readonly socket: Socket;
  /** Aborted when it disconnects: the session drops work still queued for it. */
  readonly gone: AbortController;
  pending: number;
  /** A flood without ids is told once that it sends too much, until its requests drain. */
  toldTooMany: boolean;
  badLines: number;
  firstBad: string | null;
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

/** Hands a parsed request to the session: one generic call, whatever its type. */
function callRequest<K extends RequestType>(session: Session, request: SessionRequest<K>, signal: AbortSignal): Promise<RequestReply<K>> {
  return session.call(request.type, request.payload, {signal});
}

export async function serveSession(session: Session, options: ServeOptions): Promise<SessionServer> {
  const {socketPath, owner, log} = options;
  const maxBuffered = options.maxBufferedBytes ?? 8 << 20;

  // The directory is part of the protection: refuse to serve from one others can write into.
  privateDirectory(dirname(socketPath));
  if (existsSync(socketPath)) {
    if (await isSocketLive(socketPath)) throw new Error(`another run already serves ${socketPath}`);
    unlinkSync(socketPath); // left by a run that died
  }

  const clients = new Set<Client>();
  const send = (socket: Socket, message: Outgoing) => {
    if (socket.destroyed) return;
    if (socket.writableLength > maxBuffered) {
      log('warn', `attach: dropped a client that stopped reading (${socket.writableLength} bytes unsent)`);
      socket.destroy();
      return;
    }
    socket.write(encode(message));
  };
  const broadcast = (message: Outgoing) => {
    for (const client of clients) send(client.socket, message);
  };

  const unsubscribeEvents = session.subscribeEvents((event) => broadcast({type: 'event', event}));
  // Coverage goes out only when it changed: it is most of the state's bytes. Each notification of
  // the session (already coalesced there) is forwarded as it comes: no second timer here.
  let sentCoverage = session.getState().coverage;
  const sendState = () => {
    const {coverage, ...state} = session.getState();
    if (clients.size === 0) {
      sentCoverage = coverage; // a new client's hello carries it
      return;
    }
    if (coverage !== sentCoverage) {
      sentCoverage = coverage;
      broadcast({type: 'coverage', coverage});
    }
    broadcast({type: 'state', state, clients: clients.size});
  };
  const unsubscribeState = session.subscribe(sendState);

  const refuse = (client: Client, id: number | undefined, message: string) => {
    if (id !== undefined) send(client.socket, {type: 'reply', id, error: message, refused: true});
    else send(client.socket, {type: 'error', message});
  };
  const handle = (client: Client, request: SessionRequest, id: number | undefined) => {
    if (needsControl(request.type) && !owner.control) {
      return refuse(client, id, `${owner.command} runs its own request only: ${request.type} from its console once it has ended`);
    }
    if (client.pending >= MAX_PENDING_PER_CLIENT) {
      // A caller waiting on an id is answered; a flood without ids hears it once.
      if (id === undefined && client.toldTooMany) return;
      client.toldTooMany ||= id === undefined;
      return refuse(client, id, `too many requests waiting (${MAX_PENDING_PER_CLIENT}): wait for their replies`);
    }
    client.pending++;
    const settle = (message: Outgoing | null) => {
      client.pending--;
      if (client.pending < MAX_PENDING_PER_CLIENT) client.toldTooMany = false;
      if (message) send(client.socket, message);
    };
    callRequest(session, request, client.gone.signal).then(
      (value) => settle(id === undefined ? null : {type: 'reply', id, value}),
      (error: unknown) => settle(id === undefined ? {type: 'error', message: describeError(error)} : {type: 'reply', id, error: describeError(error)}),
    );
  };
  const badLine = (client: Client, error: string, id: number | undefined) => {
    // One line in the log per bad client (a flood of garbage must not flood the log), a count when it leaves.
    if (client.badLines++ === 0) {
      client.firstBad = error;
      log('warn', `attach: bad message from a client: ${error}`);
    }
    refuse(client, id, error);
  };

  const server: Server = createServer((socket) => {
    const client: Client = {socket, gone: new AbortController(), pending: 0, toldTooMany: false, badLines: 0, firstBad: null};
    setMaxListeners(MAX_PENDING_PER_CLIENT + 1, client.gone.signal); // one per waiting request, by design
    clients.add(client);
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    // Every console knows how many are connected (leaving waits for the host only when it was the last).
    socket.on('close', () => {
      clients.delete(client);
      client.gone.abort();
      if (client.badLines > 1) log('warn', `attach: a client that sent ${client.badLines} bad messages left (the first: ${client.firstBad})`);
      sendState();
    });
    send(socket, {type: 'hello', owner, state: session.getState(), backlog: session.backlog(), clients: clients.size});
    sendState();
    const lines = new LineSplitter((line) => {
      if (socket.destroyed) return;
      const parsed = parseClientMessage(line);
      if ('error' in parsed) badLine(client, parsed.error, parsed.id);
      else handle(client, parsed.request, parsed.id);
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
      // Final state so attached consoles can show the summary.
      sendState();
      for (const {socket} of clients) {
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
