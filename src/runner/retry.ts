// How long to wait before retrying a batch, and how a processor's concurrency follows quota
// errors: halved at each one, raised by one after a run of successes (AIMD, as TCP does).
import type {ErrorKind} from '../warehouse/errors.js';
import type {RetryDelays} from '../warehouse/types.js';

export interface RetryPolicy extends RetryDelays {
  /** Attempts per batch for transient errors (the first try included). */
  readonly maxAttempts: number;
  /** Quota errors are expected under load: more patience. */
  readonly maxQuotaAttempts: number;
  /** Successful batches after the last quota error before concurrency goes up by one. */
  readonly raiseAfter: number;
}

export const DEFAULT_RETRY: RetryPolicy = {maxAttempts: 5, maxQuotaAttempts: 10, baseDelayMs: 500, maxDelayMs: 30_000, raiseAfter: 3};

/** Exponential backoff with jitter: half fixed, half random, so that retries spread out. */
export function retryDelay(policy: RetryPolicy, attempt: number, kind: ErrorKind, random: () => number = Math.random): number {
  const factor = kind === 'quota' ? 2 : 1; // quota errors back off harder
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * factor * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function mayRetry(policy: RetryPolicy, attempt: number, kind: ErrorKind): boolean {
  if (kind === 'permanent') return false;
  return attempt < (kind === 'quota' ? policy.maxQuotaAttempts : policy.maxAttempts);
}

/** One processor's worker limit under quota pressure. */
export class ConcurrencyControl {
  private successes = 0;
  current: number;

  constructor(
    readonly max: number,
    private readonly raiseAfter: number,
  ) {
    this.current = max;
  }

  /** A quota error: halve (at least 1). Returns the change, if any. */
  onQuota(): {from: number; to: number} | null {
    this.successes = 0;
    const to = Math.max(1, Math.floor(this.current / 2));
    if (to === this.current) return null;
    const from = this.current;
    this.current = to;
    return {from, to};
  }

  /** A batch succeeded: after enough in a row, one more worker. */
  onSuccess(): {from: number; to: number} | null {
    if (this.current >= this.max) return null;
    if (++this.successes < this.raiseAfter) return null;
    this.successes = 0;
    const from = this.current;
    this.current += 1;
    return {from, to: this.current};
  }
}
