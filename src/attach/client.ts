// A console's session backed by a run in another process: mirrors the run's state and events
// from its socket and forwards intents. The UI renders it exactly like the in-process session.
import {createConnection, type Socket} from 'node:net';
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {UsageError} from '../errors.js';
import type {RunIntent, RunRequest} from '../runner/types.js';
import {SessionStore} from '../session/store.js';
import type {Session} from '../session/types.js';
import {LineSplitter, type ClientMessage, type RunOwner, type ServerMessage} from './protocol.js';

export class RemoteSession extends SessionStore implements Session {
  private connected = true;

  constructor(
    private readonly socket: Socket,
    readonly owner: RunOwner,
    hello: Extract<ServerMessage, {type: 'hello'}>,
  ) {
    super({...hello.state, attached: true}, hello.backlog);
    const lines = new LineSplitter((line) => this.receive(line));
    socket.on('data', (chunk: string) => lines.push(chunk));
    socket.on('close', () => {
      this.connected = false;
      this.setState({activity: this.isFinished() ? null : 'disconnected from the run'});
    });
  }

  /** True once the run has ended or the connection is gone. */
  get isConnected(): boolean {
    return this.connected;
  }

  refresh(): void {
    this.write({v: 1, type: 'refresh'});
  }

  start(_request: RunRequest): void {
    this.note('a run is already going in another process: pause, resume or cancel it from here');
  }

  send(intent: RunIntent): void {
    this.write({v: 1, type: 'intent', intent});
  }

  validate(range: DateRange, tables: readonly DerivedTableName[]): void {
    this.write({v: 1, type: 'validate', range, tables});
  }

  rollback(): void {
    this.note('rollback needs the warehouse: wait for the run to finish, or cancel it first');
  }

  async close(mode: 'detach' | 'cancel'): Promise<void> {
    if (mode === 'cancel') this.send({type: 'cancel'});
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
    if (message.type === 'state') this.setState({...message.state, attached: true});
    else if (message.type === 'event') this.publish(message.event);
    else if (message.type === 'error') this.note(`the run refused a request: ${message.message}`, 'warn');
  }

  private note(message: string, level: 'info' | 'warn' = 'warn'): void {
    this.publish({type: 'log', level, message, time: new Date().toISOString(), runId: this.state.run?.runId ?? ''});
  }
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
      const session = new RemoteSession(socket, hello.owner, hello);
      const rest = buffered.slice(newline + 1);
      if (rest) socket.emit('data', rest);
      socket.on('error', () => undefined);
      resolve(session);
    };
    socket.on('data', onData);
  });
}
