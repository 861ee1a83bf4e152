// What a BigQuery job may spend, and what it did spend. Every query job carries
// maximumBytesBilled: by default its own dry-run estimate times a margin (BigQuery stops a job that
// would bill more, without charging for it), or a fixed cap per job when one is configured
// (--max-bytes-per-job). Afterwards its statistics (bytes processed and billed, slot-ms, job id)
// are read from the job for the caller. A job the cap stopped fails as one permanent line with
// the cap, the estimate and how to raise it.
import {UsageError} from '../errors.js';
import {BigQueryJobError, classifyBigQueryError} from './bigquery-errors.js';
import {formatBytes} from './sizes.js';
import type {JobStatistics} from './types.js';

/** Cap = estimate × this, by default: room for the estimate's error without letting a runaway job through. */
export const DEFAULT_BYTES_MARGIN = 1.5;

const MIB = 2 ** 20;
/**
 * On-demand pricing bills at least 10 MB per table a query references (and per query), each
 * table's bytes rounded up to a whole MB: a cap below that would stop jobs whose estimate is 0.
 */
export const MIN_BILLED_PER_TABLE = 10 * MIB;

export interface SpendPolicy {
  /** Multiplier of the dry-run estimate (≥ 1). */
  readonly margin: number;
  /** A fixed maximumBytesBilled for every job instead of the estimate-based one. */
  readonly fixedCap: number | null;
}

export function spendPolicy(options: {readonly bytesMargin?: number; readonly maxBytesPerJob?: number}): SpendPolicy {
  const margin = options.bytesMargin ?? DEFAULT_BYTES_MARGIN;
  if (!Number.isFinite(margin) || margin < 1) throw new UsageError(`the bytes margin must be a number of at least 1 (the cap is the dry-run estimate times it), got ${margin}`);
  const fixed = options.maxBytesPerJob ?? null;
  if (fixed !== null && (!Number.isSafeInteger(fixed) || fixed < 1)) throw new UsageError(`--max-bytes-per-job must be a positive number of bytes, got ${fixed}`);
  return {margin, fixedCap: fixed};
}

export interface JobCap {
  /** maximumBytesBilled. */
  readonly bytes: number;
  /** The dry-run estimate it came from; null for a fixed cap (estimated only if the cap stops the job). */
  readonly estimate: number | null;
  /** fixed: --max-bytes-per-job; estimate: estimate × margin; minimum: BigQuery's billing minimum, above the estimate × margin. */
  readonly origin: 'fixed' | 'estimate' | 'minimum';
  readonly margin: number | null;
}

/** Tables (and views) a BigQuery statement names: backticked dotted names. */
export function referencedTables(sql: string): number {
  return new Set(sql.match(/`[^`\s]+\.[^`\s]+`/g) ?? []).size;
}

export function capFromEstimate(estimate: number, sql: string, margin: number): JobCap {
  const floor = MIN_BILLED_PER_TABLE * Math.max(1, referencedTables(sql));
  const scaled = Math.ceil(estimate * margin);
  return scaled >= floor ? {bytes: scaled, estimate, origin: 'estimate', margin} : {bytes: floor, estimate, origin: 'minimum', margin};
}

export function fixedCap(bytes: number): JobCap {
  return {bytes, estimate: null, origin: 'fixed', margin: null};
}

interface JobMetadata {
  readonly jobReference?: {readonly jobId?: string};
  readonly statistics?: {
    readonly totalBytesProcessed?: string;
    readonly totalSlotMs?: string;
    readonly query?: {readonly totalBytesProcessed?: string; readonly totalBytesBilled?: string; readonly totalSlotMs?: string};
  };
}

function count(value: string | undefined): number | null {
  return value === undefined || value === null || value === '' || !Number.isFinite(Number(value)) ? null : Number(value);
}

/** The job's statistics (jobs.get) as the Warehouse boundary hands them out. */
export function statisticsFrom(metadata: unknown, jobId: string | undefined, cap: JobCap | null): JobStatistics {
  const m = (metadata ?? {}) as JobMetadata;
  const query = m.statistics?.query;
  return {
    jobId: m.jobReference?.jobId ?? jobId ?? null,
    bytesProcessed: count(query?.totalBytesProcessed ?? m.statistics?.totalBytesProcessed),
    bytesBilled: count(query?.totalBytesBilled),
    slotMs: count(query?.totalSlotMs ?? m.statistics?.totalSlotMs),
    estimatedBytes: cap?.estimate ?? null,
    bytesCap: cap?.bytes ?? null,
  };
}

export function isCapExceeded(error: unknown): boolean {
  return classifyBigQueryError(error).reason === 'bytesBilledLimitExceeded';
}

/** "Query exceeded limit for bytes billed: 15728640. 20971520 or higher required." → 20971520 */
export function requiredBytes(error: unknown): number | null {
  const texts = [(error as {message?: string})?.message ?? '', ...(((error as {errors?: {message?: string}[]})?.errors ?? []).map((e) => e.message ?? ''))];
  for (const text of texts) {
    const match = /(\d+) or higher required/.exec(text);
    if (match) return Number(match[1]);
  }
  return null;
}

/** The one line for a job its cap stopped: the cap, where it came from, the estimate, what BigQuery wanted. */
export function capExceededError(jobId: string | undefined, cap: JobCap, estimate: number | null, error: unknown): BigQueryJobError {
  const origin =
    cap.origin === 'fixed' ? '--max-bytes-per-job'
    : cap.origin === 'minimum' ? "BigQuery's 10 MB-per-table billing minimum"
    : `${cap.margin} × the dry-run estimate`;
  const estimated = estimate === null ? 'no dry-run estimate' : `dry-run estimate ${formatBytes(estimate)}`;
  const required = requiredBytes(error);
  const detail =
    `stopped by its cap of ${formatBytes(cap.bytes)} (maximumBytesBilled, from ${origin}; ${estimated})` +
    (required === null ? '' : `; BigQuery would bill at least ${formatBytes(required)}`) +
    '; nothing was billed or written';
  return new BigQueryJobError(jobId, detail, classifyBigQueryError(error), {cause: error});
}
