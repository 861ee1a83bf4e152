// The production warehouse: BigQuery through @google-cloud/bigquery, behind the same Warehouse
// interface as DuckDB, so the runner, the grid and validation do not know which one they talk to.
//
// Writes. A batch is replaced by ONE `MERGE ... ON FALSE` (queries/write.ts): atomic by itself, its
// DELETE arm filtered on the batch's game_date range so that only the batch's partitions are
// touched (which also satisfies require_partition_filter). WRITE_TRUNCATE to `table$YYYYMMDD` was
// the alternative for single-date batches; it is not used: it needs one job per date, cannot carry
// the lineage columns through the same reviewed statement, and saves nothing on the quotas that
// bind here. Quota effect of the MERGE: it is a mutating DML statement, and BigQuery runs at most
// 2 of those per table at once (up to 20 more wait in its queue), so this adapter keeps at most 2
// per table in flight and holds the rest in-process, where pause and cancel can still reach them;
// each MERGE modifies one partition per game date of the batch, counted against the 30,000
// partition modifications per table per day (a pass over ~700 game dates stays far below) and
// the 50 partition updates per table per 10 s (2 MERGEs of n dates each stay below it as long as
// each takes longer than 0.4·n s; faster ones get rateLimitExceeded, which is retried with backoff).
import type {DerivedTable, Dataset, Table} from '../catalog/types.js';
import type {DateRange, IsoDate} from '../dates.js';
import {UsageError} from '../errors.js';
import {bigquery, withDatasets, type Dialect} from '../queries/dialect.js';
import {deleteRangeStatement, replaceRangeStatements} from '../queries/write.js';
import {requireCredentials} from './bigquery-auth.js';
import {checkDatasetNames, checkProjectId} from './identifiers.js';
import {bigqueryIdentity} from './ref.js';
import {BIGQUERY_RETRY, isJobAlreadyExists, toBigQueryJobError} from './bigquery-errors.js';
import {freshJobId, jobIdFor, labelsFor, toQueryParameters, type QueryParameter} from './bigquery-jobs.js';
import {partitionCoverageStatement, partitionDate} from './bigquery-partitions.js';
import {toRow} from './bigquery-rows.js';
import {Slots, abortReason, untilAborted} from './bigquery-signals.js';
import {dateParam, type JobIdentity, type Params, type QueryOptions, type Row, type Warehouse, type WriteResult} from './types.js';

// ------------------------------------------------------------ the client boundary
// The few methods of @google-cloud/bigquery's BigQuery and Job this adapter calls. The real client
// satisfies them (openBigQuery assigns one); tests pass a fake that records every request.

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

// ------------------------------------------------------------ the adapter

export interface BigQueryWarehouseOptions {
  readonly project: string;
  readonly location?: string;
  /** Real dataset names for the catalog's datasets (config.datasets). */
  readonly datasets?: Partial<Record<Dataset, string>>;
  /** Mutating DML statements in flight per table: BigQuery runs 2 at once and queues the rest. */
  readonly dmlPerTable?: number;
}

/** What `init` would create. */
export interface MissingObjects {
  /** Real dataset names. */
  readonly datasets: readonly string[];
  readonly tables: readonly Table[];
}

export interface DryRunResult {
  /** Bytes the statement would process (what on-demand pricing bills). */
  readonly bytes: number;
}

export class BigQueryWarehouse implements Warehouse {
  readonly engine = 'bigquery' as const;
  readonly retryDelays = BIGQUERY_RETRY;
  readonly dialect: Dialect;
  readonly description: string;
  private readonly project: string;
  private readonly location: string | undefined;
  private readonly datasets: Partial<Record<Dataset, string>>;
  private readonly writeSlots = new Map<string, Slots>();
  private readonly dmlPerTable: number;
  private closed = false;

  constructor(
    private readonly client: BigQueryClient,
    options: BigQueryWarehouseOptions,
  ) {
    this.project = options.project;
    this.location = options.location;
    this.datasets = options.datasets ?? {};
    this.dmlPerTable = options.dmlPerTable ?? 2;
    this.dialect = withDatasets(bigquery(options.project), this.datasets);
    // The identity of the warehouse (lock, socket, resume state): the project, whatever the location
    // option says, so two commands on one project always see each other.
    this.description = bigqueryIdentity(options.project);
  }

  /** The real name of a catalog dataset. */
  datasetName(dataset: Dataset): string {
    return this.datasets[dataset] ?? dataset;
  }

  async query(sql: string, params: Params = {}, options: QueryOptions = {}): Promise<Row[]> {
    return (await this.run(sql, params, options, 'query', 'fresh')).rows;
  }

  async replaceRange(table: DerivedTable, select: string, params: Params, options: QueryOptions = {}): Promise<WriteResult> {
    const [merge] = replaceRangeStatements(this.dialect, table, select);
    return this.withWriteSlot(table, options.signal, async () => {
      const {job, jobId} = await this.run(merge, params, options, 'replace', 'deterministic');
      return {rowsWritten: await this.dmlCount(job, jobId, 'insertedRowCount')};
    });
  }

  async deleteRange(table: DerivedTable, params: Params, options: QueryOptions = {}): Promise<number> {
    const sql = deleteRangeStatement(this.dialect, table);
    return this.withWriteSlot(table, options.signal, async () => {
      const {job, jobId} = await this.run(sql, params, options, 'delete', 'deterministic');
      return this.dmlCount(job, jobId, 'deletedRowCount');
    });
  }

  /** Datasets (in the configured location) and tables (the catalog's DDL) that do not exist yet. */
  async ensureTables(tables: readonly Table[]): Promise<void> {
    const missing = await this.missingObjects(tables);
    for (const dataset of missing.datasets) {
      try {
        await this.client.createDataset(dataset, this.location ? {location: this.location} : {});
      } catch (error) {
        // Another process created it in between: that is what we wanted.
        if (Number((error as {code?: unknown}).code) !== 409) throw toBigQueryJobError(error, undefined);
      }
    }
    for (const table of missing.tables) await this.run(this.dialect.createTable(table), {}, {}, 'ddl', 'fresh');
  }

  /** One datasets.list, then one tables.list per existing dataset the tables live in. */
  async missingObjects(tables: readonly Table[]): Promise<MissingObjects> {
    const wanted = [...new Set(tables.map((t) => this.datasetName(t.dataset)))];
    const [listed] = await this.call(() => this.client.getDatasets());
    const existing = new Set(listed.map((d) => d.id));
    const present = new Set<string>();
    for (const dataset of wanted.filter((name) => existing.has(name))) {
      const [found] = await this.call(() => this.client.dataset(dataset).getTables());
      for (const table of found) present.add(`${dataset}.${table.id}`);
    }
    return {
      datasets: wanted.filter((name) => !existing.has(name)),
      tables: tables.filter((t) => !present.has(`${this.datasetName(t.dataset)}.${t.name}`)),
    };
  }

  /** Covered dates from INFORMATION_SCHEMA.PARTITIONS: one metadata query per dataset. */
  async coveredDates(tables: readonly DerivedTable[], range: DateRange): Promise<Map<string, Set<IsoDate>>> {
    const covered = new Map<string, Set<IsoDate>>(tables.map((t) => [t.name, new Set<IsoDate>()]));
    const byDataset = new Map<string, DerivedTable[]>();
    for (const table of tables) {
      const name = this.datasetName(table.dataset);
      byDataset.set(name, [...(byDataset.get(name) ?? []), table]);
    }
    const params = {start_date: dateParam(range.start), end_date: dateParam(range.end)};
    await Promise.all(
      [...byDataset].map(async ([dataset, members]) => {
        const sql = partitionCoverageStatement(this.dialect, this.project, dataset, members);
        for (const row of (await this.run(sql, params, {}, 'coverage', 'fresh')).rows) {
          const date = partitionDate(String(row.partition_id));
          if (date) covered.get(String(row.table_name))?.add(date);
        }
      }),
    );
    return covered;
  }

  /** A dry-run job: validates the statement and says how many bytes it would process. */
  async dryRun(sql: string, params: Params = {}, options: QueryOptions = {}): Promise<DryRunResult> {
    // No job id: dry runs create no job, and reusing a real job's id would collide with it.
    const request: QueryJobRequest = {...this.request(sql, params, options.job, 'dry_run'), dryRun: true};
    const [job, response] = await this.call(() => this.client.createQueryJob(request));
    const statistics = ((response ?? job.metadata) as {statistics?: {totalBytesProcessed?: string; query?: {totalBytesProcessed?: string}}} | undefined)
      ?.statistics;
    return {bytes: Number(statistics?.totalBytesProcessed ?? statistics?.query?.totalBytesProcessed ?? 0)};
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---------------------------------------------------------- jobs

  private request(sql: string, params: Params, identity: JobIdentity | undefined, purpose: string): QueryJobRequest {
    const queryParameters = toQueryParameters(sql, params);
    return {
      query: sql,
      useLegacySql: false,
      ...(queryParameters.length ? {parameterMode: 'NAMED' as const, queryParameters} : {}),
      labels: labelsFor(identity, purpose),
      ...(this.location ? {location: this.location} : {}),
    };
  }

  /**
   * Submits the statement as a job, waits for it, cancels it when the signal aborts.
   * Writes get the deterministic job id of their identity, so that a resubmission finds the job
   * instead of writing twice. Reads get a fresh id every time (prefixed by the identity, when
   * there is one): an old job of the same id would answer with stale rows.
   */
  private async run(sql: string, params: Params, options: QueryOptions, purpose: string, ids: 'deterministic' | 'fresh') {
    if (this.closed) throw new Error('the warehouse is closed');
    const signal = options.signal;
    signal?.throwIfAborted();
    const jobId = !options.job ? undefined : ids === 'deterministic' ? jobIdFor(options.job, sql, params) : freshJobId(options.job);
    const request = this.request(sql, params, options.job, purpose);
    if (jobId) request.jobId = jobId;
    const job = await this.submit(request);
    const id = jobId ?? job.id;
    const cancel = () => void job.cancel().catch(() => undefined);
    if (signal?.aborted) {
      cancel();
      throw abortReason(signal);
    }
    signal?.addEventListener('abort', cancel, {once: true});
    try {
      const [rows] = await untilAborted(job.getQueryResults(), signal);
      return {rows: rows.map(toRow), job, jobId: id};
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      throw toBigQueryJobError(error, id);
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /** jobs.insert; "already exists" for our own job id means an earlier submission got through: use that job. */
  private async submit(request: QueryJobRequest): Promise<BigQueryJobHandle> {
    try {
      const [job] = await this.client.createQueryJob(request);
      return job;
    } catch (error) {
      if (request.jobId && isJobAlreadyExists(error)) {
        return this.client.job(request.jobId, this.location ? {location: this.location} : undefined);
      }
      throw toBigQueryJobError(error, request.jobId);
    }
  }

  private async dmlCount(job: BigQueryJobHandle, jobId: string | undefined, field: 'insertedRowCount' | 'deletedRowCount'): Promise<number> {
    const [metadata] = await this.call(() => job.getMetadata(), jobId);
    const stats = (metadata as {statistics?: {query?: {dmlStats?: Record<string, string>; numDmlAffectedRows?: string}}})?.statistics?.query;
    return Number(stats?.dmlStats?.[field] ?? stats?.numDmlAffectedRows ?? 0);
  }

  private async call<T>(fn: () => Promise<T>, jobId?: string): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toBigQueryJobError(error, jobId);
    }
  }

  private async withWriteSlot<T>(table: DerivedTable, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    const key = `${table.dataset}.${table.name}`;
    let slots = this.writeSlots.get(key);
    if (!slots) this.writeSlots.set(key, (slots = new Slots(this.dmlPerTable)));
    const release = await slots.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

// ------------------------------------------------------------ opening

export interface BigQueryOptions {
  readonly project: string | undefined;
  readonly location: string | undefined;
  readonly datasets?: Partial<Record<string, string>>;
  readonly env: NodeJS.ProcessEnv;
}

/** Checks the configuration and credentials (offline), then builds the client on ADC. */
export async function openBigQuery(options: BigQueryOptions): Promise<BigQueryWarehouse> {
  const project = options.project ?? options.env.GOOGLE_CLOUD_PROJECT;
  if (!project) throw new UsageError('the BigQuery target needs a project: pass --project ID or set "project" in the config file');
  // Identifiers are spliced into SQL (they cannot be parameters): accept only what BigQuery allows.
  checkProjectId(project);
  const datasets = checkDatasetNames(options.datasets ?? {});
  requireCredentials(options.env);
  const {BigQuery} = await import('@google-cloud/bigquery');
  const client: BigQueryClient = new BigQuery({projectId: project, ...(options.location ? {location: options.location} : {})});
  return new BigQueryWarehouse(client, {
    project,
    location: options.location,
    datasets,
  });
}
