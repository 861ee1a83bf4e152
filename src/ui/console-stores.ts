// The stores the panes read, fed by one Session: the session's state (subscribed directly: the
// session that owns it already coalesces, see Session.subscribe), the job log (its lines published
// on the same tick) and the failed batches. Each pane subscribes to its own slice with
// useSyncExternalStore, so a log line re-renders the log pane and nothing else.
import {createContext, useContext, useRef, useSyncExternalStore} from 'react';
import type {RunEvent} from '../runner/types.js';
import type {Session, SessionState} from '../session/types.js';
import type {AttemptRecord} from '../state/attempts.js';
import {AttemptStore} from './attempt-store.js';
import {applyFailureEvent, type FailureMap} from './failures.js';
import {LogStore, type LogStoreOptions} from './log-store.js';

type Listener = () => void;

class FailureStore {
  private failures: FailureMap = new Map();
  private readonly listeners = new Set<Listener>();
  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  readonly getSnapshot = (): FailureMap => this.failures;
  apply(event: RunEvent): void {
    const next = applyFailureEvent(this.failures, event);
    if (next === this.failures) return;
    this.failures = next;
    for (const listener of this.listeners) listener();
  }
}

export interface ConsoleStoreOptions {
  readonly log?: LogStoreOptions;
}

export class ConsoleStores {
  readonly log: LogStore;
  readonly failures = new FailureStore();
  /** The attempts of the month the day view shows. */
  readonly attempts: AttemptStore;
  private readonly unsubscribe: (() => void)[] = [];
  /** Seen by the run-summary watcher: every run-finished event, in order. */
  private readonly finishedListeners = new Set<(event: Extract<RunEvent, {type: 'run-finished'}>) => void>();

  readonly subscribeState: (listener: Listener) => () => void;

  constructor(readonly session: Session, options: ConsoleStoreOptions = {}) {
    this.subscribeState = (listener) => session.subscribe(listener);
    this.log = new LogStore(options.log);
    this.attempts = new AttemptStore(session);
    // Backlog and subscription in the same tick: no event can fall between them.
    const backlog = session.backlog();
    for (const event of backlog) this.failures.apply(event);
    this.log.addNow(backlog);
    this.unsubscribe.push(
      // A joined host's backlog: its lines and failures, not its news (no summary pops up for a past run).
      session.subscribeBacklog?.((events) => {
        for (const event of events) this.failures.apply(event);
        this.log.addNow(events);
      }) ?? (() => undefined),
      session.subscribeEvents((event) => {
        this.log.add(event);
        this.failures.apply(event);
        if (event.type === 'run-finished') for (const listener of this.finishedListeners) listener(event);
      }),
      // The session's tick: the log shows the lines of its events since the last one (one render
      // for a burst of events, without a timer of its own).
      session.subscribe(() => this.log.flush()),
    );
  }

  onRunFinished(listener: (event: Extract<RunEvent, {type: 'run-finished'}>) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.log.dispose();
    this.attempts.dispose();
  }
}

export const StoresContext = createContext<ConsoleStores | null>(null);

export function useStores(): ConsoleStores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('console panes must be rendered inside <StoresContext.Provider>');
  return stores;
}

/**
 * The fields of the session state a pane reads: the snapshot is kept while every one of them is the
 * same (Object.is), so the pane re-renders when one of its fields changes and for nothing else.
 */
export function useSessionFields<K extends keyof SessionState>(...keys: K[]): Pick<SessionState, K> {
  const stores = useStores();
  const last = useRef<Pick<SessionState, K> | null>(null);
  return useSyncExternalStore(stores.subscribeState, () => {
    const state = stores.session.getState();
    const previous = last.current;
    if (previous && keys.every((key) => Object.is(previous[key], state[key]))) return previous;
    last.current = Object.fromEntries(keys.map((key) => [key, state[key]])) as Pick<SessionState, K>;
    return last.current;
  });
}

export function useLogLines() {
  const {log} = useStores();
  return useSyncExternalStore(log.subscribe, log.getSnapshot);
}

/** The attempts of the month the day view watches (see AttemptStore.watch). */
export function useAttempts(): readonly AttemptRecord[] {
  const {attempts} = useStores();
  return useSyncExternalStore(attempts.subscribe, attempts.getSnapshot);
}

export function useFailures(): FailureMap {
  const {failures} = useStores();
  return useSyncExternalStore(failures.subscribe, failures.getSnapshot);
}
