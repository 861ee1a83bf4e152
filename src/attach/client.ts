// A console's session served by another process (the console's host, or a headless run): mirrors
// its state and events from the socket and forwards intents. The UI renders it like any session.
import {createConnection, type Socket} from 'node:net';
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {UsageError} from '../errors.js';
import type {RunIntent, RunRequest} from '../runner/types.js';
import {SessionStore} from '../session/store.js';
import type {Session, SessionState, StartPreview} from '../session/types.js';
import {LineSplitter, PROTOCOL_VERSION, type ClientMessage, type RunOwner, type ServerMessage} from './protocol.js';

export class RemoteSession extends SessionStore implements Session {
  private connected = true;
  private leaving = false;
  private consoles: number;
  private previews = new Map<number, {resolve: (preview: StartPreview) => void; reject: (error: Error) => void}>();
  private nextPreview = 1;

  constructor(
    private readonly socket: Socket,
    readonly owner: RunOwner,
    hello: Extract<ServerMessage, {type: 'hello'}>,
  ) {
    super(withAttached(hello.state, owner), hello.backlog);
    this.consoles = hello.clients;
    const lines = new LineSplitter((line) => this.receive(line));
    socket.on('data', (chunk: string) => lines.push(chunk));
    socket.on('close', () => {
      this.connected = false;
      for (const {reject} of this.previews.values()) reject(new Error('disconnected from the run'));
      this.previews.clear();
      if (!this.leaving) this.note(`lost the connection to pid ${this.owner.pid} (${this.owner.command})`, 'warn');
      this.setState({activity: this.leaving || this.isFinished() ? null : 'disconnected: quit, then run `backfill` again'});
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

  refresh(): void {
    this.write({v: 2, type: 'refresh'});
  }

  preview(request: RunRequest): Promise<StartPreview> {
    if (!this.connected || this.socket.destroyed) return Promise.reject(new Error('not connected to the run any more'));
    const id = this.nextPreview++;
    return new Promise((resolve, reject) => {
      this.previews.set(id, {resolve, reject});
      this.write({v: 2, type: 'preview', id, request});
    });
  }

  start(request: RunRequest): void {
    this.write({v: 2, type: 'start', request});
  }

  send(intent: RunIntent): void {
    this.write({v: 2, type: 'intent', intent});
  }

  validate(range: DateRange, tables: readonly DerivedTableName[]): void {
    this.write({v: 2, type: 'validate', range, tables});
  }

  rollback(range: DateRange, tables: readonly DerivedTableName[], rerun: boolean): void {
    this.write({v: 2, type: 'rollback', range, tables, rerun});
  }

  async close(mode: 'detach' | 'cancel'): Promise<void> {
    if (mode === 'cancel') this.send({type: 'cancel'});
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

  private isFinished(): boolean {
    const state = this.state.run?.state;
    return state !== undefined && state !== 'running' && state !== 'stopping' && state !== 'idle';
  }

  private write(message: ClientMessage): void {
    if (!this.connected || this.socket.destroyed) {
      this.note('not connected to the run any more');
      return;
    }
    this.socket.write(`${JSON.stringify(message)}\n`);
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
        // The final snapshot rides on the event: state messages are coalesced and come later, and
        // a console showing "completed" must not still ask "a run is in flight" on q.
        if (message.event.type === 'run-finished') this.setState({run: message.event.snapshot});
        return this.publish(message.event);
      case 'preview': {
        const waiting = this.previews.get(message.id);
        this.previews.delete(message.id);
        if (message.preview) waiting?.resolve(message.preview);
        else waiting?.reject(new Error(message.error ?? 'no preview'));
        return;
      }
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
        return fail(`the process holding the warehouse speaks attach protocol ${JSON.stringify(hello.v)}, this backfill ${PROTOCOL_VERSION}: use the version that started it, or stop it (resumable)`);
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
