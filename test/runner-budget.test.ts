// The run's budget and actual spend on BigQuery, through the real runner, the real adapter and the
// real @google-cloud/bigquery client talking HTTP to a local server that answers as BigQuery does
// (a schedule, nothing built, each batch's MERGE billing a known number of bytes): the plan's
// estimate must fit the budget or nothing starts; reaching the budget pauses every processor,
// resumably, with one budget-paused event; resume continues to the end; each batch's job
// statistics reach its event, the snapshot, the journal and the run history.
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {parseConfig} from '../src/config.js';
import {BudgetError, lockHolder, startRun, warehouseKey, type LocalRun} from '../src/runner/index.js';
import type {RunEvent, RunRequest} from '../src/runner/types.js';
import {StateStore} from '../src/state/store.js';
import {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {PROJECT, localBigQuery, type LocalBigQuery} from './support/bigquery-http.js';
import {scheduleService} from './support/bigquery-schedule.js';
import {until} from './support/wait.js';
import {collect, ofType, tempDir} from './runner-support.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;
/** A batch's MERGE: its dry-run estimate and what it bills (whole bytes, as BigQuery counts). */
const ESTIMATE = 512 * MIB;
const BILLED = 700 * MIB;
const DATES = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-04', '2021-11-05', '2021-11-06'];
const BOUNDARY = '2022-01-01';
const config = parseConfig({});

let service: LocalBigQuery | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

/** Six one-date batches of PGS, one at a time; each MERGE estimated at 512 MiB and billing 700 MiB. */
async function setUp(): Promise<{warehouse: BigQueryWarehouse; stateDir: string}> {
  service = await localBigQuery(scheduleService({dates: DATES, mergeEstimate: ESTIMATE, mergeBilled: BILLED, slotMs: 2_000}));
  tmp = tempDir('backfill-budget-');
  return {warehouse: new BigQueryWarehouse(service.client, {project: PROJECT, location: 'US'}), stateDir: join(tmp.dir, 'state')};
}

function request(patch: Partial<RunRequest> = {}): RunRequest {
  return {range: {start: DATES[0], end: DATES[DATES.length - 1]}, processors: ['player_game_summary'], batchSize: 1, workers: 1, ...patch};
}

const merges = () => service!.jobs().filter((j) => j.body.configuration.query.query.startsWith('MERGE '));

async function quiet(run: LocalRun): Promise<void> {
  await until('no batch in flight', () => run.getSnapshot().processors.every((p) => p.running.length === 0), 10_000, 20);
}

describe('the budget', () => {
  it('pauses every processor when the billed bytes reach it; resume continues the run to the end', async () => {
    const {warehouse, stateDir} = await setUp();
    // The estimate (6 batches × 512 MiB = 3 GiB) fits a 3 GiB budget; the real bills (700 MiB each) reach it at the 5th batch.
    const run = await startRun({warehouse, stateDir, config, boundary: BOUNDARY, request: request({budget: 3 * GIB})});
    const events = collect(run.subscribe);
    await until('the budget pause', () => ofType(events, 'budget-paused').length === 1, 20_000, 20);
    await quiet(run);
    const [paused] = ofType(events, 'budget-paused');
    expect(paused).toMatchObject({budget: 3 * GIB, billed: 5 * BILLED, estimate: 3 * GIB});
    // Every processor of the run paused, right after the event; nothing more starts while paused.
    const after = events.slice(events.indexOf(paused));
    expect(after.filter((e) => e.type === 'processor-paused').map((e) => (e as {processor: string}).processor)).toEqual(['player_game_summary']);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(merges()).toHaveLength(5);
    const held = run.getSnapshot();
    expect(held.state).toBe('running');
    expect(held.processors[0]).toMatchObject({status: 'paused', paused: true, datesDone: 5});
    expect(held.spend).toEqual({bytesProcessed: 5 * ESTIMATE, bytesBilled: 5 * BILLED, slotMs: 10_000, estimate: 3 * GIB, budget: 3 * GIB, budgetReached: true});
    // The pause is saved like an operator's: a restart would hold the processor too.
    expect(new StateStore(stateDir).paused(warehouseKey(warehouse))).toEqual(['player_game_summary']);

    run.send({type: 'resume'});
    const final = await run.finished;
    expect(final.state).toBe('completed');
    expect(merges()).toHaveLength(6);
    // Once past the budget, the operator's resume is not paused again at the next batch.
    expect(ofType(events, 'budget-paused')).toHaveLength(1);
    expect(final.spend).toMatchObject({bytesBilled: 6 * BILLED, bytesProcessed: 6 * ESTIMATE, slotMs: 12_000, budgetReached: true});
    expect(final.processors[0].spend).toEqual({bytesProcessed: 6 * ESTIMATE, bytesBilled: 6 * BILLED, slotMs: 12_000});

    // Each batch's event carries its write job's statistics, job id included.
    const finished = ofType(events, 'batch-finished');
    expect(finished).toHaveLength(6);
    for (const e of finished) expect(e.statistics).toMatchObject({bytesBilled: BILLED, bytesProcessed: ESTIMATE, slotMs: 2_000, jobId: expect.stringMatching(/^backfill_/)});
    // The history keeps them per batch and in all.
    const [record] = new StateStore(stateDir).history(warehouseKey(warehouse));
    expect(record.spend).toEqual({bytesProcessed: 6 * ESTIMATE, bytesBilled: 6 * BILLED, slotMs: 12_000, estimate: 3 * GIB, budget: 3 * GIB, budgetReached: true});
    expect(record.batches.map((b) => b.bytesBilled)).toEqual(Array(6).fill(BILLED));
    expect(record.batches.every((b) => finished.some((e) => e.statistics?.jobId === b.jobId))).toBe(true);
  }, 60_000);

  it('an estimate over the budget starts nothing and names the estimate', async () => {
    const {warehouse, stateDir} = await setUp();
    const error = await startRun({warehouse, stateDir, config, boundary: BOUNDARY, request: request({budget: 2 * GIB})}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BudgetError);
    expect((error as Error).message).toBe(
      "the plan's estimate, 3.0 GiB processed, ~$0.02 on demand at $6.25/TiB (dry-run estimate), is over the budget of 2.0 GiB (2147483648 bytes) (--budget): " +
        'nothing was started; raise --budget, or plan less (a shorter --from/--to, fewer --processors)',
    );
    expect(service!.jobs().filter((j) => j.body.configuration.query.query.startsWith('MERGE '))).toHaveLength(0);
    expect(lockHolder(stateDir, warehouseKey(warehouse))).toBeNull();
    expect(existsSync(join(stateDir, 'state.json'))).toBe(false);
  }, 60_000);

  it("the config's budget applies when the request names none, and the journal keeps it for a resume", async () => {
    const {warehouse, stateDir} = await setUp();
    const run = await startRun({warehouse, stateDir, config: parseConfig({budget: '1GiB'}), boundary: BOUNDARY, request: request({budget: undefined})}).catch((e: unknown) => e);
    expect(run).toBeInstanceOf(BudgetError);
    const fits = await startRun({warehouse, stateDir, config: parseConfig({budget: '10GiB', order: 'newest-first'}), boundary: BOUNDARY, request: request()});
    expect(new StateStore(stateDir).active(warehouseKey(warehouse))?.request).toMatchObject({budget: 10 * GIB, order: 'newest-first'});
    expect((await fits.finished).state).toBe('completed');
  }, 60_000);
});

describe('the order', () => {
  it('newest-first starts with the latest batch on BigQuery too', async () => {
    const {warehouse, stateDir} = await setUp();
    const run = await startRun({warehouse, stateDir, config, boundary: BOUNDARY, request: request({order: 'newest-first'})});
    const events: RunEvent[] = collect(run.subscribe);
    await run.finished;
    expect(ofType(events, 'batch-started').map((e) => e.batch.start)).toEqual([...DATES].reverse());
  }, 60_000);
});
