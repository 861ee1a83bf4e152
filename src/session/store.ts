// The part every Session shares: its state as an external store and its events with a bounded
// backlog. The in-process session and the attached one differ only in where changes come from.
import type {RunEvent} from '../runner/types.js';
import type {SessionState} from './types.js';

/** Events kept for a view that opens later (the log pane's backlog). */
export const BACKLOG_LIMIT = 1000;

export abstract class SessionStore {
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: RunEvent) => void>();
  private readonly events: RunEvent[];

  protected constructor(
    protected state: SessionState,
    backlog: readonly RunEvent[] = [],
  ) {
    this.events = backlog.slice(-BACKLOG_LIMIT);
  }

  getState(): SessionState {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeEvents(listener: (event: RunEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  backlog(): readonly RunEvent[] {
    return [...this.events];
  }

  protected setState(patch: Partial<SessionState>): void {
    this.state = {...this.state, ...patch};
    for (const listener of [...this.listeners]) listener();
  }

  protected publish(event: RunEvent): void {
    this.events.push(event);
    if (this.events.length > BACKLOG_LIMIT) this.events.splice(0, this.events.length - BACKLOG_LIMIT);
    for (const listener of [...this.eventListeners]) listener(event);
  }
}
