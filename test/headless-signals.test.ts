// SIGTERM during a headless run: the built CLI stops after its in-flight batches, exits 1 with a
// resumable run, and the next `run` resumes it to completion without a duplicate row. A second
// signal cancels instead, and nothing is left to resume. At the edges (15.11): a signal while the
// program is still loading gets one line and 130/143; one after the run completed lets the close
// finish its checkpoint and exits 0.
import {copyFileSync, existsSync, readdirSync, readlinkSync} from 'node:fs';
import {join} from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {backfill, BIN, demoSandbox, lines, ROOT, spawnBackfill, type Sandbox} from './support/cli.js';
import {until} from './support/wait.js';

const AS_OF = '2021-12-16';
/** Small batches so that a signal lands mid-run; phase 4's TDZA trails its input TDGS. */
const RUN_ARGS = ['--processors', 'PGS,TOGS,TDGS,TDZA', '--from', '2021-11-01', '--to', '2021-11-15', '--batch-size', '1', '--workers', '1'];
/** The machine is shared: whole runs as child processes get room. */
const SLOW = 240_000;
let box: Sandbox;
let pristine: string;
let config: string;

beforeAll(async () => ({box, pristine, config} = await demoSandbox(AS_OF)));

afterAll(() => box?.cleanup());

interface Record {
  event: string;
  level: string;
  message: string;
}

/** Starts a JSON-logging run and sends `signals` once `afterFinished` batches have finished. */
async function interruptedRun(warehouse: string, signals: readonly NodeJS.Signals[], afterFinished = 2) {
  const child = spawnBackfill(box, ['--config', config, '--warehouse', warehouse, '--log-format', 'json', 'run', ...RUN_ARGS]);
  let buffer = '';
  let finished = 0;
  let sent = 0;
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const complete = buffer.split('\n');
    buffer = complete.pop()!;
    for (const line of complete) {
      if (line.includes('"event":"batch-finished"')) finished += 1;
      // The first signal once batches finished; each next one after the previous was logged
      // (two identical signals sent at once may be delivered as one).
      const due = sent === 0 ? finished >= afterFinished : line.includes('"event":"signal"');
      if (due && sent < signals.length) child.kill(signals[sent++]);
    }
  });
  const result = await child;
  expect(sent).toBe(signals.length);
  return {exitCode: result.exitCode, records: lines(String(result.stdout)).map((l) => JSON.parse(l) as Record)};
}

async function duplicateKeys(path: string): Promise<number> {
  const warehouse = await openDuckDb(path, {readOnly: true});
  try {
    let duplicates = 0;
    for (const table of DERIVED_TABLES) {
      const key = table.key.map((c) => `"${c}"`).join(', ');
      const [{n}] = await warehouse.query(
        `SELECT count(*) AS n FROM (SELECT ${key} FROM ${table.dataset}.${table.name} GROUP BY ${key} HAVING count(*) > 1)`,
      );
      duplicates += Number(n);
    }
    return duplicates;
  } finally {
    await warehouse.close();
  }
}

/** Covered and scheduled game dates of the run's tables in November 1-15. */
async function coverage(path: string): Promise<{covered: number; expected: number}> {
  const tables = DERIVED_TABLES.filter((t) => ['PGS', 'TOGS', 'TDGS', 'TDZA'].includes(t.short));
  const warehouse = await openDuckDb(path, {readOnly: true});
  try {
    const [{n}] = await warehouse.query(
      "SELECT count(DISTINCT game_date) AS n FROM nba_orchestration.nba_schedule WHERE game_status = 'Final' AND game_date BETWEEN DATE '2021-11-01' AND DATE '2021-11-15'",
    );
    let covered = 0;
    for (const t of tables) {
      const [{c}] = await warehouse.query(`SELECT count(DISTINCT game_date) AS c FROM ${t.dataset}.${t.name} WHERE game_date BETWEEN DATE '2021-11-01' AND DATE '2021-11-15'`);
      covered += Number(c);
    }
    return {covered, expected: Number(n) * tables.length};
  } finally {
    await warehouse.close();
  }
}

describe('signals in a headless run', () => {
  it('SIGTERM stops after in-flight batches, exits 1, and the next run resumes it with no duplicates', async () => {
    const path = join(box.dir, 'term.duckdb');
    copyFileSync(pristine, path);
    const stopped = await interruptedRun(path, ['SIGTERM']);
    expect(stopped.exitCode).toBe(1);
    expect(stopped.records.some((r) => r.event === 'signal' && r.message.includes('SIGTERM: stopping after the batches in flight'))).toBe(true);
    const last = stopped.records.at(-1)!;
    expect(last.event).toBe('run-finished');
    expect(last.message).toContain('interrupted');
    expect(last.message).toContain('resumable');
    // Every batch that started also ended: nothing was abandoned half-way.
    const started = stopped.records.filter((r) => r.event === 'batch-started').length;
    expect(stopped.records.filter((r) => r.event === 'batch-finished').length).toBe(started);
    const partial = await coverage(path);
    expect(partial.covered).toBeGreaterThan(0);
    expect(partial.covered).toBeLessThan(partial.expected);

    const resumed = await backfill(box, ['--config', config, '--warehouse', path, 'run', ...RUN_ARGS]);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toMatch(/resuming the interrupted run run-/);
    expect(lines(resumed.stdout).at(-1)).toMatch(/completed/);
    const full = await coverage(path);
    expect(full.covered).toBe(full.expected);
    expect(await duplicateKeys(path)).toBe(0);
  }, SLOW);

  it('a second signal cancels the batches in flight; nothing is left to resume', async () => {
    const path = join(box.dir, 'cancel.duckdb');
    copyFileSync(pristine, path);
    const cancelled = await interruptedRun(path, ['SIGINT', 'SIGINT'], 1);
    expect(cancelled.exitCode).toBe(1);
    expect(cancelled.records.some((r) => r.event === 'signal' && r.message.includes('again: cancelling'))).toBe(true);
    expect(cancelled.records.at(-1)!.message).toMatch(/cancelled/);
    const plan = await backfill(box, ['--config', config, '--warehouse', path, 'run', '--dry-run']);
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).not.toContain('interrupted run');
  }, SLOW);
});

/** Whether process `pid` has `file` open (Linux: its /proc fd links). */
function opens(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false;
  }
}

describe('signals at the edges of a run (15.11)', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s while the program is still loading: one line, exit %i, nothing written', async (signal, code) => {
    const path = join(box.dir, `loading-${signal}.duckdb`);
    copyFileSync(pristine, path);
    const stateDir = join(box.dir, `loading-${signal}-state`);
    const marker = join(box.dir, `loading-${signal}.marker`);
    // The launcher runs, the program's modules are held loading (see support/hold-main.mjs).
    const child = execa('node', ['--import', join(import.meta.dirname, 'support', 'hold-main.mjs'), BIN, '--config', config, '--warehouse', path, '--state-dir', stateDir, 'run', ...RUN_ARGS], {
      cwd: box.dir,
      env: {...box.env, BACKFILL_TEST_HOLD_MARKER: marker, BACKFILL_TEST_HOLD_MS: '20000'},
      reject: false,
      stdin: 'ignore',
    });
    await until('the program to be loading', () => existsSync(marker), 30_000, 20);
    child.kill(signal);
    const result = await child;
    expect(result.signal).toBeUndefined(); // it exited by itself, not by Node's default
    expect(result.exitCode).toBe(code);
    expect(lines(String(result.stderr))).toEqual([`backfill: stopped by ${signal} before anything was written`]);
    expect(String(result.stdout)).toBe('');
    expect(existsSync(stateDir)).toBe(false);
  }, SLOW);

  it('SIGINT right after the "completed" line: the close finishes its checkpoint, exit 0', async () => {
    const path = join(box.dir, 'after-completed.duckdb');
    copyFileSync(pristine, path);
    // The whole range, all ten processors: a WAL of several MB, so the checkpoint takes a while.
    const child = spawnBackfill(box, ['--config', config, '--warehouse', path, '--log-format', 'json', 'run']);
    let sent = false;
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      if (!sent && /"event":"run-finished".*completed/.test(buffer)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const result = await child;
    expect(sent).toBe(true);
    expect(result.signal).toBeUndefined();
    expect(result.exitCode).toBe(0);
    const records = lines(String(result.stdout)).map((l) => JSON.parse(l) as Record);
    const finished = records.findIndex((r) => r.event === 'run-finished');
    expect(records[finished].message).toContain('completed');
    expect(records.slice(finished + 1)).toEqual([
      expect.objectContaining({event: 'signal', level: 'warn', message: 'SIGINT: the run has ended (completed); closing the warehouse (checkpoint) before exiting'}),
    ]);
    // Checkpointed: no WAL left behind, and the warehouse holds the run.
    expect(existsSync(`${path}.wal`)).toBe(false);
    const full = await coverage(path);
    expect(full.covered).toBe(full.expected);
  }, SLOW);

  it('SIGTERM before the run starts (while the warehouse opens): one line, exit 143, no state written', async () => {
    const path = join(box.dir, 'before-start.duckdb');
    copyFileSync(pristine, path);
    // A WAL left by a process that died without closing: every open replays it, which holds the
    // run in its checks for a while after it opened the file (the moment this test signals).
    const script = `
      const {openDuckDb} = await import(${JSON.stringify(join(ROOT, 'dist', 'warehouse', 'duckdb.js'))});
      const w = await openDuckDb(${JSON.stringify(path)});
      await w.query('CREATE TABLE scratch AS SELECT range AS n, range * 2 AS m FROM range(4000000)');
      process.exit(0);`;
    await execa('node', ['--input-type=module', '-e', script], {cwd: ROOT});
    expect(existsSync(`${path}.wal`)).toBe(true);
    const stateDir = join(box.dir, 'before-start-state');
    const child = spawnBackfill(box, ['--config', config, '--warehouse', path, '--state-dir', stateDir, '--log-format', 'json', 'run', ...RUN_ARGS]);
    await until('the run to open the warehouse', () => opens(child.pid!, path), 60_000, 5);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.signal).toBeUndefined();
    expect(result.exitCode).toBe(143);
    const records = lines(String(result.stdout)).map((l) => JSON.parse(l) as Record);
    expect(records).toEqual([expect.objectContaining({event: 'signal', message: 'SIGTERM: stopping before the run starts; nothing is written'})]);
    expect(existsSync(stateDir)).toBe(false);
  }, SLOW);
});

