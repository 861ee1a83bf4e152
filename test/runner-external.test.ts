// External processors: a real child process (test/fixtures/external-ticker.mjs, which itself
// starts a grandchild), its lines in the log, SIGSTOP/SIGCONT on its process group, exit codes,
// and the coverage check after a zero exit.
import {join, resolve} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {parseConfig} from '../src/config.js';
import {startRun} from '../src/runner/index.js';
import {KILL_GRACE_MS, OUTPUT_LINE_MAX, runExternal} from '../src/runner/external.js';
import type {DerivedTableName} from '../src/catalog/types.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {collect, ofType, scheduleOnlyWarehouse, tempDir, type TempDir} from './runner-support.js';

const TICKER = resolve(import.meta.dirname, 'fixtures', 'external-ticker.mjs');
const DATES = ['2021-11-01', '2021-11-02', '2021-11-03'];
const RANGE = {start: '2021-11-01', end: '2021-11-03'};

let tmp: TempDir;
let warehouse: DuckDbWarehouse;

beforeEach(async () => {
  tmp = tempDir();
  warehouse = await scheduleOnlyWarehouse(join(tmp.dir, 'w.duckdb'), DATES);
});

afterEach(async () => {
  await warehouse.close();
  tmp.cleanup();
});

/** What the script would have written (it cannot open the DuckDB file this process holds). */
async function coverWithRows(table: 'player_game_summary' | 'team_offense_game_summary', dates: readonly string[]) {
  const column = table === 'player_game_summary' ? 'player_lookup' : 'team_abbr';
  for (const date of dates) {
    for (const who of ['a', 'b']) {
      await warehouse.query(`INSERT INTO nba_analytics.${table} (game_date, game_id, ${column}) VALUES (CAST($d AS DATE), 'g', $w)`, {
        d: {type: 'DATE', value: date},
        w: {type: 'STRING', value: who},
      });
    }
  }
}

function config(commands: Partial<Record<DerivedTableName, string[]>>) {
  const processors: Record<string, {command: string[]}> = {};
  for (const [name, flags] of Object.entries(commands)) processors[name] = {command: [process.execPath, TICKER, '{start}', '{end}', ...flags!]};
  return parseConfig({processors});
}

async function run(commands: Partial<Record<DerivedTableName, string[]>>, options: {batchSize?: number; force?: boolean} = {}) {
  const handle = await startRun({
    warehouse,
    stateDir: join(tmp.dir, 'state'),
    config: config(commands),
    boundary: '2022-01-01',
    request: {range: RANGE, processors: Object.keys(commands) as DerivedTableName[], batchSize: options.batchSize ?? 3, force: options.force ?? true},
  });
  const events = collect(handle.subscribe);
  return {handle, events};
}

describe('external processors', () => {
  it('streams stdout and stderr lines into the log and checks coverage after a zero exit', async () => {
    await coverWithRows('player_game_summary', DATES);
    const {handle, events} = await run({player_game_summary: ['--ticks=3']});
    const final = await handle.finished;
    expect(final.state).toBe('completed');
    const lines = ofType(events, 'external-output');
    expect(lines.map((l) => l.line)).toContain(`backfilling 2021-11-01 to 2021-11-03 (run ${handle.runId}, processor player_game_summary)`);
    expect(lines.filter((l) => l.stream === 'stdout' && l.line.startsWith('tick '))).toHaveLength(3);
    expect(lines.find((l) => l.stream === 'stderr')?.line).toBe('warning: demo script for 2021-11-01');
    const [finished] = ofType(events, 'batch-finished');
    expect(finished.rows).toBe(6); // the rows the warehouse holds on the batch's dates
  });

  it('fails the batch when the command exits 0 but the dates are not covered', async () => {
    await coverWithRows('player_game_summary', DATES.slice(0, 2));
    const {handle, events} = await run({player_game_summary: []});
    const final = await handle.finished;
    expect(final.state).toBe('failed');
    expect(ofType(events, 'batch-failed')[0].error).toMatch(/exited 0 but PGS has no rows on 1 of its 3 game dates \(2021-11-03\)/);
  });

  it('fails the batch on a non-zero exit and lets the other processors finish', async () => {
    await coverWithRows('team_offense_game_summary', DATES);
    const {handle, events} = await run({player_game_summary: ['--exit=3'], team_offense_game_summary: []}, {batchSize: 1});
    const final = await handle.finished;
    expect(final.state).toBe('failed');
    const failed = ofType(events, 'batch-failed');
    expect(failed).toHaveLength(3);
    expect(failed[0].error).toMatch(/exited with code 3: failed on purpose with 3/);
    expect(ofType(events, 'batch-retry')).toHaveLength(0); // a failing command is not retried
    const togs = final.processors.find((p) => p.name === 'team_offense_game_summary')!;
    expect(togs).toMatchObject({status: 'done', datesDone: 3});
    expect(final.processors.find((p) => p.name === 'player_game_summary')).toMatchObject({status: 'failed', datesFailed: 3});
  });

  it('pauses the whole process group with SIGSTOP and continues it on resume', async () => {
    await coverWithRows('player_game_summary', DATES);
    const {handle, events} = await run({player_game_summary: ['--ticks=12', '--tick-ms=40']});
    const ticks = () => ofType(events, 'external-output').filter((l) => l.line.startsWith('tick '));
    await until(() => ticks().length >= 2);
    handle.send({type: 'pause', processor: 'player_game_summary'});
    const pausedAt = Date.now();
    await sleep(150); // a line already written before the stop may still arrive
    const seen = ticks().length;
    await sleep(600);
    expect(ticks().length).toBe(seen);
    expect(handle.getSnapshot().processors[0]).toMatchObject({status: 'paused', paused: true});
    expect(handle.getSnapshot().processors[0].running).toHaveLength(1);
    handle.send({type: 'resume', processor: 'player_game_summary'});
    const final = await handle.finished;
    expect(final.state).toBe('completed');
    expect(ticks()).toHaveLength(12);
    // The grandchild's clock shows the gap: two consecutive ticks at least 600 ms apart.
    const times = ticks().map((t) => Number(t.line.split(' at ')[1]));
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(600);
    expect(times.some((t) => t > pausedAt + 700)).toBe(true);
  });
});

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function until(condition: () => boolean, timeoutMs = 10_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await sleep(10);
  }
}

describe('cancelling an external command', () => {
  it('kills a command that ignores SIGTERM after a grace period, so cancel cannot hang', async () => {
    const lines: string[] = [];
    const run = runExternal({
      template: [process.execPath, '-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000)"],
      start: '2021-11-01',
      end: '2021-11-01',
      env: {},
      onLine: (_stream, line) => lines.push(line),
    });
    await until(() => lines.includes('up'), 10_000);
    const started = Date.now();
    run.kill();
    await expect(run.done).rejects.toThrow(/SIGKILL/);
    expect(lines).toContain('ignoring SIGTERM');
    expect(Date.now() - started).toBeGreaterThanOrEqual(KILL_GRACE_MS - 100);
  }, 30_000);
});

describe("an external command's output", () => {
  it('reaches the log cut to a line and printable, however long or binary it is', async () => {
    const lines: string[] = [];
    const run = runExternal({
      template: [process.execPath, '-e', "process.stdout.write('x'.repeat(100000) + '\\n\\u001b[2J\\u0007bell\\n')"],
      start: '2021-11-01',
      end: '2021-11-01',
      env: {},
      onLine: (_stream, line) => lines.push(line),
    });
    await run.done;
    expect(lines).toHaveLength(2);
    expect(lines[0].length).toBe(OUTPUT_LINE_MAX + 1); // the cut is marked with an ellipsis
    expect(lines[1]).toBe('?[2J?bell');
  });
});
