// BigQuery SQL checked without BigQuery: Google's ZetaSQL analyzer (the GoogleSQL front end) run
// locally from @fivetrandevelopers/zetasql (STACK.md "Checking BigQuery SQL"). It type-checks
// statements against every table of the catalog, so an unknown column, a wrong type, a misused
// function or an undeclared parameter fails, which a syntax-only parser cannot see.
//
// The same server also executes GoogleSQL with ZetaSQL's reference implementation (STACK.md
// "Executing BigQuery SQL"): evaluateBigQuery runs a query on tables passed as content.
//
// Use once per test file:
//   beforeAll(() => startZetaSql(), 120_000); afterAll(() => stopZetaSql());
//   await analyzeBigQuery(sql, BACKFILL_PARAMS)  // resolves, or rejects with ZetaSQL's one-line error
//   await evaluateBigQuery(sql, params, tables)  // the result rows, or rejects with the query's error
import {createServer} from 'node:net';
import {runServer, terminateServer, ZetaSQLClient, type TypeKind} from '@fivetrandevelopers/zetasql';
import type {LanguageOptionsProto} from '@fivetrandevelopers/zetasql/lib/types/zetasql/LanguageOptionsProto.js';
import type {SimpleCatalogProto} from '@fivetrandevelopers/zetasql/lib/types/zetasql/SimpleCatalogProto.js';
import {ALL_TABLES} from '../../src/catalog/tables.js';
import type {Column, ColumnType, Table} from '../../src/catalog/types.js';
import type {Params, Row} from '../../src/warehouse/types.js';
import {fromValueProto, toValueProto, type ValueProto} from './zetasql-values.js';

/** The project the harness's catalog is registered under: build SQL with `bigquery(ZETASQL_PROJECT)`. */
export const ZETASQL_PROJECT = 'p';

export type ParamTypes = Readonly<Record<string, ColumnType>>;

/** The parameters of a processor's statements: the range and the run id. */
export const BACKFILL_PARAMS: ParamTypes = {start_date: 'DATE', end_date: 'DATE', run_id: 'STRING'};

const TYPE_KINDS: Record<ColumnType, TypeKind> = {
  STRING: 'TYPE_STRING',
  INT64: 'TYPE_INT64',
  FLOAT64: 'TYPE_DOUBLE',
  BOOL: 'TYPE_BOOL',
  DATE: 'TYPE_DATE',
  TIMESTAMP: 'TYPE_TIMESTAMP',
};

const STATEMENT_KINDS = [
  'RESOLVED_QUERY_STMT',
  'RESOLVED_MERGE_STMT',
  'RESOLVED_INSERT_STMT',
  'RESOLVED_DELETE_STMT',
  'RESOLVED_UPDATE_STMT',
  'RESOLVED_CREATE_TABLE_STMT',
  'RESOLVED_CREATE_TABLE_AS_SELECT_STMT',
  'RESOLVED_CREATE_SCHEMA_STMT',
  'RESOLVED_CREATE_VIEW_STMT',
  'RESOLVED_DROP_STMT',
];

interface Session {
  readonly client: ZetaSQLClient;
  readonly catalogId: number | string;
  readonly languageOptions: LanguageOptionsProto;
}

let session: Session | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number};
      server.close(() => resolve(port));
    });
  });
}

/**
 * A catalog where `project.dataset.table` resolves. ZetaSQL reads a backticked
 * `p.nba_raw.shot_chart` as ONE identifier (BigQuery splits it; ZetaSQL does not), so each table
 * is registered under its full dotted name; nested project → dataset catalogs are not found.
 */
export function catalogFor(tables: readonly Table[], project = ZETASQL_PROJECT): SimpleCatalogProto {
  return {
    name: 'backfill',
    table: tables.map((t) => ({
      name: `${project}.${t.dataset}.${t.name}`,
      column: t.columns.map((c) => ({name: c.name, type: {typeKind: TYPE_KINDS[c.type]}})),
    })),
  };
}

/**
 * Starts the analyzer (once per process) and registers every catalog table, plus `extraTables`
 * (e.g. INFORMATION_SCHEMA views or scratch copies, with their own dataset names).
 */
export async function startZetaSql(timeoutMs = 60_000, extraTables: readonly Table[] = []): Promise<void> {
  if (session) return;
  const port = await freePort();
  void runServer(port); // never resolves: it only reports the child's output
  ZetaSQLClient.init(port);
  const client = ZetaSQLClient.getInstance();
  const deadline = Date.now() + timeoutMs;
  while (!(await client.testConnection().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`the ZetaSQL analyzer did not answer on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const languageOptions = (await client.getLanguageOptions({maximumFeatures: true})) as LanguageOptionsProto;
  languageOptions.supportedStatementKinds = STATEMENT_KINDS as LanguageOptionsProto['supportedStatementKinds'];
  const registered = await client.registerCatalog({
    simpleCatalog: {...catalogFor([...ALL_TABLES, ...extraTables]), builtinFunctionOptions: {languageOptions}},
  });
  if (!registered) throw new Error('ZetaSQL did not register the catalog');
  session = {client, catalogId: registered.registeredId.toString(), languageOptions};
}

export function stopZetaSql(): void {
  if (!session) return;
  session = undefined;
  terminateServer();
}

const COLUMN_TYPES: Record<number, ColumnType> = {2: 'INT64', 5: 'BOOL', 7: 'FLOAT64', 8: 'STRING', 10: 'DATE', 19: 'TIMESTAMP'};

export interface AnalyzedStatement {
  /** The resolved node, e.g. `resolvedMergeStmtNode`, `resolvedQueryStmtNode`. */
  readonly kind: string;
  /** A query's output columns with their BigQuery types (empty for DML). */
  readonly columns: readonly {readonly name: string; readonly type: ColumnType | `TYPE_KIND_${number}`}[];
}

interface ResolvedOutputColumn {
  readonly name: string;
  readonly column: {readonly type: {readonly typeKind: number}};
}

/**
 * Analyzes one BigQuery statement against the catalog with typed query parameters. Resolves with
 * the resolved statement's kind (and a query's output columns); rejects with an Error carrying
 * ZetaSQL's one-line message, e.g. `Unrecognized name: nosuchcol [at 1:8]`.
 */
export async function analyzeBigQuery(sql: string, params: ParamTypes = BACKFILL_PARAMS): Promise<AnalyzedStatement> {
  if (!session) throw new Error('call startZetaSql() first (beforeAll)');
  let response;
  try {
    response = await session.client.analyze({
      sqlStatement: sql,
      registeredCatalogId: session.catalogId,
      options: {
        languageOptions: session.languageOptions,
        queryParameters: Object.entries(params).map(([name, type]) => ({name, type: {typeKind: TYPE_KINDS[type]}})),
        errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
      },
    });
  } catch (error) {
    const message = (error as {details?: string}).details ?? (error as Error).message;
    throw new Error(`ZetaSQL rejected the statement: ${message}`);
  }
  const statement = (response?.resolvedStatement ?? {}) as Record<string, unknown>;
  const kind = Object.keys(statement).find((k) => k.startsWith('resolved') && statement[k]) ?? 'unknown';
  const output = ((statement[kind] as {outputColumnList?: ResolvedOutputColumn[]} | undefined)?.outputColumnList ?? []);
  return {
    kind,
    columns: output.map((c) => ({
      name: c.name,
      type: COLUMN_TYPES[c.column.type.typeKind] ?? (`TYPE_KIND_${c.column.type.typeKind}` as const),
    })),
  };
}

/** A table as the evaluated SQL names it (`p.nba_raw.shot_chart`), with the columns it reads and its rows. */
export interface TableContent {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
}

export interface Evaluated {
  readonly columns: readonly {readonly name: string; readonly type: ColumnType | `TYPE_KIND_${number}`}[];
  /** Cells as the BigQuery client library hands them out (DATE and TIMESTAMP wrapped in {value}). */
  readonly rows: readonly Record<string, unknown>[];
}

interface EvaluateResponse {
  readonly content?: {readonly tableData?: {readonly row?: readonly {readonly cell?: readonly ValueProto[]}[]}};
  readonly prepared?: {readonly columns?: readonly {readonly name: string; readonly type: {readonly typeKind: number}}[]};
}

/**
 * Executes one GoogleSQL query with ZetaSQL's reference implementation over `tables` (only the
 * catalog they form is visible), with typed parameters. Rejects with an Error carrying the
 * query's own message (an ERROR() call's text, or an analysis error), as BigQuery would fail it.
 * The gRPC message limit is 4 MiB: pass only the columns the query reads.
 */
export async function evaluateBigQuery(sql: string, params: Params, tables: readonly TableContent[]): Promise<Evaluated> {
  if (!session) throw new Error('call startZetaSql() first (beforeAll)');
  const request = {
    sql,
    options: {
      languageOptions: session.languageOptions,
      queryParameters: Object.entries(params).map(([name, p]) => ({name, type: {typeKind: TYPE_KINDS[p.type]}})),
      errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
    },
    simpleCatalog: {
      name: 'evaluate',
      table: tables.map((t) => ({name: t.name, column: t.columns.map((c) => ({name: c.name, type: {typeKind: TYPE_KINDS[c.type]}}))})),
      builtinFunctionOptions: {languageOptions: session.languageOptions},
    },
    tableContent: Object.fromEntries(
      tables.map((t) => [t.name, {tableData: {row: t.rows.map((r) => ({cell: t.columns.map((c) => toValueProto(r[c.name] ?? null, c.type))}))}}]),
    ),
    params: Object.entries(params).map(([name, p]) => ({name, value: toValueProto(p.value, p.type)})),
  };
  const response = await new Promise<EvaluateResponse>((resolve, reject) => {
    (ZetaSQLClient.API as unknown as {evaluateQuery(r: unknown, cb: (e: unknown, r: EvaluateResponse) => void): void}).evaluateQuery(request, (error, result) =>
      error ? reject(new Error((error as {details?: string}).details ?? String(error))) : resolve(result),
    );
  });
  const columns = (response.prepared?.columns ?? []).map((c) => ({name: c.name, type: COLUMN_TYPES[c.type.typeKind] ?? (`TYPE_KIND_${c.type.typeKind}` as const)}));
  const rows = (response.content?.tableData?.row ?? []).map((r) => Object.fromEntries((r.cell ?? []).map((cell, i) => [columns[i]?.name ?? `f${i}`, fromValueProto(cell)])));
  return {columns, rows};
}
