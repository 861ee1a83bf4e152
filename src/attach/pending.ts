// The console's session before its host answers: it draws at once from what the console knew
// (the last coverage it saw of this warehouse, marked with its time, or nothing), then becomes a
// mirror of the session it joined (the host's, or a headless run's) the moment it connects,
// replacing the cached coverage with the live one in place. A request made while connecting
// waits for the connection. When the warehouse cannot be reached (another process holds it),
// the state says so and every request is refused with that reason.
import type {RunEvent} from '../runner/types.js';
import {answersWithData, type RequestPayload, type RequestReply, type RequestType} from '../session/requests.js';
import {SessionStore} from '../session/store.js';
import type {Session, SessionState} from '../session/types.js';

/** `S`: the session joined (a RemoteSession for the console; any Session in tests). */
export class PendingSession<S extends Session = Session> extends SessionStore implements Session {
  private joined: S | null = null;
  private failure: string | null = null;
  private readonly backlogListeners = new Set<(events: readonly RunEvent[]) => void>();
  /** Settles once connected (the session) or failed (null). */
  readonly ready: Promise<S | null>;

  constructor(initial: SessionState, connecting: Promise<S>) {
    super(initial, [], 0);
    this.ready = connecting.then(
      (remote) => {
        this.join(remote);
        return remote;
      },
      (error: unknown) => {
        this.fail(error instanceof Error ? error.message : String(error));
        return null;
      },
    );
  }

  /** The session joined, once connected. */
  get remote(): S | null {
    return this.joined;
  }

  /** Why the warehouse cannot be reached, once that is known. */
  get unavailable(): string | null {
    return this.failure;
  }

  subscribeBacklog(listener: (events: readonly RunEvent[]) => void): () => void {
    this.backlogListeners.add(listener);
    return () => this.backlogListeners.delete(listener);
  }

  private join(remote: S): void {
    this.joined = remote;
    const backlog = remote.backlog();
    for (const listener of this.backlogListeners) listener(backlog);
    remote.subscribeEvents((event) => this.publish(event));
    // The joined session's state replaces this one's whole: the live coverage takes the cached one's place.
    const mirror = () => {
      this.state = remote.getState();
      this.changed();
    };
    remote.subscribe(mirror);
    mirror();
  }

  private fail(reason: string): void {
    this.failure = reason;
    this.publish({type: 'log', level: 'error', message: reason, time: new Date().toISOString(), runId: 'console'});
    this.setState({unavailable: reason, activity: null});
  }

  async call<K extends RequestType>(type: K, payload: RequestPayload<K>): Promise<RequestReply<K>> {
    const remote = this.joined ?? (await this.ready);
    if (remote) return remote.call(type, payload);
    if (answersWithData(type)) throw new Error(this.failure ?? 'not connected');
    return undefined as RequestReply<K>;
  }

  async close(mode: 'detach' | 'cancel'): Promise<void> {
    // Leaving while the host starts: it has no console to wait for and exits by itself.
    await this.joined?.close(mode);
  }
}
