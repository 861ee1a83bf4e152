// Work that many callers may ask for at once and that is worth doing only once per burst (the
// coverage refresh: two warehouse queries). At most one run is in flight and one waits; everyone
// asking while one is in flight shares the waiting one, which starts when the first ends, so each
// caller still gets data at least as new as its ask. A waiting run that no caller waits for any
// more (its clients disconnected) is dropped. Without this, 10,000 refresh lines from one client
// ran 10,000 refreshes and slowed a run 4-fold, long after the client had left.

interface Waiting {
  readonly done: Promise<void>;
  readonly resolve: () => void;
  /** Callers that may still leave (with a signal); a caller without one holds the run for good. */
  leavers: number;
  held: boolean;
}

export class Coalesced {
  private inFlight: Promise<void> | null = null;
  private waiting: Waiting | null = null;

  /** `work` must not reject: it reports its own failures. */
  constructor(private readonly work: () => Promise<void>) {}

  /** Resolves once a run that started after this call has ended (or at once when `signal` aborts). */
  run(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    if (!this.inFlight) return (this.inFlight = this.start());
    const waiting = (this.waiting ??= this.newWaiting());
    if (!signal) {
      waiting.held = true;
      return waiting.done;
    }
    waiting.leavers++;
    return new Promise<void>((resolve) => {
      const leave = () => {
        resolve();
        waiting.leavers--;
        // Nobody left to want it: it never starts.
        if (waiting.leavers === 0 && !waiting.held && this.waiting === waiting) {
          this.waiting = null;
          waiting.resolve();
        }
      };
      signal.addEventListener('abort', leave, {once: true});
      void waiting.done.then(() => {
        signal.removeEventListener('abort', leave);
        resolve();
      });
    });
  }

  private newWaiting(): Waiting {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    return {done, resolve, leavers: 0, held: false};
  }

  private async start(): Promise<void> {
    try {
      await this.work();
    } finally {
      this.inFlight = null;
      const next = this.waiting;
      this.waiting = null;
      if (next) {
        this.inFlight = this.start();
        void this.inFlight.then(next.resolve);
      }
    }
  }
}
