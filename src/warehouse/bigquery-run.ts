// One statement as one BigQuery job: the request (typed parameters, labels, job id, location,
// priority, spend cap), its submission (a 409 for our own job id reuses that job), the wait (the job
// is cancelled when the signal aborts), its statistics, and the error the runner and the log see:
// a data guard's verdict, a job its cap stopped, or BigQuery's own failure with the job id.
import {dataGuardError} from '../queries/guards.js';
import type {BigQueryClient, BigQueryJobHandle, JobPriority, QueryJobRequest} from './bigquery-client.js';
import {isJobAlreadyExists, toBigQueryJobError} from './bigquery-errors.js';
import {freshJobId, jobIdFor, labelsFor, toQueryParameters} from './bigquery-jobs.js';
import {toRow} from './bigquery-rows.js';
import {abortReason, untilAborted} from './bigquery-signals.js';
import {capExceededError, capFromEstimate, fixedCap, isCapExceeded, statisticsFrom, type JobCap, type SpendPolicy} from './bigquery-spend.js';
import type {JobIdentity, JobStatistics, Params, QueryOptions, Row} from './types.js';

export interface JobRunnerOptions {
  readonly location: string | undefined;
  readonly priority: JobPriority;
  readonly spend: SpendPolicy;
}

export interface FinishedJob {
  readonly rows: Row[];
  readonly job: BigQueryJobHandle;
  readonly jobId: string | undefined;
  readonly cap: JobCap;
}

/**
 * Writes get the deterministic job id of their identity, so that a resubmission finds the job
 * instead of writing twice. Reads get a fresh id every time (prefixed by the identity, when there
 * is one): an old job of the same id would answer with stale rows.
 */
export type JobIds = 'deterministic' | 'fresh';

interface DryRunStatistics {
  readonly statistics?: {readonly totalBytesProcessed?: string; readonly query?: {readonly totalBytesProcessed?: string}};
}

export class JobRunner {
  constructor(
    private readonly client: BigQueryClient,
    private readonly options: JobRunnerOptions,
  ) {}

  request(sql: string, params: Params, identity: JobIdentity | undefined, purpose: string): QueryJobRequest {
    const queryParameters = toQueryParameters(sql, params);
    return {
      query: sql,
      useLegacySql: false,
      ...(queryParameters.length ? {parameterMode: 'NAMED' as const, queryParameters} : {}),
      labels: labelsFor(identity, purpose),
      priority: this.options.priority,
      ...(this.options.location ? {location: this.options.location} : {}),
    };
  }

  /** Bytes the statement would process, from a dry-run job (free; nothing runs; it fails as the job would). */
  async estimate(sql: string, params: Params, identity: JobIdentity | undefined, purpose: string): Promise<number> {
    // No job id: dry runs create no job, and reusing a real job's id would collide with it.
    const request: QueryJobRequest = {...this.request(sql, params, identity, purpose), dryRun: true};
    const [job, response] = await this.call(() => this.client.createQueryJob(request));
    const statistics = ((response ?? job.metadata) as DryRunStatistics | undefined)?.statistics;
    return Number(statistics?.totalBytesProcessed ?? statistics?.query?.totalBytesProcessed ?? 0);
  }

  /** maximumBytesBilled for the statement: the fixed cap, or its own estimate × the margin (above BigQuery's minimum). */
  async cap(sql: string, params: Params, options: QueryOptions): Promise<JobCap> {
    const {fixedCap: fixed, margin} = this.options.spend;
    if (fixed !== null) return fixedCap(fixed);
    options.signal?.throwIfAborted();
    return capFromEstimate(await this.estimate(sql, params, options.job, 'estimate'), sql, margin);
  }

  /** Submits the statement as a job under its cap, waits for it, cancels it when the signal aborts. */
  async run(sql: string, params: Params, options: QueryOptions, purpose: string, ids: JobIds, cap?: JobCap): Promise<FinishedJob> {
    const signal = options.signal;
    signal?.throwIfAborted();
    const limit = cap ?? (await this.cap(sql, params, options));
    signal?.throwIfAborted();
    const jobId = !options.job ? undefined : ids === 'deterministic' ? jobIdFor(options.job, sql, params) : freshJobId(options.job);
    const request = {...this.request(sql, params, options.job, purpose), maximumBytesBilled: String(limit.bytes)};
    if (jobId) request.jobId = jobId;
    let job: BigQueryJobHandle;
    try {
      job = await this.submit(request);
    } catch (error) {
      throw await this.failure(error, jobId, limit, sql, params, options);
    }
    const id = jobId ?? job.id;
    const cancel = () => void job.cancel().catch(() => undefined);
    if (signal?.aborted) {
      cancel();
      throw abortReason(signal);
    }
    signal?.addEventListener('abort', cancel, {once: true});
    try {
      const [rows] = await untilAborted(job.getQueryResults(), signal);
      return {rows: rows.map(toRow), job, jobId: id, cap: limit};
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw await this.failure(error, id, limit, sql, params, options);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** The job's statistics (one jobs.get) and its raw metadata (DML counts live there too). */
  async statistics(job: BigQueryJobHandle, jobId: string | undefined, cap: JobCap | null): Promise<{metadata: unknown; statistics: JobStatistics}> {
    const [metadata] = await this.call(() => job.getMetadata(), jobId);
    return {metadata, statistics: statisticsFrom(metadata, jobId, cap)};
  }

  async call<T>(fn: () => Promise<T>, jobId?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toBigQueryJobError(error, jobId);
    }
  }

  /** jobs.insert; "already exists" for our own job id means an earlier submission got through: use that job. */
  private async submit(request: QueryJobRequest): Promise<BigQueryJobHandle> {
    try {
      const [job] = await this.client.createQueryJob(request);
      return job;
    } catch (error) {
      if (request.jobId && isJobAlreadyExists(error)) {
        return this.client.job(request.jobId, this.options.location ? {location: this.options.location} : undefined);
      }
      throw error;
    }
  }

  private async failure(error: unknown, jobId: string | undefined, cap: JobCap, sql: string, params: Params, options: QueryOptions): Promise<Error> {
    const guard = dataGuardError(error);
    if (guard) return guard;
    if (isCapExceeded(error)) {
      // A fixed cap ran without an estimate: dry-run now (free) so that the line can say both.
      const estimate = cap.estimate ?? (await this.estimate(sql, params, options.job, 'estimate').catch(() => null));
      return capExceededError(jobId, cap, estimate, error);
    }
    return toBigQueryJobError(error, jobId);
  }
}
