// `backfill run` headless on BigQuery with a budget, in this process: the real command (its
// checks, its session, its socket, its printer), the real adapter and the real client, talking
// HTTP to a local server that answers as BigQuery does. Over the budget at the plan: exit 2 and
// nothing in the state dir. Reached during the run: a budget-paused JSON record, and with no
// console attached the run ends interrupted, resumable, its processors' pauses saved, so the next
// cron run spends nothing more until an operator resumes them. Every record has the spend fields.
import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runBackfill} from '../src/cli/commands/run.js';
import {createContext, type CliContext} from '../src/cli/context.js';
import {UsageError} from '../src/errors.js';
import {parseConfig} from '../src/config.js';
import {stopWhenBudgetPausedAlone} from '../src/headless/budget-stop.js';
import {findInterruptedRun, pausedProcessors, startRun} from '../src/runner/index.js';
import {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {PROJECT, localBigQuery, type LocalBigQuery} from './support/bigquery-http.js';
import {scheduleService} from './support/bigquery-schedule.js';
import {until} from './support/wait.js';
import {tempDir} from './runner-support.js';
import {JSON_LOG_FIELDS} from './support/log-fields.js';

const MIB = 2 ** 20;
const DATES = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-04', '2021-11-05', '2021-11-06'];
const FIELDS = JSON_LOG_FIELDS;

// The command takes over SIGINT and SIGTERM for its run (src/headless/signals.ts), as it must in
// its own process; here it shares the test worker's, whose own listeners are given back after.
const WATCHED = ['SIGINT', 'SIGTERM', 'newListener'] as const;
let saved: Map<string, ((...args: unknown[]) => void)[]>;
beforeAll(() => {
  saved = new Map(WATCHED.map((event) => [event, process.rawListeners(event) as ((...args: unknown[]) => void)[]]));
});
afterAll(() => {
  for (const event of WATCHED) {
    process.removeAllListeners(event);
    for (const listener of saved.get(event) ?? []) process.on(event, listener);
  }
});

let service: LocalBigQuery | undefined;
let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
  tmp?.cleanup();
  tmp = undefined;
});

/** A JSON-logging headless context on the local BigQuery: 6 one-date batches, 100 MiB estimated and 120 MiB billed each. */
async function bigQueryRun(): Promise<{context: CliContext; out: string[]; err: string[]; stateDir: string}> {
  service = await localBigQuery(scheduleService({dates: DATES, mergeEstimate: 100 * MIB, mergeBilled: 120 * MIB, slotMs: 800}));
  tmp = tempDir('backfill-headless-budget-');
  const stateDir = join(tmp.dir, 'state');
  const base = createContext({target: 'bigquery', project: PROJECT, location: 'US', stateDir, tty: false, logFormat: 'json'}, {});
  const out: string[] = [];
  const err: string[] = [];
  const client = service.client;
  const context: CliContext = {
    ...base,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    openWarehouse: async () => new BigQueryWarehouse(client, {project: PROJECT, location: 'US'}),
  };
  return {context, out, err, stateDir};
}

const options = (budget: string) => ({from: DATES[0], to: DATES[DATES.length - 1], processors: 'PGS', batchSize: '1', workers: '1', budget});
const merges = () => service!.jobs().filter((j) => j.body.configuration.query.query.startsWith('MERGE ')).length;

describe('run --budget on BigQuery, headless', () => {
  it('refuses a plan whose estimate is over the budget before anything is written, naming the estimate', async () => {
    const {context, out, stateDir} = await bigQueryRun();
    const error = await runBackfill(context, options('500MiB')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError); // exit 2, one line (src/cli/main.ts)
    expect((error as Error).message).toMatch(/^the plan's estimate, 600\.0 MiB processed, ~\$0\.00 on demand .* is over the budget of 500\.0 MiB \(524288000 bytes\) \(--budget\): nothing was started/);
    expect(out).toEqual([]);
    expect(merges()).toBe(0);
    expect(existsSync(stateDir) ? readdirSync(stateDir) : []).toEqual([]);
  }, 60_000);

  it('pauses at the budget, ends interrupted and resumable with nobody to resume it, and the next run holds the pause', async () => {
    const {context, out, stateDir} = await bigQueryRun();
    // The estimate (6 × 100 MiB = 600 MiB) fits 600 MiB; the bills (120 MiB each) reach it at the 5th batch: one is left.
    const exit = await runBackfill(context, options('600MiB'));
    const records = out.map((line) => JSON.parse(line));
    for (const r of records) expect(Object.keys(r)).toEqual(FIELDS);
    const finished = records.filter((r) => r.event === 'batch-finished');
    expect(finished.length).toBeGreaterThanOrEqual(1);
    for (const r of finished) {
      expect(r).toMatchObject({bytes_processed: 100 * MIB, bytes_billed: 120 * MIB, slot_ms: 800});
      expect(r.message).toMatch(/done: 12 rows in [\d.]+s; 100\.0 MiB processed, 120\.0 MiB billed, 800 slot-ms$/);
    }
    const paused = records.find((r) => r.event === 'budget-paused');
    expect(paused).toMatchObject({level: 'warn', bytes_billed: 600 * MIB, processor: null});
    expect(paused.message).toMatch(/^budget reached: 600\.0 MiB billed of the 600\.0 MiB budget \(estimate 600\.0 MiB\); every processor is paused, resumably: /);
    expect(records.some((r) => r.event === 'budget' && /no console is attached/.test(r.message))).toBe(true);
    const end = records.at(-1);
    expect(end.event).toBe('run-finished');
    expect(end).toMatchObject({level: 'warn', bytes_billed: 600 * MIB, bytes_processed: 500 * MIB, slot_ms: 4_000});
    expect(end.message).toMatch(/ interrupted: 5\/6 game dates, .*; 500\.0 MiB processed, 600\.0 MiB billed, 4000 slot-ms \(estimate 600\.0 MiB\), budget 600\.0 MiB \(reached\) \(resumable/);
    const summary = records.find((r) => r.event === 'summary');
    expect(summary).toMatchObject({processor: 'player_game_summary', bytes_billed: 600 * MIB, slot_ms: 4_000});
    expect(merges()).toBe(5);
    expect(exit).toBe(1);
    // Kept resumable with its budget and order, PGS held by the saved pause.
    const key = context.warehouse.identity;
    expect(findInterruptedRun(stateDir, key)?.request).toMatchObject({budget: 600 * MIB, order: 'oldest-first'});
    expect(pausedProcessors(stateDir, key)).toEqual(['player_game_summary']);

    // The next cron run resumes it and stops at once: nothing more is billed until an operator resumes PGS.
    out.length = 0;
    expect(await runBackfill(context, options('600MiB'))).toBe(1);
    expect(merges()).toBe(5);
    const again = out.map((line) => JSON.parse(line));
    expect(again.some((r) => r.event === 'paused' && /PGS|player_game_summary/.test(r.message))).toBe(true);
    expect(again.at(-1)).toMatchObject({event: 'run-finished', bytes_billed: 600 * MIB});
  }, 60_000);
});

describe('a budget-paused headless run with a console attached', () => {
  it('waits for its resume while one is attached, and stops (resumable) once the last one leaves', async () => {
    const {stateDir} = await bigQueryRun();
    const warehouse = new BigQueryWarehouse(service!.client, {project: PROJECT, location: 'US'});
    const request = {range: {start: DATES[0], end: DATES[5]}, processors: ['player_game_summary' as const], batchSize: 1, workers: 1, budget: 600 * MIB};
    const start = () => startRun({warehouse, stateDir, config: parseConfig({}), boundary: '2022-01-01', request});
    let clients = 1;
    const said: string[] = [];

    const resumed = await start();
    stopWhenBudgetPausedAlone(resumed, () => clients, (m) => said.push(m));
    await until('the budget pause', () => resumed.getSnapshot().spend?.budgetReached === true, 20_000, 20);
    await new Promise((resolve) => setTimeout(resolve, 800)); // three checks with a console attached: it waits
    expect(resumed.getSnapshot().state).toBe('running');
    resumed.send({type: 'resume'}); // the attached operator's R
    expect((await resumed.finished).state).toBe('completed');
    expect(said).toEqual([]);

    // The same run again (the local service never reports anything covered); this time the console leaves.
    const left = await start();
    stopWhenBudgetPausedAlone(left, () => clients, (m) => said.push(m));
    await until('the budget pause', () => left.getSnapshot().spend?.budgetReached === true, 20_000, 20);
    clients = 0;
    expect((await left.finished).state).toBe('interrupted');
    expect(said).toEqual([expect.stringMatching(/^the budget paused the run and no console is attached to resume it: it stops here, resumable/)]);
  }, 60_000);
});
