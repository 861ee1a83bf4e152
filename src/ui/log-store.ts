// The job log: a bounded ring buffer fed by the session's events, published to the pane in
// batches, on the session's state tick (ConsoleStores calls flush; see Session.subscribe), so that
// ten busy processors cost a few renders a second, not one per event, without a timer of its own,
// and memory stays flat however long the run.
import type {RunEvent} from '../runner/types.js';
import {formatEvent, type LogLine} from './log-format.js';

export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error('ring buffer capacity must be at least 1');
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  get size(): number {
    return this.count;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }
}

export interface LogStoreOptions {
  readonly capacity?: number;
  /** Debug lines (batch started) are many and rarely useful in the pane. */
  readonly showDebug?: boolean;
}

export class LogStore {
  private readonly ring: RingBuffer<LogLine>;
  private readonly listeners = new Set<() => void>();
  private pending: LogLine[] = [];
  private seq = 0;
  private snapshot: readonly LogLine[] = [];
  private readonly showDebug: boolean;

  constructor(options: LogStoreOptions = {}) {
    this.ring = new RingBuffer(options.capacity ?? 1000);
    this.showDebug = options.showDebug ?? false;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The published lines, oldest first; the same array until the next flush. */
  readonly getSnapshot = (): readonly LogLine[] => this.snapshot;

  add(event: RunEvent): void {
    const {level, text} = formatEvent(event);
    if (level === 'debug' && !this.showDebug) return;
    this.pending.push({seq: ++this.seq, level, text});
    // Keep the pending batch bounded too: a burst larger than the ring is mostly dropped anyway.
    if (this.pending.length > this.ring.capacity) this.pending.splice(0, this.pending.length - this.ring.capacity);
  }

  /** Adds without waiting (the backlog at start). */
  addNow(events: readonly RunEvent[]): void {
    for (const event of events) this.add(event);
    this.flush();
  }

  /** Publishes the lines added since the last flush (one notification for all of them). */
  flush(): void {
    if (this.pending.length === 0) return;
    for (const line of this.pending) this.ring.push(line);
    this.pending = [];
    this.snapshot = this.ring.toArray();
    for (const listener of this.listeners) listener();
  }

  dispose(): void {
    this.listeners.clear();
  }
}
