// The adapter on the REAL @google-cloud/bigquery client, with only its HTTP layer (`request`)
// answered locally: proves that the request fields the adapter sets land where the REST API
// expects them (jobs.insert body), and that the library's responses (rows with a schema, a 409 for
// a reused job id, DML statistics, cancel) are read as intended. No network, no credentials.
import {BigQuery} from '@google-cloud/bigquery';
import {describe, expect, it} from 'vitest';
import {derivedTable} from '../src/catalog/index.js';
import {BigQueryWarehouse, type BigQueryClient} from '../src/warehouse/bigquery.js';
import {rangeParams} from '../src/warehouse/types.js';

interface RestCall {
  readonly method: string;
  readonly uri: string;
  readonly json?: any;
  readonly qs?: any;
}

type Responder = (call: RestCall) => {error?: {code: number; errors: {reason: string; message: string}[]; message: string}; body?: unknown};

/** A real client whose HTTP requests are answered by `respond` and recorded. */
function realClient(respond: Responder): {client: BigQuery; calls: RestCall[]} {
  const client = new BigQuery({projectId: 'nba-data-warehouse-422817', location: 'US'});
  const calls: RestCall[] = [];
  (client as unknown as {request: unknown}).request = (options: RestCall, callback: (err: unknown, body?: unknown) => void) => {
    const call = {method: options.method ?? 'GET', uri: options.uri, json: options.json, qs: options.qs};
    calls.push(call);
    const {error, body} = respond(call);
    setImmediate(() => {
      if (error) callback(Object.assign(new Error(error.message), error), body);
      else callback(null, body);
    });
  };
  return {client, calls};
}

const ROWS = {
  jobComplete: true,
  schema: {fields: [{name: 'game_date', type: 'DATE'}, {name: 'n', type: 'INTEGER'}, {name: 'at', type: 'TIMESTAMP'}]},
  rows: [{f: [{v: '2022-01-03'}, {v: '7'}, {v: '1641168000000000'}]}],
  totalRows: '1',
};

describe('the adapter over the real client library', () => {
  it('a write becomes a jobs.insert with the job id, location, labels and typed named parameters in their REST places', async () => {
    const {client, calls} = realClient((call) => {
      if (call.method === 'POST' && call.uri === '/jobs') return {body: {jobReference: call.json.jobReference, status: {state: 'RUNNING'}}};
      if (call.uri.startsWith('/queries/')) return {body: {jobComplete: true, totalRows: '0'}};
      return {body: {statistics: {query: {dmlStats: {insertedRowCount: '321', deletedRowCount: '300'}}}}};
    });
    const warehouse = new BigQueryWarehouse(client satisfies BigQueryClient, {project: 'nba-data-warehouse-422817', location: 'US'});
    const pgs = derivedTable('player_game_summary');
    const job = {runId: 'run1', processor: pgs.name, step: '2022-01-03_2022-01-09_a1'};
    const result = await warehouse.replaceRange(pgs, 'SELECT 1', rangeParams('2022-01-03', '2022-01-09', 'run1'), {job});
    expect(result.rowsWritten).toBe(321);

    // Every job is preceded by its dry run (the spend cap's estimate), then inserted under that cap.
    const [dry, insert] = calls.filter((c) => c.uri === '/jobs');
    expect(dry.json.configuration.dryRun).toBe(true);
    expect(insert.json.configuration.query.maximumBytesBilled).toBe(String(10 * 2 ** 20));
    expect(insert.json.jobReference).toMatchObject({projectId: 'nba-data-warehouse-422817', location: 'US'});
    expect(insert.json.jobReference.jobId).toMatch(/^backfill_run1_player_game_summary_2022-01-03_2022-01-09_a1_[0-9a-f]{12}$/);
    expect(insert.json.configuration.labels).toEqual({app: 'backfill', purpose: 'replace', processor: 'player_game_summary', run_id: 'run1'});
    expect(insert.json.configuration.dryRun).toBeUndefined();
    expect(insert.json.configuration.query).toMatchObject({useLegacySql: false, parameterMode: 'NAMED'});
    expect(insert.json.configuration.query.query).toMatch(/^MERGE /);
    // In the order the statement first names them (the game_date guard comes before run_id).
    expect(insert.json.configuration.query.queryParameters).toEqual([
      {name: 'start_date', parameterType: {type: 'DATE'}, parameterValue: {value: '2022-01-03'}},
      {name: 'end_date', parameterType: {type: 'DATE'}, parameterValue: {value: '2022-01-09'}},
      {name: 'run_id', parameterType: {type: 'STRING'}, parameterValue: {value: 'run1'}},
    ]);
    // Results and statistics are read from the job that was created, in its location.
    expect(calls.map((c) => `${c.method} ${c.uri}`)).toEqual([
      'POST /jobs',
      'POST /jobs',
      `GET /queries/${insert.json.jobReference.jobId}`,
      `GET jobs/${insert.json.jobReference.jobId}`,
    ]);
    expect(calls[2].qs).toMatchObject({location: 'US'});
  });

  it("a 409 for the write's own job id reads that job's result instead of writing again", async () => {
    const {client, calls} = realClient((call) => {
      if (call.uri === '/jobs' && call.json.configuration.dryRun) return {body: {jobReference: call.json.jobReference, status: {state: 'DONE'}}};
      if (call.uri === '/jobs') {
        return {error: {code: 409, message: `Already Exists: Job nba-data-warehouse-422817:US.${call.json.jobReference.jobId}`, errors: [{reason: 'duplicate', message: 'Already Exists'}]}};
      }
      if (call.uri.startsWith('/queries/')) return {body: {jobComplete: true, totalRows: '0'}};
      return {body: {statistics: {query: {dmlStats: {insertedRowCount: '55'}}}}};
    });
    const warehouse = new BigQueryWarehouse(client, {project: 'nba-data-warehouse-422817', location: 'US'});
    const result = await warehouse.replaceRange(derivedTable('player_game_summary'), 'SELECT 1', rangeParams('2022-01-03', '2022-01-09'), {
      job: {runId: 'run1', processor: 'player_game_summary', step: 'a1'},
    });
    expect(result.rowsWritten).toBe(55);
    const inserts = calls.filter((c) => c.uri === '/jobs' && !c.json.configuration.dryRun);
    expect(inserts).toHaveLength(1);
    expect(calls[2].uri).toBe(`/queries/${inserts[0].json.jobReference.jobId}`);
  });

  it('rows come back as plain values: DATE as text, INTEGER as a number, TIMESTAMP as ISO text', async () => {
    const {client} = realClient((call) => (call.uri === '/jobs' ? {body: {jobReference: call.json.jobReference, status: {state: 'DONE'}}} : {body: ROWS}));
    const rows = await new BigQueryWarehouse(client, {project: 'nba-data-warehouse-422817'}).query('SELECT 1');
    expect(rows).toEqual([{game_date: '2022-01-03', n: 7, at: '2022-01-03T00:00:00.000Z'}]);
  });

  it('a dry run sends configuration.dryRun and reads totalBytesProcessed', async () => {
    const {client, calls} = realClient((call) => ({
      body: {jobReference: call.json.jobReference, status: {state: 'DONE'}, statistics: {totalBytesProcessed: '1099511627776'}},
    }));
    const {bytes} = await new BigQueryWarehouse(client, {project: 'nba-data-warehouse-422817'}).dryRun('SELECT @start_date', rangeParams('2022-01-03', '2022-01-03'));
    expect(bytes).toBe(2 ** 40);
    expect(calls).toHaveLength(1);
    expect(calls[0].json.configuration.dryRun).toBe(true);
  });

  it('abort sends jobs.cancel for the running job', async () => {
    let release: () => void = () => undefined;
    let stopped = false;
    const {client, calls} = realClient((call) => {
      if (call.uri === '/jobs') return {body: {jobReference: call.json.jobReference, status: {state: 'RUNNING'}}};
      if (call.uri.endsWith('/cancel')) {
        stopped = true;
        release();
        return {body: {}};
      }
      // Running until cancelled (the library polls again), then done with the job's error.
      if (!stopped) return {body: {jobComplete: false}};
      return {error: {code: 400, message: 'Job execution was cancelled: User requested cancellation', errors: [{reason: 'stopped', message: 'Job execution was cancelled'}]}};
    });
    const controller = new AbortController();
    const pending = new BigQueryWarehouse(client, {project: 'nba-data-warehouse-422817', location: 'US'}).query('SELECT 1', {}, {signal: controller.signal});
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cancelled = new Promise<void>((resolve) => (release = resolve));
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    await cancelled;
    const cancel = calls.find((c) => c.uri.endsWith('/cancel'))!;
    const insert = calls.find((c) => c.uri === '/jobs' && !c.json.configuration.dryRun)!;
    expect(cancel.method).toBe('POST');
    expect(cancel.uri).toContain(insert.json.jobReference.jobId);
  });
});
