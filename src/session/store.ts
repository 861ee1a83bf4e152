// The part every Session shares: its state as an external store and its events with a bounded
// backlog. The in-process session and the attached one differ only in where changes come from,
// and in who coalesces: the owner of the state does (see Session.subscribe), a mirror does not.
import type {RunEvent} from '../runner/types.js';
import {ThrottledNotifier} from './notifier.js';
import type {SessionState} from './types.js';

/** Events kept for a view that opens later (the log pane's backlog). */
export const BACKLOG_LIMIT = 1000;

export abstract class SessionStore {
  private readonly notifier: ThrottledNotifier;
  private readonly eventListeners = new Set<(event: RunEvent) => void>();
  private readonly events: RunEvent[];

  /** `notifyEveryMs`: at most one state notification per interval (0: each at once). */
  protected constructor(
    protected state: SessionState,
    backlog: readonly RunEvent[],
    notifyEveryMs: number,
  ) {
    this.events = backlog.slice(-BACKLOG_LIMIT);
    this.notifier = new ThrottledNotifier(notifyEveryMs, () => this.beforeNotify());
  }

  getState(): SessionState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    return this.notifier.subscribe(listener);
  }

  subscribeEvents(listener: (event: RunEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  backlog(): readonly RunEvent[] {
    return [...this.events];
  }

  /** Brings lazily kept parts of the state up to date just before subscribers read it. */
  protected beforeNotify(): void {}

  protected setState(patch: Partial<SessionState>): void {
    this.state = {...this.state, ...patch};
    this.changed();
  }

  /** Something subscribers should see changed (the state, or the events since the last tick). */
  protected changed(): void {
    this.notifier.notify();
  }

  protected publish(event: RunEvent): void {
    this.events.push(event);
    if (this.events.length > BACKLOG_LIMIT) this.events.splice(0, this.events.length - BACKLOG_LIMIT);
    for (const listener of [...this.eventListeners]) listener(event);
  }

  /** Delivers a held-back notification now: nothing may be left on a timer once the session closed. */
  protected flushNotifications(): void {
    this.notifier.flush();
  }
}
