// The real @google-cloud/bigquery client against a local HTTP server that answers its REST calls
// the way BigQuery does (jobs.insert, jobs.getQueryResults, jobs.get, jobs.cancel), so that what
// the adapter puts in a request is seen exactly as the service would receive it, through the
// library's own serialisation, URL building and error parsing. No network, no credentials: the
// client gets an OAuth2 client holding a token that never expires.
//
// The service simulated: a dry run answers `estimate(query)` bytes; a job bills `billed(query)`
// bytes (BigQuery's minimums included), and when that exceeds the job's maximumBytesBilled the job
// fails with bytesBilledLimitExceeded (HTTP `capStatus`, 400 by default), billing nothing.
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {BigQuery} from '@google-cloud/bigquery';
import {OAuth2Client} from 'google-auth-library';
import {ALL_TABLES} from '../../src/catalog/tables.js';

export interface HttpCall {
  readonly method: string;
  /** The path after /bigquery/v2/projects/PROJECT, e.g. `/jobs`, `/queries/ID`, `/jobs/ID`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: any;
}

export interface SimulatedService {
  /** Bytes a dry run of this statement reports. */
  estimate?(query: string): number;
  /** Bytes the job bills (default: the estimate). */
  billed?(query: string): number;
  slotMs?: number;
  rows?(query: string): {schema: {name: string; type: string}[]; rows: unknown[][]};
  /** HTTP status of a job its cap stopped (BigQuery has been seen answering 400 and 500). */
  capStatus?: number;
  /** The tables datasets.list and tables.list answer (default: every catalog table, as after `init`). */
  tables?: readonly {dataset: string; name: string}[];
}

export interface LocalBigQuery {
  readonly client: BigQuery;
  readonly calls: HttpCall[];
  /** Job inserts that are not dry runs. */
  jobs(): HttpCall[];
  dryRuns(): HttpCall[];
  close(): Promise<void>;
}

export const PROJECT = 'nba-data-warehouse-422817';

interface Job {
  readonly id: string;
  readonly query: string;
  readonly billed: number;
  readonly failed: boolean;
  readonly cap: number | null;
}

export async function localBigQuery(service: SimulatedService = {}): Promise<LocalBigQuery> {
  const calls: HttpCall[] = [];
  const jobs = new Map<string, Job>();
  const estimate = service.estimate ?? (() => 0);
  const billed = service.billed ?? estimate;
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {'content-type': 'application/json'});
    res.end(JSON.stringify(body));
  };
  const capError = (job: Job) => ({
    error: {
      code: service.capStatus ?? 400,
      message: `Query exceeded limit for bytes billed: ${job.cap}. ${job.billed} or higher required.`,
      errors: [{domain: 'global', reason: 'bytesBilledLimitExceeded', message: `Query exceeded limit for bytes billed: ${job.cap}. ${job.billed} or higher required.`}],
      status: 'INVALID_ARGUMENT',
    },
  });
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url!, 'http://localhost');
    const path = url.pathname.replace(`/bigquery/v2/projects/${PROJECT}`, '');
    const body = raw ? JSON.parse(raw) : undefined;
    calls.push({method: req.method!, path, query: url.searchParams, body});
    if (req.method === 'POST' && path === '/jobs') {
      const query = body.configuration.query.query as string;
      if (body.configuration.dryRun) {
        return send(res, 200, {jobReference: body.jobReference, status: {state: 'DONE'}, statistics: {totalBytesProcessed: String(estimate(query)), query: {totalBytesProcessed: String(estimate(query))}}});
      }
      const cap = body.configuration.query.maximumBytesBilled === undefined ? null : Number(body.configuration.query.maximumBytesBilled);
      const job: Job = {id: body.jobReference.jobId, query, billed: billed(query), cap, failed: cap !== null && billed(query) > cap};
      jobs.set(job.id, job);
      return send(res, 200, {jobReference: body.jobReference, configuration: body.configuration, status: {state: 'RUNNING'}});
    }
    const queries = /^\/queries\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && queries) {
      const job = jobs.get(queries[1])!;
      if (job.failed) return send(res, service.capStatus ?? 400, capError(job));
      const result = service.rows?.(job.query) ?? {schema: [], rows: []};
      return send(res, 200, {
        jobReference: {projectId: PROJECT, jobId: job.id},
        jobComplete: true,
        schema: {fields: result.schema},
        rows: result.rows.map((r) => ({f: r.map((v) => ({v: v === null ? null : String(v)}))})),
        totalRows: String(result.rows.length),
      });
    }
    const get = /^\/jobs\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && get) {
      const job = jobs.get(get[1])!;
      return send(res, 200, {
        jobReference: {projectId: PROJECT, jobId: job.id},
        status: job.failed ? {state: 'DONE', errorResult: capError(job).error.errors[0]} : {state: 'DONE'},
        statistics: {
          totalBytesProcessed: String(estimate(job.query)),
          totalSlotMs: String(service.slotMs ?? 0),
          query: {
            totalBytesProcessed: String(estimate(job.query)),
            totalBytesBilled: String(job.failed ? 0 : job.billed),
            totalSlotMs: String(service.slotMs ?? 0),
            dmlStats: {insertedRowCount: '12', deletedRowCount: '10'},
          },
        },
      });
    }
    const existing = service.tables ?? ALL_TABLES;
    if (req.method === 'GET' && path === '/datasets') {
      const names = [...new Set(existing.map((t) => t.dataset))];
      return send(res, 200, {kind: 'bigquery#datasetList', datasets: names.map((id) => ({id: `${PROJECT}:${id}`, datasetReference: {projectId: PROJECT, datasetId: id}}))});
    }
    const tables = /^\/datasets\/([^/]+)\/tables$/.exec(path);
    if (req.method === 'GET' && tables) {
      const names = existing.filter((t) => t.dataset === tables[1]).map((t) => t.name);
      return send(res, 200, {kind: 'bigquery#tableList', tables: names.map((id) => ({id: `${PROJECT}:${tables[1]}.${id}`, tableReference: {projectId: PROJECT, datasetId: tables[1], tableId: id}}))});
    }
    send(res, 404, {error: {code: 404, message: `not simulated: ${req.method} ${path}`, errors: [{reason: 'notFound', message: 'not simulated'}]}});
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => handle(req, res, raw));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as AddressInfo;
  const auth = new OAuth2Client();
  auth.setCredentials({access_token: 'local-test-token', expiry_date: Date.now() + 24 * 3600_000});
  const client = new BigQuery({projectId: PROJECT, location: 'US', apiEndpoint: `http://127.0.0.1:${port}`, authClient: auth, autoRetry: false});
  const inserts = () => calls.filter((c) => c.method === 'POST' && c.path === '/jobs');
  return {
    client,
    calls,
    jobs: () => inserts().filter((c) => !c.body.configuration.dryRun),
    dryRuns: () => inserts().filter((c) => c.body.configuration.dryRun),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
