// The few methods of @google-cloud/bigquery's BigQuery and Job the adapter calls. The real client
// satisfies them (openBigQuery assigns one); tests pass a fake that records every request, or the
// real client with its HTTP layer answered locally.
import type {QueryParameter} from './bigquery-jobs.js';

/** Job priority (configuration.query.priority): BATCH waits for idle slots in its own queue. */
export type JobPriority = 'INTERACTIVE' | 'BATCH';

/** configuration.query of a jobs.insert, plus the job reference fields the client lifts out of it. */
export interface QueryJobRequest {
  query: string;
  useLegacySql: false;
  parameterMode?: 'NAMED';
  queryParameters?: QueryParameter[];
  labels: Record<string, string>;
  jobId?: string;
  location?: string;
  dryRun?: boolean;
  /** int64 as a decimal string, as the REST API takes it; absent on dry runs. */
  maximumBytesBilled?: string;
  priority?: JobPriority;
}

export interface BigQueryJobHandle {
  readonly id?: string;
  /** Set by jobs.insert; for a dry run it holds the statistics. */
  readonly metadata?: unknown;
  /** Waits for the job and reads every page of its result: [rows, ...]. */
  getQueryResults(): Promise<readonly [readonly Record<string, unknown>[], ...unknown[]]>;
  getMetadata(): Promise<readonly [unknown, ...unknown[]]>;
  cancel(): Promise<unknown>;
}

interface Listed {
  readonly id?: string;
}

export interface BigQueryClient {
  createQueryJob(request: QueryJobRequest): Promise<readonly [BigQueryJobHandle, unknown?]>;
  job(id: string, options?: {location?: string}): BigQueryJobHandle;
  getDatasets(): Promise<readonly [readonly Listed[], ...unknown[]]>;
  dataset(id: string): {getTables(): Promise<readonly [readonly Listed[], ...unknown[]]>};
  createDataset(id: string, options?: {location?: string}): Promise<unknown>;
}
