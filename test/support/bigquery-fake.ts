// A fake of the @google-cloud/bigquery surface the adapter calls (BigQuery.createQueryJob, job,
// getDatasets, dataset().getTables, createDataset; Job.getQueryResults, getMetadata, cancel).
// It records every request (jobs in `requests`, dry runs in `dryRuns`: every job is preceded by the
// dry run its spend cap comes from) and behaves like the service where the adapter depends on it:
// a job id can be used once (409 duplicate after that), failed jobs fail their getQueryResults, a
// running job ends when cancelled. Errors are the client library's own ApiError built from the fixtures.
import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {common} from '@google-cloud/bigquery';
import type {BigQueryClient, BigQueryJobHandle, QueryJobRequest} from '../../src/warehouse/bigquery.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'bigquery-errors');

export interface ErrorFixture {
  readonly source: string;
  readonly kind: 'http' | 'job';
  readonly payload: Record<string, any>;
}

export function errorFixture(name: string): ErrorFixture {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
}

export function errorFixtureNames(): string[] {
  return readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
}

/**
 * What the client library rejects with for this payload: an HTTP error body becomes
 * ApiError(body.error) (@google-cloud/common parseHttpRespBody), a job whose status has errors
 * becomes ApiError({errors: status.errors, response: job}) (BigQuery.createJob).
 */
export function apiErrorFrom(fixture: ErrorFixture): Error {
  if (fixture.kind === 'http') return new common.util.ApiError({...fixture.payload.error, response: {body: fixture.payload}});
  // The library builds this one without a code (its typings require one, its JS does not).
  return new common.util.ApiError({errors: fixture.payload.status.errors, response: fixture.payload} as any);
}

export interface JobScript {
  rows?: Record<string, unknown>[];
  /** The job fails: getQueryResults rejects with this. */
  error?: Error;
  /** The job stays running until cancelled. */
  hang?: boolean;
  dmlStats?: {insertedRowCount?: string; deletedRowCount?: string};
  /** The dry run's estimate (and the job's bytes processed unless `statistics` says otherwise). */
  totalBytesProcessed?: string;
  /** What jobs.get reports for the finished job. */
  statistics?: {totalBytesBilled?: string; totalSlotMs?: string; totalBytesProcessed?: string};
  /** statistics.startTime: milliseconds since the epoch, as BigQuery writes it. */
  startTime?: string;
}

export class FakeJob implements BigQueryJobHandle {
  cancels = 0;
  metadata: unknown;
  private stop: (() => void) | undefined;

  constructor(
    readonly id: string,
    private readonly script: JobScript,
  ) {
    this.metadata = {jobReference: {jobId: id}, status: {state: 'RUNNING'}};
  }

  async getQueryResults(): Promise<[Record<string, unknown>[]]> {
    if (this.script.hang) {
      await new Promise<void>((resolve) => (this.stop = resolve));
      throw new common.util.ApiError({errors: [{reason: 'stopped', message: 'Job execution was cancelled: User requested cancellation'}]} as any);
    }
    if (this.script.error) throw this.script.error;
    return [this.script.rows ?? []];
  }

  async getMetadata(): Promise<[unknown]> {
    const statistics = this.script.statistics ?? {};
    return [{
      jobReference: {jobId: this.id},
      status: {state: 'DONE'},
      statistics: {
        startTime: this.script.startTime,
        totalSlotMs: statistics.totalSlotMs,
        query: {
          dmlStats: this.script.dmlStats ?? {},
          totalBytesProcessed: statistics.totalBytesProcessed ?? this.script.totalBytesProcessed,
          totalBytesBilled: statistics.totalBytesBilled,
          totalSlotMs: statistics.totalSlotMs,
        },
      },
    }];
  }

  async cancel(): Promise<[unknown]> {
    this.cancels++;
    this.stop?.();
    return [{}];
  }
}

export class FakeBigQuery implements BigQueryClient {
  /** Job requests (no dry runs). */
  readonly requests: QueryJobRequest[] = [];
  /** Dry-run requests: the spend cap's before every job (purpose label `estimate`), and explicit ones. */
  readonly dryRuns: QueryJobRequest[] = [];
  readonly jobs = new Map<string, FakeJob>();
  readonly fetched: string[] = [];
  readonly createdDatasets: {id: string; options: unknown}[] = [];
  /** Datasets that exist, with their tables. */
  readonly datasets = new Map<string, string[]>();
  private counter = 0;

  /** Decides how each submitted job behaves (default: succeeds with no rows). */
  constructor(public script: (request: QueryJobRequest) => JobScript = () => ({})) {}

  async createQueryJob(request: QueryJobRequest): Promise<[FakeJob, unknown]> {
    (request.dryRun ? this.dryRuns : this.requests).push(structuredClone(request));
    await Promise.resolve();
    const script = this.script(request);
    if (request.dryRun) {
      const job = new FakeJob(`dry_${++this.counter}`, script);
      return [job, {statistics: {totalBytesProcessed: script.totalBytesProcessed ?? '0', query: {totalBytesProcessed: script.totalBytesProcessed ?? '0'}}}];
    }
    const id = request.jobId ?? `random_${++this.counter}`;
    if (this.jobs.has(id)) {
      const duplicate = errorFixture('duplicate-job');
      throw apiErrorFrom({...duplicate, payload: JSON.parse(JSON.stringify(duplicate.payload).replaceAll('JOB_ID', id))});
    }
    const job = new FakeJob(id, script);
    this.jobs.set(id, job);
    return [job, job.metadata];
  }

  job(id: string): FakeJob {
    this.fetched.push(id);
    const job = this.jobs.get(id);
    if (!job) throw new Error(`fake: no job ${id}`);
    return job;
  }

  async getDatasets(): Promise<[{id: string}[]]> {
    return [[...this.datasets.keys()].map((id) => ({id}))];
  }

  dataset(id: string) {
    return {
      getTables: async (): Promise<[{id: string}[]]> => [(this.datasets.get(id) ?? []).map((name) => ({id: name}))],
    };
  }

  async createDataset(id: string, options?: {location?: string}): Promise<unknown> {
    this.createdDatasets.push({id, options});
    this.datasets.set(id, []);
    return [{id}];
  }

  /** Parameters of a request as name → {type, value}. */
  static parameters(request: QueryJobRequest): Record<string, {type: string; value: string | undefined}> {
    return Object.fromEntries((request.queryParameters ?? []).map((p) => [p.name, {type: p.parameterType.type, value: p.parameterValue.value}]));
  }
}
