// A processor's throughput over the last minutes, for the sparkline of its line in the console and
// in `status --json`: game dates finished per fixed interval, as dates per second, oldest first.
// Intervals are counted from the processor's first batch start (not the wall clock), so the first
// point is a whole interval; a slowdown (quota, a heavy season) shows as lower points at the end.

/** Seconds per point: 10 s over 30 points shows the last five minutes. */
export const THROUGHPUT_INTERVAL_MS = 10_000;
export const THROUGHPUT_POINTS = 30;

export class ThroughputSeries {
  private origin: number | null = null;
  /** Dates finished per interval index since the origin, only the last THROUGHPUT_POINTS + 1 kept. */
  private readonly buckets = new Map<number, number>();

  constructor(
    private readonly intervalMs = THROUGHPUT_INTERVAL_MS,
    private readonly points = THROUGHPUT_POINTS,
  ) {}

  /** The processor started its first batch: intervals count from here. */
  start(now: number): void {
    this.origin ??= now;
  }

  /** A batch of `dates` game dates finished at `now`. */
  record(dates: number, now: number): void {
    this.start(now);
    const index = Math.floor((now - this.origin!) / this.intervalMs);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + dates);
    for (const key of this.buckets.keys()) if (key < index - this.points) this.buckets.delete(key);
  }

  /** Dates per second of each whole interval up to `now` (the one in progress excluded), oldest first. */
  series(now: number): number[] {
    if (this.origin === null) return [];
    const current = Math.floor((now - this.origin) / this.intervalMs);
    const first = Math.max(0, current - this.points);
    const out: number[] = [];
    for (let i = first; i < current; i++) out.push(Math.round(((this.buckets.get(i) ?? 0) / (this.intervalMs / 1000)) * 100) / 100);
    return out;
  }

  get intervalSeconds(): number {
    return this.intervalMs / 1000;
  }
}
