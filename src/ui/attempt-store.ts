// The attempt history of the month the day view shows, asked of the session (the host reads the
// state dir), and asked again after a batch of that month settled: on the session's next tick,
// one request at a time, so a busy run costs one small reply per tick at most, not one per event.
import type {DateRange} from '../dates.js';
import type {AttemptRecord} from '../state/attempts.js';
import type {Session} from '../session/types.js';

type Listener = () => void;

export class AttemptStore {
  private attempts: readonly AttemptRecord[] = [];
  private range: DateRange | null = null;
  private dirty = false;
  private inFlight = false;
  private readonly listeners = new Set<Listener>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly session: Session) {
    this.unsubscribe.push(
      session.subscribeEvents((event) => {
        if (!this.range) return;
        if (event.type !== 'batch-finished' && event.type !== 'batch-failed' && event.type !== 'batch-retry') return;
        if (event.batch.end >= this.range.start && event.batch.start <= this.range.end) this.dirty = true;
      }),
      session.subscribe(() => {
        if (this.dirty) this.fetch();
      }),
    );
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): readonly AttemptRecord[] => this.attempts;

  /** Follows the attempts of this range from now on (null: none, the day view closed). */
  watch(range: DateRange | null): void {
    if (range?.start === this.range?.start && range?.end === this.range?.end) return;
    this.range = range;
    this.set([]);
    if (range) this.fetch();
  }

  private fetch(): void {
    if (this.inFlight || !this.range) {
      this.dirty = this.range !== null;
      return;
    }
    this.dirty = false;
    this.inFlight = true;
    const asked = this.range;
    this.session.call('history', {range: asked}).then(
      (reply) => {
        this.inFlight = false;
        if (this.range === asked) this.set(reply.attempts);
        if (this.dirty) this.fetch();
      },
      () => {
        // A host older than the history, or gone: the day view just shows no attempts.
        this.inFlight = false;
      },
    );
  }

  private set(attempts: readonly AttemptRecord[]): void {
    this.attempts = attempts;
    for (const listener of this.listeners) listener();
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.listeners.clear();
  }
}
