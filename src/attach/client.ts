// A console's session served by another process (the console's host, or a headless run): mirrors
// its state and events from the socket and forwards every request generically, matching replies
// to calls by id. The UI renders it like any session. It adds no timer: the serving session
// already coalesced the state messages it forwards (see Session.subscribe).
import {createConnection, type Socket} from 'node:net';
import {UsageError} from '../errors.js';
import {clipped} from '../quote.js';
import {isRunFinished} from '../runner/types.js';
import {answersWithData, SESSION_REQUESTS, type RequestPayload, type RequestReply, type RequestType} from '../session/requests.js';
import {SessionStore} from '../session/store.js';
import type {Session, SessionState} from '../session/types.js';
import {encodeRequest, LineSplitter, PROTOCOL_VERSION, type RunOwner, type ServerMessage} from './protocol.js';

interface Waiting {
  readonly type: RequestType;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export class RemoteSession extends SessionStore implements Session {
  private connected = true;
  private leaving = false;
  private consoles: number;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;

  constructor(
    private readonly socket: Socket,
    readonly owner: RunOwner,
    hello: Extract<ServerMessage, {type: 'hello'}>,
  ) {
    super(withAttached(hello.state, owner), hello.backlog, 0);
    this.consoles = hello.clients;
    const lines = new LineSplitter((line) => this.receive(line));
    socket.on('data', (chunk: string) => lines.push(chunk));
    socket.on('close', () => {
      this.connected = false;
      // Said once (below), not once per waiting call.
      for (const [id, {type, resolve}] of [...this.waiting]) {
        if (answersWithData(type)) {
          this.answer(id, {error: 'disconnected from the run'});
          continue;
        }
        this.waiting.delete(id);
        resolve(undefined);
      }
      if (!this.leaving) this.note(`lost the connection to pid ${this.owner.pid} (${this.owner.command})`, 'warn');
      this.setState({activity: this.leaving || isRunFinished(this.state.run) ? null : 'disconnected: quit, then run `backfill` again'});
    });
  }

  /** True when the serving process closed the connection before this console left. */
  get lostConnection(): boolean {
    return !this.connected && !this.leaving;
  }

  /** Other consoles connected to the same process, as of its last state message. */
  get otherConsoles(): number {
    return Math.max(0, this.consoles - 1);
  }

  call<K extends RequestType>(type: K, payload: RequestPayload<K>): Promise<RequestReply<K>> {
    if (!this.connected || this.socket.destroyed) {
      if (answersWithData(type)) return Promise.reject(new Error('not connected to the run any more'));
      this.note('not connected to the run any more');
      return Promise.resolve(undefined as RequestReply<K>);
    }
    return new Promise<unknown>((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, {type, resolve, reject});
      this.socket.write(encodeRequest(type, id, payload));
    }) as Promise<RequestReply<K>>;
  }

  /**
   * Settles a call. A request with a reply rejects with the reason; one without resolves. A
   * request the run refused (not allowed here, malformed, too many waiting), and any failure of
   * one without a reply, is also said in this console's log, as the run's answer to the operator.
   */
  private answer(id: number, reply: {readonly value?: unknown; readonly error?: string; readonly refused?: boolean}): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    let {error} = reply;
    let value: unknown;
    if (error === undefined) {
      try {
        value = this.checked(waiting.type, reply.value);
      } catch (problem) {
        error = (problem as Error).message;
      }
    }
    if (error === undefined) return waiting.resolve(value);
    const withData = answersWithData(waiting.type);
    if (reply.refused || !withData) this.note(`the run refused a request: ${error}`, 'warn');
    if (withData) waiting.reject(new Error(error));
    else waiting.resolve(undefined);
  }

  /** A reply is data the UI reads: checked against the table's schema like any input. */
  private checked(type: RequestType, value: unknown): unknown {
    const spec = SESSION_REQUESTS[type];
    if (!('reply' in spec)) return undefined;
    const parsed = spec.reply.safeParse(value);
    if (!parsed.success) throw new Error(`the run answered ${type} with something this backfill does not understand`);
    return parsed.data;
  }

  async close(mode: 'detach' | 'cancel'): Promise<void> {
    if (mode === 'cancel') void this.call('intent', {intent: {type: 'cancel'}});
    // A connection that was already lost stays reported as lost.
    if (this.connected) this.leaving = true;
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.end(() => resolve());
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 500).unref();
    });
  }

  private receive(line: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(line) as ServerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'state':
        this.consoles = message.clients;
        return this.setState(withAttached({...message.state, coverage: this.state.coverage}, this.owner));
      case 'coverage':
        return this.setState({coverage: message.coverage});
      case 'event':
        // The final snapshot rides on the event: a console showing "completed" must not still ask
        // "a run is in flight" on q, whatever comes after it.
        if (message.event.type === 'run-finished') this.setState({run: message.event.snapshot});
        return this.publish(message.event);
      case 'reply':
        return this.answer(message.id, message);
      case 'error':
        return this.note(`the run refused a request: ${message.message}`, 'warn');
    }
  }

  /** A line in this console's log only (the serving process does not see it). */
  announce(message: string, level: 'info' | 'warn' = 'info'): void {
    this.note(message, level);
  }

  private note(message: string, level: 'info' | 'warn' = 'warn'): void {
    this.publish({type: 'log', level, message, time: new Date().toISOString(), runId: this.state.run?.runId ?? ''});
    this.changed(); // the job log shows it on this tick
  }
}

/** Attached means: joined a run another command owns, which this console can steer but not replace. */
function withAttached(state: SessionState, owner: RunOwner): SessionState {
  return {...state, attached: !owner.control};
}

/** Connects to the run serving `socketPath`; a missing or dead socket is a UsageError. */
export function connectSession(socketPath: string, timeoutMs = 3000): Promise<RemoteSession> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.setEncoding('utf8');
    let buffered = '';
    const fail = (message: string) => {
      socket.destroy();
      reject(new UsageError(message));
    };
    const timer = setTimeout(() => fail(`the run at ${socketPath} did not answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'EACCES') fail(`not allowed to attach to ${socketPath}: it belongs to another user`);
      else fail(`no live run to attach to (${error.code ?? error.message})`);
    });
    const onData = (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      socket.off('data', onData);
      let hello: ServerMessage;
      try {
        hello = JSON.parse(buffered.slice(0, newline)) as ServerMessage;
      } catch {
        return fail('the run answered with something that is not the attach protocol');
      }
      if (hello.type !== 'hello') return fail('the run did not greet (protocol mismatch)');
      if (hello.v !== PROTOCOL_VERSION) {
        return fail(`the process holding the warehouse speaks attach protocol ${clipped(String(JSON.stringify(hello.v)))}, this backfill ${PROTOCOL_VERSION}: use the version that started it, or stop it (resumable)`);
      }
      const session = new RemoteSession(socket, hello.owner, hello);
      const rest = buffered.slice(newline + 1);
      if (rest) socket.emit('data', rest);
      socket.on('error', () => undefined);
      resolve(session);
    };
    socket.on('data', onData);
  });
}
