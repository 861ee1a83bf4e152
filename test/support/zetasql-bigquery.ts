// BigQuery without BigQuery, for real results: a BigQueryClient whose jobs are executed by ZetaSQL's
// reference implementation (the GoogleSQL engine ZetaSQL's compliance tests use) over the current
// contents of a DuckDB warehouse. The real BigQueryWarehouse adapter runs on it unchanged (typed
// parameters, caps, rows, errors), so whatever a code path sends to BigQuery is executed as
// GoogleSQL and can be compared with what the same path gives on DuckDB.
//
// Each job's tables are read from DuckDB when the job runs, with only the columns the statement
// names (the 4 MiB gRPC limit), and, when the statement takes an @end_date, only the rows dated on
// or before it: nothing the project sends may read later data (the point-in-time contract of
// queries/processor.ts), so a statement that did would give other rows than DuckDB and fail its
// comparison; and the reference engine's nested-loop joins stay quick. The shot chart, which every
// statement reads within its own range only (phase 3's zones, the raw check), is passed from
// @start_date on, for the same reasons. Contents are read once per table, columns and range until
// `forget()` (call it after changing the DuckDB tables). INFORMATION_SCHEMA.PARTITIONS is derived from the DuckDB tables
// (one partition per game_date with rows; last_modified_time: a derived partition's latest
// processed_at, a source partition's time from a hash of its rows, so that changed rows change it;
// a table without game_date is one NULL partition). A MERGE is not executable here (the modify RPCs take
// INSERT/UPDATE/DELETE only): its source query is, so its guards and its rows are real; nothing is
// written. Failed evaluations fail the job as BigQuery fails one: invalidQuery with the message.
import {common} from '@google-cloud/bigquery';
import {ALL_TABLES, DERIVED_TABLES} from '../../src/catalog/index.js';
import type {Column, Table} from '../../src/catalog/types.js';
import type {BigQueryClient, BigQueryJobHandle, QueryJobRequest} from '../../src/warehouse/bigquery.js';
import {BigQueryWarehouse} from '../../src/warehouse/bigquery.js';
import type {DuckDbWarehouse} from '../../src/warehouse/duckdb.js';
import type {Params, Row, SqlValue} from '../../src/warehouse/types.js';
import {evaluateBigQuery, ZETASQL_PROJECT, type TableContent} from './zetasql.js';

const PARTITIONS = 'INFORMATION_SCHEMA.PARTITIONS';
const PARTITION_COLUMNS: Column[] = [
  {name: 'table_name', type: 'STRING'},
  {name: 'partition_id', type: 'STRING'},
  {name: 'total_rows', type: 'INT64'},
  {name: 'last_modified_time', type: 'TIMESTAMP'},
];

/** A source partition's "last change": a time that moves whenever its rows do. */
const SOURCE_EPOCH_MS = Date.parse('2020-01-01T00:00:00Z');

function paramsOf(request: QueryJobRequest): Params {
  return Object.fromEntries(
    (request.queryParameters ?? []).map((p) => [p.name, {type: p.parameterType.type, value: p.parameterValue.value ?? null}]),
  ) as Params;
}

/** The source query of `MERGE ... USING (<source>) AS source ON FALSE ...`. */
function mergeSource(sql: string): string {
  const start = sql.indexOf('USING (\n');
  const end = sql.lastIndexOf('\n) AS source\nON FALSE');
  if (start < 0 || end < 0) throw new Error('not a range MERGE');
  return sql.slice(start + 'USING (\n'.length, end);
}

function mentions(sql: string, column: string): boolean {
  return new RegExp(`\\b${column}\\b`).test(sql);
}

/** Tables read only within the statement's own [start_date, end_date]. */
const READ_IN_RANGE_ONLY = new Set(['nba_raw.shot_chart']);

export class ZetaSqlBigQuery implements BigQueryClient {
  readonly requests: QueryJobRequest[] = [];
  private readonly cache = new Map<string, Promise<Row[]>>();
  /** Milliseconds spent in ZetaSQL, and evaluations run. */
  evaluatedMs = 0;
  evaluations = 0;

  constructor(private readonly source: DuckDbWarehouse) {}

  async createQueryJob(request: QueryJobRequest): Promise<readonly [BigQueryJobHandle, unknown?]> {
    this.requests.push(request);
    if (request.dryRun) return [new EvaluatedJob(async () => ({rows: [], inserted: 0})), {statistics: {totalBytesProcessed: '0'}}];
    const sql = request.query;
    const evaluate = sql.startsWith('MERGE ')
      ? async () => ({rows: [], inserted: (await this.evaluate(mergeSource(sql), paramsOf(request))).length})
      : async () => ({rows: await this.evaluate(sql, paramsOf(request)), inserted: 0});
    return [new EvaluatedJob(evaluate)];
  }

  job(): BigQueryJobHandle {
    throw new Error('ZetaSqlBigQuery: jobs are never resubmitted here');
  }

  async getDatasets(): Promise<readonly [readonly {id: string}[]]> {
    return [[...new Set(ALL_TABLES.map((t) => t.dataset))].map((id) => ({id}))];
  }

  dataset(id: string) {
    return {getTables: async (): Promise<readonly [readonly {id: string}[]]> => [ALL_TABLES.filter((t) => t.dataset === id).map((t) => ({id: t.name}))]};
  }

  async createDataset(): Promise<unknown> {
    throw new Error('ZetaSqlBigQuery: nothing is created');
  }

  /** Runs `sql` on ZetaSQL with the tables it names, read from DuckDB now. */
  async evaluate(sql: string, params: Params): Promise<Record<string, unknown>[]> {
    const tables = await this.contents(sql, params.start_date?.value ?? null, params.end_date?.value ?? null);
    const started = performance.now();
    try {
      return [...(await evaluateBigQuery(sql, params, tables)).rows];
    } catch (error) {
      const message = (error as Error).message;
      throw new common.util.ApiError({code: 400, message, errors: [{reason: 'invalidQuery', location: 'query', message}]} as never);
    } finally {
      this.evaluatedMs += performance.now() - started;
      this.evaluations++;
    }
  }

  /** Drops the cached table contents: the DuckDB tables changed. */
  forget(): void {
    this.cache.clear();
  }

  private async contents(sql: string, start: SqlValue, end: SqlValue): Promise<TableContent[]> {
    const named = new Set([...sql.matchAll(new RegExp(`\`${ZETASQL_PROJECT}\\.([A-Za-z0-9_]+)\\.([A-Za-z0-9_.]+)\``, 'g'))].map((m) => `${m[1]}.${m[2]}`));
    const out: TableContent[] = [];
    for (const name of named) {
      const [dataset, table] = [name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)];
      const full = `${ZETASQL_PROJECT}.${name}`;
      if (table === PARTITIONS) {
        out.push({name: full, columns: PARTITION_COLUMNS, rows: await this.partitions(dataset)});
        continue;
      }
      const catalog = ALL_TABLES.find((t) => t.dataset === dataset && t.name === table);
      if (!catalog) throw new Error(`ZetaSqlBigQuery: ${full} is not a catalog table`);
      // COUNT(*) of a table whose columns the statement never names still needs one column to carry rows.
      const read = catalog.columns.filter((c) => mentions(sql, c.name));
      const columns = read.length ? read : catalog.columns.slice(0, 1);
      const from = READ_IN_RANGE_ONLY.has(name) ? start : null;
      const key = `${name}|${columns.map((c) => c.name).join(',')}|${from}|${end}`;
      if (!this.cache.has(key)) this.cache.set(key, this.rowsOf(catalog, columns, from, end));
      out.push({name: full, columns, rows: await this.cache.get(key)!});
    }
    return out;
  }

  private rowsOf(table: Table, columns: readonly Column[], from: SqlValue, end: SqlValue): Promise<Row[]> {
    const d = this.source.dialect;
    const list = columns.map((c) => d.ident(c.name)).join(', ');
    if (!table.columns.some((c) => c.name === 'game_date')) return this.source.query(`SELECT ${list} FROM ${d.table(table)}`);
    const lower = from === null ? '' : ' AND game_date >= CAST($from AS DATE)';
    const upper = end === null ? '' : ' AND game_date <= CAST($end AS DATE)';
    return this.source.query(`SELECT ${list} FROM ${d.table(table)} WHERE TRUE${lower}${upper}`, {
      ...(from === null ? {} : {from: {type: 'DATE' as const, value: from}}),
      ...(end === null ? {} : {end: {type: 'DATE' as const, value: end}}),
    });
  }

  /** One row per (table of the dataset, game_date with rows): partition_id 'YYYYMMDD' (NULL for a table without dates). */
  private async partitions(dataset: string): Promise<Row[]> {
    const rows: Row[] = [];
    const d = this.source.dialect;
    for (const table of ALL_TABLES.filter((t) => t.dataset === dataset && t.kind !== 'bookkeeping')) {
      const dated = table.columns.some((c) => c.name === 'game_date');
      const all = table.columns.map((c) => d.ident(c.name)).join(', ');
      const modified = table.kind === 'derived' ? 'max(processed_at)' : `make_timestamp(CAST(${SOURCE_EPOCH_MS * 1000} + (bit_xor(hash(${all})) % 100000000000) * 1000 AS BIGINT))`;
      const counts = await this.source.query(
        `SELECT ${dated ? "strftime(game_date, '%Y%m%d')" : 'NULL'} AS partition_id, COUNT(*) AS total_rows, ${modified} AS last_modified_time FROM ${d.table(table)}${dated ? ' GROUP BY game_date' : ''}`,
      );
      for (const c of counts) rows.push({table_name: table.name, ...c});
    }
    return rows;
  }
}

class EvaluatedJob implements BigQueryJobHandle {
  private result: Promise<{rows: Record<string, unknown>[]; inserted: number}> | undefined;

  constructor(private readonly evaluate: () => Promise<{rows: Record<string, unknown>[]; inserted: number}>) {}

  async getQueryResults(): Promise<readonly [readonly Record<string, unknown>[]]> {
    this.result ??= this.evaluate();
    return [(await this.result).rows];
  }

  async getMetadata(): Promise<readonly [unknown]> {
    const inserted = this.result ? (await this.result).inserted : 0;
    return [{status: {state: 'DONE'}, statistics: {query: {totalBytesProcessed: '0', totalBytesBilled: '0', totalSlotMs: '0', dmlStats: {insertedRowCount: String(inserted)}}}}];
  }

  async cancel(): Promise<unknown> {
    return [{}];
  }
}

/** The real BigQuery adapter, its jobs executed by ZetaSQL over `source`'s current contents. */
export function zetaSqlWarehouse(source: DuckDbWarehouse): {warehouse: BigQueryWarehouse; client: ZetaSqlBigQuery} {
  const client = new ZetaSqlBigQuery(source);
  return {warehouse: new BigQueryWarehouse(client, {project: ZETASQL_PROJECT, location: 'US'}), client};
}
