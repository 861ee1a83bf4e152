// What a failed BigQuery call means for the runner. The adapter decides here, from the API's own
// payload (HTTP code, errors[].reason, message), and attaches the verdict as `retryKind` so that
// classifyError (errors.ts) stays the one place the runner asks (it honours an explicit retryKind).
import type {ErrorKind} from './errors.js';
import type {RetryDelays} from './types.js';

/** One entry of `errors` / `status.errorResult` in a BigQuery response (the ErrorProto). */
export interface BigQueryErrorProto {
  readonly reason?: string;
  readonly message?: string;
  readonly location?: string;
  readonly domain?: string;
}

/** The shape of what @google-cloud/bigquery rejects with (an ApiError from @google-cloud/common). */
interface ApiErrorLike {
  readonly code?: number | string;
  readonly message?: string;
  readonly errors?: readonly BigQueryErrorProto[];
  readonly response?: {readonly status?: {readonly errorResult?: BigQueryErrorProto}};
}

/**
 * Backoff for BigQuery retries, in the warehouse's RetryDelays terms: 1 s doubling to 32 s (the docs
 * ask for exponential backoff on rateLimitExceeded). quotaExceeded is a longer-term limit (the
 * docs say to wait 10 minutes or more): the runner halves the processor's concurrency and waits.
 */
export const BIGQUERY_RETRY: RetryDelays = {baseDelayMs: 1_000, maxDelayMs: 32_000};

// Short-term limits and server-side failures: retrying after a pause succeeds.
const TRANSIENT_REASONS = new Set(['rateLimitExceeded', 'backendError', 'internalError', 'jobBackendError', 'jobInternalError']);
// Messages that are short-term limits whatever the reason says (partition and table update rates,
// the per-table DML queue, and concurrent DML on the same partitions).
const TRANSIENT_MESSAGES =
  /too many (partitioned )?table update operations|too many DML statements outstanding|could not serialize access to table|due to concurrent update|Exceeded rate limits/i;
const QUOTA_REASONS = new Set(['quotaExceeded']);
// The job's own spend cap (maximumBytesBilled) stopped it: the same job would be stopped again.
// Reported as HTTP 400 or 500 depending on the call; the reason decides, before the HTTP code.
const CAP_REASON = 'bytesBilledLimitExceeded';

const HINTS: Readonly<Record<string, string>> = {
  rateLimitExceeded: 'a short-term BigQuery rate limit; the batch is retried with backoff',
  backendError: 'a temporary BigQuery failure; the batch is retried with backoff',
  internalError: 'a temporary BigQuery failure; the batch is retried with backoff',
  quotaExceeded: 'a BigQuery quota was reached; the console lowers this processor\'s concurrency and waits before retrying',
  invalidQuery: 'the statement does not fit this warehouse; review it with `backfill sql PROCESSOR --from D --to D --engine bigquery`',
  invalid: 'BigQuery refused the request; review the statement with `backfill sql ... --engine bigquery`',
  accessDenied: 'the credentials lack a permission: grant the account BigQuery Job User on the project and Data Editor on the datasets',
  notFound: 'a dataset or table is missing (or is in another location): run `backfill init --target bigquery --dry-run`',
  billingNotEnabled: 'billing is not enabled on the project',
  responseTooLarge: 'the result is too large; narrow the date range',
  resourcesExceeded: 'the query needs too many resources; lower --batch-size',
  bytesBilledLimitExceeded: 'raise the per-job cap with --max-bytes-per-job SIZE (e.g. --max-bytes-per-job 50GB), or lower --batch-size',
  authError: 'the credentials were refused or have expired: run `gcloud auth application-default login` again, or check GOOGLE_APPLICATION_CREDENTIALS',
};

// google-auth-library's failures carry no BigQuery payload; they are no reason to retry.
const AUTH_MESSAGES = /invalid_grant|invalid_rapt|reauth|Could not load the default credentials|Could not refresh access token|unauthorized_client/i;

export interface BigQueryVerdict {
  readonly kind: ErrorKind;
  /** The ErrorProto reason that decided it, when there is one. */
  readonly reason: string | undefined;
  readonly httpCode: number | undefined;
}

function protosOf(error: ApiErrorLike): BigQueryErrorProto[] {
  const protos = [...(Array.isArray(error.errors) ? error.errors : [])];
  const result = error.response?.status?.errorResult;
  if (result) protos.unshift(result);
  return protos;
}

/** Reads the kind of failure from a BigQuery error payload (or a thrown ApiError). */
export function classifyBigQueryError(error: unknown): BigQueryVerdict {
  const api = (error ?? {}) as ApiErrorLike;
  const protos = protosOf(api);
  const reasons = protos.map((p) => p.reason).filter((r): r is string => typeof r === 'string');
  const text = [api.message ?? '', ...protos.map((p) => p.message ?? '')].join(' ');
  const httpCode = Number.isInteger(Number(api.code)) ? Number(api.code) : undefined;
  const first = reasons[0];
  if (reasons.includes(CAP_REASON) || /exceeded limit for bytes billed/i.test(text)) return {kind: 'permanent', reason: CAP_REASON, httpCode};
  // Quota first: a quotaExceeded payload is a long wait even when its message says "rate".
  const quota = reasons.find((r) => QUOTA_REASONS.has(r));
  if (quota && !TRANSIENT_MESSAGES.test(text)) return {kind: 'quota', reason: quota, httpCode};
  const transient = reasons.find((r) => TRANSIENT_REASONS.has(r));
  if (transient) return {kind: 'transient', reason: transient, httpCode};
  if (TRANSIENT_MESSAGES.test(text)) return {kind: 'transient', reason: first, httpCode};
  if (httpCode === 429 || (httpCode !== undefined && httpCode >= 500 && httpCode <= 599)) {
    return {kind: 'transient', reason: first, httpCode};
  }
  if (httpCode === 401 || (reasons.length === 0 && AUTH_MESSAGES.test(text))) return {kind: 'permanent', reason: 'authError', httpCode};
  // Network failures below HTTP (no payload at all) are worth a retry too.
  if (reasons.length === 0 && /\b(ECONNRESET|ETIMEDOUT|EAI_AGAIN|ECONNREFUSED|socket hang up)\b/.test(text)) {
    return {kind: 'transient', reason: undefined, httpCode};
  }
  return {kind: 'permanent', reason: first, httpCode};
}

/** A failed BigQuery call as the runner and the log see it: kind, job id and what to do next. */
export class BigQueryJobError extends Error {
  override readonly name = 'BigQueryJobError';
  readonly retryKind: ErrorKind;
  readonly reason: string | undefined;
  readonly httpCode: number | undefined;

  constructor(
    readonly jobId: string | undefined,
    readonly detail: string,
    verdict: BigQueryVerdict,
    options?: {cause?: unknown},
  ) {
    const job = jobId ? `BigQuery job ${jobId}` : 'BigQuery request';
    const hint = verdict.reason ? HINTS[verdict.reason] : undefined;
    const why = verdict.reason ?? (verdict.httpCode ? `HTTP ${verdict.httpCode}` : verdict.kind);
    super(`${job} failed (${why}): ${detail}${hint ? ` - ${hint}` : ''}`, options);
    this.retryKind = verdict.kind;
    this.reason = verdict.reason;
    this.httpCode = verdict.httpCode;
  }
}

/** Wraps whatever the client threw into a BigQueryJobError carrying `retryKind`. */
export function toBigQueryJobError(error: unknown, jobId: string | undefined): BigQueryJobError {
  if (error instanceof BigQueryJobError) return error;
  const verdict = classifyBigQueryError(error);
  const api = (error ?? {}) as ApiErrorLike;
  const proto = protosOf(api).find((p) => p.message);
  const detail = firstLine(proto?.message ?? api.message ?? String(error));
  return new BigQueryJobError(jobId, detail, verdict, {cause: error});
}

/** 409 on jobs.insert with our own job id: that job was already submitted (by us, earlier). */
export function isJobAlreadyExists(error: unknown): boolean {
  const api = (error ?? {}) as ApiErrorLike;
  if (Number(api.code) !== 409) return false;
  return protosOf(api).some((p) => p.reason === 'duplicate') || /already exists/i.test(api.message ?? '');
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 400);
}
