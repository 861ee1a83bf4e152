// The headless printer's records: the stable JSON fields, the text lines, progress and summary,
// and the printer following a run handle (events as they come, progress at an interval, summary).
import {describe, expect, it} from 'vitest';
import {printRun} from '../src/headless/printer.js';
import {eventRecord, formatRecord, progressRecord, summaryRecords} from '../src/headless/records.js';
import type {ProcessorProgress, RunEvent, RunHandle, RunSnapshot} from '../src/runner/types.js';
import {until} from './support/wait.js';
import {JSON_LOG_FIELDS} from './support/log-fields.js';

const FIELDS = JSON_LOG_FIELDS;
const time = '2026-01-17T03:00:00.000Z';
const batch = {processor: 'player_game_summary', start: '2021-11-01', end: '2021-11-30', dates: 29, attempt: 2} as const;

function progress(overrides: Partial<ProcessorProgress> = {}): ProcessorProgress {
  return {
    name: 'team_defensive_zone_analytics', short: 'TDZA', phase: 4, status: 'running', paused: false, datesTotal: 200,
    datesDone: 50, datesFailed: 0, rowsWritten: 1500, retries: 0, running: [], concurrency: 2, maxConcurrency: 2,
    throughput: 2.5, etaSeconds: 60, lastError: null, rateSeries: [], rateIntervalSeconds: 10, ...overrides,
  };
}

function snapshot(state: RunSnapshot['state']): RunSnapshot {
  return {
    runId: 'run-1', state, range: {start: '2021-11-01', end: '2021-12-15'},
    startedAt: '2026-01-17T03:00:00.000Z', finishedAt: '2026-01-17T03:01:05.000Z',
    processors: [progress({status: state === 'completed' ? 'done' : 'failed', datesDone: 200, lastError: state === 'failed' ? 'boom' : null}), progress({name: 'ml_feature_store', short: 'MLFS', status: 'idle'})],
    changes: null,
    totals: {datesTotal: 200, datesDone: 200, rowsWritten: 1500, batchesDone: 4, batchesFailed: state === 'failed' ? 1 : 0},
  };
}

describe('records', () => {
  it('every record carries every field, null when it does not apply', () => {
    const events: RunEvent[] = [
      {type: 'run-started', time, runId: 'run-1', range: {start: '2021-11-01', end: '2021-12-15'}, processors: ['player_game_summary'], batches: 3},
      {type: 'batch-started', time, runId: 'run-1', batch},
      {type: 'batch-finished', time, runId: 'run-1', batch, rows: 8123, durationMs: 1234},
      {type: 'batch-retry', time, runId: 'run-1', batch, error: 'rateLimitExceeded', kind: 'quota', delayMs: 2000},
      {type: 'batch-failed', time, runId: 'run-1', batch, error: 'syntax error'},
      {type: 'external-output', time, runId: 'run-1', processor: 'player_game_summary', stream: 'stdout', line: 'processed 2021-11-01'},
      {type: 'log', time, runId: 'run-1', level: 'warn', message: 'careful'},
    ];
    for (const event of events) {
      const record = eventRecord(event)!;
      expect(Object.keys(record)).toEqual(FIELDS);
      expect(Object.keys(JSON.parse(formatRecord(record, 'json')))).toEqual(FIELDS);
    }
    const finished = eventRecord(events[2])!;
    expect(finished).toMatchObject({event: 'batch-finished', processor: 'player_game_summary', start: '2021-11-01', end: '2021-11-30', rows: 8123, duration_ms: 1234, attempt: 2, level: 'info'});
    expect(formatRecord(finished, 'text')).toBe(`${time} INFO  PGS 2021-11-01..2021-11-30 done: 8123 rows in 1.2s`);
    expect(formatRecord(eventRecord(events[3])!, 'text')).toBe(`${time} WARN  PGS 2021-11-01..2021-11-30 quota error on attempt 2, retrying in 2.0s: rateLimitExceeded`);
    expect(eventRecord(events[4])!.level).toBe('error');
    expect(eventRecord(events[5])!.message).toBe('PGS | processed 2021-11-01');
    expect(eventRecord({type: 'log', time, runId: 'r', level: 'debug', message: 'noise'})).toBeNull();
  });

  it('progress: one line for an active processor, none for idle or done ones', () => {
    expect(progressRecord(progress(), time)!.message).toBe('TDZA running: 50/200 game dates (25%), 1500 rows, 0 in flight, 2.50 dates/s, eta 1m00s');
    expect(progressRecord(progress({status: 'done'}), time)).toBeNull();
    expect(progressRecord(progress({status: 'idle'}), time)).toBeNull();
  });

  it('summary: a line per processor of the run, then the outcome; interrupted says how to resume', () => {
    const done = summaryRecords(snapshot('completed'), time);
    expect(done.map((r) => r.event)).toEqual(['summary', 'run-finished']);
    expect(done[1]).toMatchObject({level: 'info', rows: 1500, duration_ms: 65_000});
    expect(done[1].message).toBe('run run-1 completed: 200/200 game dates, 4 batches done, 0 failed, 1500 rows in 1m05s');
    const failed = summaryRecords(snapshot('failed'), time);
    expect(failed[0]).toMatchObject({level: 'error'});
    expect(failed[0].message).toContain('last error: boom');
    expect(summaryRecords(snapshot('interrupted'), time).at(-1)!.message).toContain('resumable: run `backfill run` again');
  });
});

describe('spend (BigQuery job statistics)', () => {
  const statistics = {jobId: 'backfill_run-1_pgs', bytesProcessed: 3 * 2 ** 30, bytesBilled: 3 * 2 ** 30 + 2 ** 20, slotMs: 45_000, estimatedBytes: 3 * 2 ** 30, bytesCap: 4.5 * 2 ** 30};

  it("a batch's line and record carry its job's bytes processed, bytes billed and slot-ms", () => {
    const finished = eventRecord({type: 'batch-finished', time, runId: 'run-1', batch, rows: 8123, durationMs: 1234, statistics})!;
    expect(finished).toMatchObject({bytes_processed: 3 * 2 ** 30, bytes_billed: 3 * 2 ** 30 + 2 ** 20, slot_ms: 45_000});
    expect(formatRecord(finished, 'text')).toBe(`${time} INFO  PGS 2021-11-01..2021-11-30 done: 8123 rows in 1.2s; 3.0 GiB processed, 3.0 GiB billed, 45000 slot-ms`);
    // DuckDB's statistics are all null: the line is as before, the fields null.
    const duck = eventRecord({type: 'batch-finished', time, runId: 'run-1', batch, rows: 1, durationMs: 5, statistics: {...statistics, jobId: null, bytesProcessed: null, bytesBilled: null, slotMs: null}})!;
    expect(duck).toMatchObject({bytes_processed: null, bytes_billed: null, slot_ms: null});
    expect(duck.message).toBe('PGS 2021-11-01..2021-11-30 done: 1 rows in 0.0s');
  });

  it('the budget pause is one warn record with the billed bytes, for others to notify on', () => {
    const paused = eventRecord({type: 'budget-paused', time, runId: 'run-1', budget: 2 * 2 ** 40, billed: 2 * 2 ** 40 + 2 ** 30, estimate: 2 ** 40})!;
    expect(Object.keys(paused)).toEqual(FIELDS);
    expect(paused).toMatchObject({event: 'budget-paused', level: 'warn', processor: null, bytes_billed: 2 * 2 ** 40 + 2 ** 30});
    expect(paused.message).toMatch(/^budget reached: 2\.0 TiB billed of the 2\.0 TiB budget \(estimate 1\.0 TiB\); every processor is paused, resumably: resume them in the console \(R\) or with `backfill attach`/);
  });

  it('summary and progress carry the processor\'s spend so far, the outcome the run\'s against its estimate and budget', () => {
    const spend = {bytesProcessed: 2 ** 30, bytesBilled: 2 * 2 ** 30, slotMs: 1_000};
    expect(progressRecord(progress({spend}), time)).toMatchObject({bytes_billed: 2 * 2 ** 30, slot_ms: 1_000});
    const done = {...snapshot('completed'), spend: {...spend, estimate: 3 * 2 ** 30, budget: 4 * 2 ** 30, budgetReached: false}};
    done.processors = [progress({status: 'done', datesDone: 200, spend})];
    const records = summaryRecords(done, time);
    expect(records[0]).toMatchObject({event: 'summary', bytes_billed: 2 * 2 ** 30});
    expect(records[0].message).toContain('1500 rows; 1.0 GiB processed, 2.0 GiB billed, 1000 slot-ms');
    expect(records.at(-1)).toMatchObject({event: 'run-finished', bytes_billed: 2 * 2 ** 30, bytes_processed: 2 ** 30, slot_ms: 1_000});
    expect(records.at(-1)!.message).toMatch(/; 1\.0 GiB processed, 2\.0 GiB billed, 1000 slot-ms \(estimate 3\.0 GiB\), budget 4\.0 GiB$/);
  });
});

describe('printRun', () => {
  it('prints events as they come, progress at the interval, and the summary when the run ends', async () => {
    const listeners = new Set<(event: RunEvent) => void>();
    let finish!: (s: RunSnapshot) => void;
    const handle: RunHandle = {
      getSnapshot: () => ({...snapshot('running'), processors: [progress()]}),
      subscribe: (l) => (listeners.add(l), () => listeners.delete(l)),
      send: () => undefined,
      finished: new Promise((resolve) => (finish = resolve)),
    };
    const out: string[] = [];
    const printer = printRun(handle, {format: 'json', write: (l) => out.push(l), progressIntervalMs: 20});
    for (const l of listeners) l({type: 'batch-started', time, runId: 'run-1', batch});
    // Two intervals' progress, however loaded the machine (a fixed sleep saw only one under CI).
    await until('two progress lines', () => out.filter((l) => JSON.parse(l).event === 'progress').length >= 2, 10_000, 5);
    finish(snapshot('completed'));
    const final = await printer.finished;
    expect(final.state).toBe('completed');
    expect(listeners.size).toBe(0);
    const events = out.map((l) => JSON.parse(l).event);
    expect(events[0]).toBe('batch-started');
    expect(events.filter((e) => e === 'progress').length).toBeGreaterThanOrEqual(2);
    expect(events.slice(-2)).toEqual(['summary', 'run-finished']);
    // No progress after the end.
    const count = out.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(out.length).toBe(count);
  });
});
