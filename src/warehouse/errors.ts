// The error taxonomy of the warehouse boundary: what a failed warehouse call means, retry it
// (transient), retry it more gently and with less concurrency (quota), or give up (permanent).
// Adapters decide for themselves by setting `retryKind` on the error (bigquery-errors.ts does, from
// the API's payload); the runner only reads the verdict through classifyError.
export type ErrorKind = 'transient' | 'quota' | 'permanent';

const KINDS = new Set<ErrorKind>(['transient', 'quota', 'permanent']);

/** Errors an adapter (or a test's fault injector) marks explicitly. */
export interface ClassifiedError extends Error {
  readonly retryKind?: ErrorKind;
}

/** Message patterns, most specific first. BigQuery payload patterns belong here too. */
const PATTERNS: readonly {readonly kind: ErrorKind; readonly pattern: RegExp}[] = [
  // BigQuery reasons (error.errors[].reason, also in the message) for quota and rate limits.
  {kind: 'quota', pattern: /\b(rateLimitExceeded|quotaExceeded|too many concurrent|Exceeded rate limits)\b/i},
  // DuckDB optimistic concurrency: two writers touched the same rows or table version.
  {kind: 'transient', pattern: /Transaction conflict|Catalog write-write conflict|write-write conflict|Conflict on (tuple|update)/i},
  // Transient infrastructure failures.
  {kind: 'transient', pattern: /\b(backendError|internalError|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|503 Service Unavailable)\b/i},
];

function reasonsOf(error: unknown): string[] {
  const reasons: string[] = [];
  const errors = (error as {errors?: unknown})?.errors;
  if (Array.isArray(errors)) {
    for (const e of errors) if (typeof (e as {reason?: unknown})?.reason === 'string') reasons.push((e as {reason: string}).reason);
  }
  return reasons;
}

export function classifyError(error: unknown): ErrorKind {
  const explicit = (error as ClassifiedError | null)?.retryKind;
  if (explicit && KINDS.has(explicit)) return explicit;
  const text = [error instanceof Error ? error.message : String(error), ...reasonsOf(error)].join(' ');
  for (const {kind, pattern} of PATTERNS) if (pattern.test(text)) return kind;
  return 'permanent';
}

/** One line for the log: the first line of the message. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0].slice(0, 500);
}
