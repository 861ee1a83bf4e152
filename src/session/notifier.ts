// Coalesces a burst of state notifications: the first goes out at once, the rest at most one per
// interval. The session that owns the state uses it, once; see Session.subscribe for the chain.
type Listener = () => void;

export class ThrottledNotifier {
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | null = null;
  private pending = false;

  /** `ms` 0 passes every notification on at once; `beforeEmit` brings the state up to date first. */
  constructor(
    private readonly ms: number,
    private readonly beforeEmit: () => void = () => undefined,
  ) {}

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  notify(): void {
    if (this.timer) {
      this.pending = true;
      return;
    }
    this.emit();
    if (this.ms > 0) this.timer = setTimeout(this.tick, this.ms);
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.pending) {
      this.pending = false;
      this.emit();
      this.timer = setTimeout(this.tick, this.ms);
    }
  };

  private emit(): void {
    this.beforeEmit();
    for (const listener of [...this.listeners]) listener();
  }

  /** Sends a notification still held back now, and stops the timer (the owner is closing). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending) {
      this.pending = false;
      this.emit();
    }
  }
}
