// The production warehouse: BigQuery through @google-cloud/bigquery, behind the same Warehouse
// interface as DuckDB, so the runner, the grid and validation do not know which one they talk to.
//
// Writes. A batch is replaced by ONE `MERGE ... ON FALSE` (queries/write.ts): atomic by itself, its
// DELETE arm filtered on the bare game_date column with the batch's range, its INSERT arm taking
// only source rows in the range. That is the form BigQuery documents for pruning partitions of an
// ON FALSE merge (docs "Update partitioned table data using DML"); that it also meets the derived
// tables' require_partition_filter rests on that pruning and on practice, and each job's dry run
// (for its spend cap) is the check that fails before anything is written if it ever did not.
// WRITE_TRUNCATE to `table$YYYYMMDD` was the alternative for single-date batches; it is not used:
// it needs one job per date, cannot carry the lineage columns through the same reviewed
// statement, and saves nothing on the quotas that bind here. Quota effect of the MERGE: it is a
// mutating DML statement; BigQuery runs at most 2 of those per table at once and queues up to 20
// more (a queued interactive one fails after 7 hours), so this adapter keeps at most 2 per table in
// flight and holds the rest in-process, where pause and cancel can still reach them. DML does not
// count toward the 30,000 partition modifications per table per day; it does count toward the 25
// DML statements per table per 10 s (2 MERGEs in flight stay under it unless each takes less than
// 0.8 s) and the 50 partitioned-table update operations per 10 s; a rate error is
// rateLimitExceeded, retried with backoff. docs/PRODUCTION.md has the figures and their sources.
//
// Spend. Every job carries maximumBytesBilled (bigquery-spend.ts) and a priority (INTERACTIVE by
// default); its statistics come back with the result (WriteResult.statistics, onStatistics).
import type {DerivedTable, Dataset, Table} from '../catalog/types.js';
import type {DateRange, IsoDate} from '../dates.js';
import {UsageError} from '../errors.js';
import {bigquery, withDatasets, type Dialect} from '../queries/dialect.js';
import {deleteRangeStatement, replaceRangeStatements} from '../queries/write.js';
import {requireCredentials} from './bigquery-auth.js';
import type {BigQueryClient, JobPriority} from './bigquery-client.js';
import {BIGQUERY_RETRY, toBigQueryJobError} from './bigquery-errors.js';
import {checkDatasetNames, checkProjectId} from './identifiers.js';
import {bigqueryIdentity} from './ref.js';
import {partitionCoverageStatement, partitionDate} from './bigquery-partitions.js';
import {JobRunner, type JobIds} from './bigquery-run.js';
import {Slots} from './bigquery-signals.js';
import {spendPolicy} from './bigquery-spend.js';
import {explainStrayRows} from './stray-rows.js';
import {rangeParams, timestampParam, type Companion, type Params, type QueryOptions, type Row, type Warehouse, type WriteOptions, type WriteResult} from './types.js';

export type {BigQueryClient, BigQueryJobHandle, JobPriority, QueryJobRequest} from './bigquery-client.js';

// ------------------------------------------------------------ the adapter

export interface BigQueryWarehouseOptions {
  readonly project: string;
  readonly location?: string;
  /** Real dataset names for the catalog's datasets (config.datasets). */
  readonly datasets?: Partial<Record<Dataset, string>>;
  /** Mutating DML statements in flight per table: BigQuery runs 2 at once and queues the rest. */
  readonly dmlPerTable?: number;
  /** configuration.query.priority of every job (default INTERACTIVE). */
  readonly priority?: JobPriority;
  /** maximumBytesBilled = the job's dry-run estimate × this (default 1.5), never below BigQuery's billing minimum. */
  readonly bytesMargin?: number;
  /** A fixed maximumBytesBilled for every job instead (--max-bytes-per-job); no dry run before each job then. */
  readonly maxBytesPerJob?: number;
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

type DmlField = 'insertedRowCount' | 'deletedRowCount';

/** statistics.startTime (milliseconds since the epoch, as text) as ISO time. */
function jobStartTime(metadata: unknown): string | null {
  const ms = Number((metadata as {statistics?: {startTime?: string}})?.statistics?.startTime);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null;
}

function dmlCount(metadata: unknown, field: DmlField): number {
  const stats = (metadata as {statistics?: {query?: {dmlStats?: Record<string, string>; numDmlAffectedRows?: string}}})?.statistics?.query;
  return Number(stats?.dmlStats?.[field] ?? stats?.numDmlAffectedRows ?? 0);
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
  private readonly jobs: JobRunner;
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
    this.jobs = new JobRunner(client, {location: options.location, priority: options.priority ?? 'INTERACTIVE', spend: spendPolicy(options)});
    // The identity of the warehouse (lock, socket, resume state): the project, whatever the location
    // option says, so two commands on one project always see each other.
    this.description = bigqueryIdentity(options.project);
  }

  /** The real name of a catalog dataset. */
  datasetName(dataset: Dataset): string {
    return this.datasets[dataset] ?? dataset;
  }

  async query(sql: string, params: Params = {}, options: QueryOptions = {}): Promise<Row[]> {
    const done = await this.run(sql, params, options, 'query', 'fresh');
    if (options.onStatistics) options.onStatistics((await this.jobs.statistics(done.job, done.jobId, done.cap)).statistics);
    return done.rows;
  }

  async replaceRange(table: DerivedTable, select: string, params: Params, options: WriteOptions = {}): Promise<WriteResult> {
    const [merge] = replaceRangeStatements(this.dialect, table, select, options.lineage);
    try {
      // The cap's dry run happens before the write slot is taken: it is no DML and may take a while.
      const cap = await this.jobs.cap(merge, params, options);
      return await this.withWriteSlot(table, options.signal, async () => {
        const companions: Record<string, Row[]> = {};
        await this.runCompanions(options.before, params, options, companions);
        const done = await this.run(merge, params, options, 'replace', 'deterministic', cap);
        const {metadata, statistics} = await this.jobs.statistics(done.job, done.jobId, done.cap);
        // BigQuery's own clock: the MERGE's start, when the rows it replaced were last current.
        const replacedAt = jobStartTime(metadata) ?? new Date().toISOString();
        await this.runCompanions(options.after, {...params, replaced_at: timestampParam(replacedAt)}, options, companions);
        return {rowsWritten: dmlCount(metadata, 'insertedRowCount'), statistics, replacedAt, companions};
      });
    } catch (error) {
      // The MERGE is atomic: a failed one wrote nothing. A guard's verdict becomes one line.
      throw await explainStrayRows(this, table, select, params, options, error);
    }
  }

  /** Each companion as its own job, in order, under the batch's job identity (a resubmission reuses it). */
  private async runCompanions(list: readonly Companion[] | undefined, shared: Params, options: QueryOptions, into: Record<string, Row[]>): Promise<void> {
    for (const c of list ?? []) {
      const job = options.job ? {...options.job, step: `${options.job.step}_${c.name}`} : undefined;
      into[c.name] = (await this.run(c.sql, {...shared, ...c.params}, {...options, ...(job ? {job} : {})}, 'companion', 'deterministic')).rows;
    }
  }

  async deleteRange(table: DerivedTable, params: Params, options: QueryOptions = {}): Promise<number> {
    const sql = deleteRangeStatement(this.dialect, table);
    const cap = await this.jobs.cap(sql, params, options);
    return this.withWriteSlot(table, options.signal, async () => {
      const done = await this.run(sql, params, options, 'delete', 'deterministic', cap);
      return dmlCount((await this.jobs.statistics(done.job, done.jobId, done.cap)).metadata, 'deletedRowCount');
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
    const [listed] = await this.jobs.call(() => this.client.getDatasets());
    const existing = new Set(listed.map((d) => d.id));
    const present = new Set<string>();
    for (const dataset of wanted.filter((name) => existing.has(name))) {
      const [found] = await this.jobs.call(() => this.client.dataset(dataset).getTables());
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
    const params = rangeParams(range.start, range.end);
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
    return {bytes: await this.jobs.estimate(sql, params, options.job, 'dry_run')};
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private run(sql: string, params: Params, options: QueryOptions, purpose: string, ids: JobIds, cap?: Parameters<JobRunner['run']>[5]) {
    if (this.closed) throw new Error('the warehouse is closed');
    return this.jobs.run(sql, params, options, purpose, ids, cap);
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
  /** Passed to the adapter as they are (see BigQueryWarehouseOptions). */
  readonly priority?: JobPriority;
  readonly bytesMargin?: number;
  readonly maxBytesPerJob?: number;
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
    ...(options.priority ? {priority: options.priority} : {}),
    ...(options.bytesMargin !== undefined ? {bytesMargin: options.bytesMargin} : {}),
    ...(options.maxBytesPerJob !== undefined ? {maxBytesPerJob: options.maxBytesPerJob} : {}),
  });
}
