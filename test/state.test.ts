// The resume-state store (conf, atomic writes, corrupt files kept aside) and the warehouse lock
// (refuses a live second writer by name, takes over a dead one's lock).
import {spawnSync, spawn} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {UsageError, WarehouseBusyError} from '../src/errors.js';
import {acquireLock, lockFilePath, lockHolder} from '../src/state/lock.js';
import {prepareStateDir, StateDirError} from '../src/state/dir.js';
import {corruptStateNotice, recoverStateFile, StateStore, stateFilePath} from '../src/state/store.js';
import {tempDir, type TempDir} from './runner-support.js';

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir('backfill-state-');
});
afterEach(() => tmp.cleanup());

const RANGE = {start: '2021-11-01', end: '2022-04-10'};

describe('state store', () => {
  it('keeps paused flags, the active run and the history per warehouse across reopenings', () => {
    const store = new StateStore(tmp.dir);
    store.setPaused('/w/a.duckdb', ['ml_feature_store', 'player_game_summary'], true);
    store.setActive('/w/a.duckdb', {
      runId: 'r1', pid: 1, startedAt: 'now', boundary: '2025-01-01', status: 'running', batchesPlanned: 4,
      request: {range: RANGE, processors: ['player_game_summary']}, done: {player_game_summary: ['2021-11-01']},
    });
    const reopened = new StateStore(tmp.dir);
    expect(reopened.paused('/w/a.duckdb')).toEqual(['player_game_summary', 'ml_feature_store']); // catalog order
    expect(reopened.paused('/w/b.duckdb')).toEqual([]);
    expect(reopened.active('/w/a.duckdb')?.done).toEqual({player_game_summary: ['2021-11-01']});
    reopened.setPaused('/w/a.duckdb', ['player_game_summary'], false);
    expect(new StateStore(tmp.dir).paused('/w/a.duckdb')).toEqual(['ml_feature_store']);
    // Keys with dots and slashes are not split into nested objects.
    expect(JSON.parse(readFileSync(stateFilePath(tmp.dir), 'utf8')).warehouses['/w/a.duckdb'].paused).toEqual(['ml_feature_store']);
  });

  it('reads a corrupt file as empty, and the first write keeps it aside instead of resetting it', () => {
    const file = stateFilePath(tmp.dir);
    const garbage = '{"version": 1, "warehouses": {"x": {"paused": ["nope"';
    writeFileSync(file, garbage);
    const store = new StateStore(tmp.dir);
    // The warehouse is the truth: nothing paused, nothing to resume; and reading moved nothing.
    expect(store.paused('x')).toEqual([]);
    expect(store.active('x')).toBeNull();
    expect(readdirSync(tmp.dir)).toEqual(['state.json']);
    expect(corruptStateNotice(tmp.dir)).toMatch(/state file .*state\.json is corrupt \(.*\); the next run keeps it aside .*paused flags, the resume point of an interrupted run and the run history will be lost/);
    // A write never overwrites it: it goes aside byte for byte, then a new file starts.
    store.setPaused('x', ['player_game_summary'], true);
    const aside = readdirSync(tmp.dir).find((f) => f.startsWith('state.json.corrupt-'))!;
    expect(readFileSync(join(tmp.dir, aside), 'utf8')).toBe(garbage);
    expect(new StateStore(tmp.dir).paused('x')).toEqual(['player_game_summary']);
  });

  it('recoverStateFile keeps a corrupt file aside and says in one printable line what was lost', () => {
    const file = stateFilePath(tmp.dir);
    const garbage = Buffer.concat([Buffer.from([0, 1, 2, 0x1b, 0xff, 0xfe]), Buffer.alloc(1_000_000, 0x07)]);
    writeFileSync(file, garbage);
    const line = recoverStateFile(tmp.dir)!;
    expect(line).toMatch(/^the state file .*state\.json was corrupt \(.*\); it is kept as .*state\.json\.corrupt-.* and a new one is started: its paused flags, the resume point of an interrupted run and the run history are lost; the work goes on from what the warehouse holds$/);
    // Garbage does not reach the message raw (issue 15.9): short, no control bytes.
    expect(line.length).toBeLessThan(500);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/);
    const aside = readdirSync(tmp.dir).find((f) => f.startsWith('state.json.corrupt-'))!;
    expect(readFileSync(join(tmp.dir, aside)).equals(garbage)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(recoverStateFile(tmp.dir)).toBeNull(); // nothing more to recover
  });

  it('treats valid JSON of the wrong shape as corrupt too, naming where', () => {
    writeFileSync(stateFilePath(tmp.dir), JSON.stringify({version: 1, warehouses: {x: {paused: ['not_a_table'], active: null, history: []}}}));
    expect(corruptStateNotice(tmp.dir)).toMatch(/corrupt \(warehouses\.x\.paused\.0/);
    expect(new StateStore(tmp.dir).paused('x')).toEqual([]);
  });

  it('reading state creates nothing: no directory, no file', () => {
    const dir = join(tmp.dir, 'not-yet');
    const store = new StateStore(dir);
    expect(store.paused('x')).toEqual([]);
    expect(store.active('x')).toBeNull();
    expect(store.history('x')).toEqual([]);
    expect(corruptStateNotice(dir)).toBeNull();
    expect(existsSync(dir)).toBe(false);
    // A state dir path under a regular file holds nothing either: reads as empty.
    writeFileSync(join(tmp.dir, 'plain-file'), 'x');
    expect(new StateStore(join(tmp.dir, 'plain-file', 'state')).paused('x')).toEqual([]);
  });
});

describe('a state dir that cannot be written', () => {
  it('is one StateDirError line that says what is wrong and what to do, for the store and the lock', () => {
    writeFileSync(join(tmp.dir, 'plain-file'), 'x');
    const under = join(tmp.dir, 'plain-file', 'state');
    const expected = new RegExp(`^the state dir ${under} cannot be created: ${join(tmp.dir, 'plain-file')} is a file, not a directory: remove or rename it, or point --state-dir \\(or BACKFILL_STATE_DIR\\) at a directory this user can write$`);
    for (const write of [
      () => new StateStore(under).setPaused('x', ['player_game_summary'], true),
      () => acquireLock(under, '/w/a.duckdb', {range: null, runId: null}),
      () => prepareStateDir(under),
    ]) {
      let error: unknown;
      try {
        write();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StateDirError);
      expect(error).toBeInstanceOf(UsageError); // exit 2
      expect((error as Error).message).toMatch(expected);
    }
    const itself = join(tmp.dir, 'plain-file');
    expect(() => prepareStateDir(itself)).toThrow(new RegExp(`^the state dir ${itself} is a file, not a directory`));
  });
});

describe('warehouse lock', () => {
  it('refuses a second writer and names the holder (pid, start time, range)', () => {
    const lock = acquireLock(tmp.dir, '/w/a.duckdb', {range: RANGE, runId: 'r1'});
    let error: unknown;
    try {
      acquireLock(tmp.dir, '/w/a.duckdb', {range: null, runId: null});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WarehouseBusyError);
    expect((error as WarehouseBusyError).holderPid).toBe(process.pid);
    expect((error as Error).message).toContain(`pid ${process.pid} on ${hostname()}, started ${lock.holder.startedAt}, range 2021-11-01 → 2022-04-10`);
    // Another warehouse is independent.
    acquireLock(tmp.dir, '/w/b.duckdb', {range: null, runId: null}).release();
    lock.release();
    acquireLock(tmp.dir, '/w/a.duckdb', {range: null, runId: null}).release();
  });

  it('refuses while another live process holds it', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const file = lockFilePath(tmp.dir, '/w/a.duckdb');
      mkdirSync(join(tmp.dir, 'locks'), {recursive: true});
      writeFileSync(file, JSON.stringify({pid: child.pid, host: hostname(), startedAt: '2026-01-01T00:00:00Z', warehouse: '/w/a.duckdb', range: RANGE, runId: 'cron'}));
      expect(() => acquireLock(tmp.dir, '/w/a.duckdb', {range: null, runId: null})).toThrow(new RegExp(`pid ${child.pid} on .*started 2026-01-01`));
      expect(lockHolder(tmp.dir, '/w/a.duckdb')?.pid).toBe(child.pid);
    } finally {
      child.kill();
    }
  });

  it('takes over the lock of a dead process', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'});
    const deadPid = Number(dead.stdout);
    const file = lockFilePath(tmp.dir, '/w/a.duckdb');
    mkdirSync(join(tmp.dir, 'locks'), {recursive: true});
    writeFileSync(file, JSON.stringify({pid: deadPid, host: hostname(), startedAt: '2026-01-01T00:00:00Z', warehouse: '/w/a.duckdb', range: null, runId: null}));
    expect(lockHolder(tmp.dir, '/w/a.duckdb')).toBeNull();
    const lock = acquireLock(tmp.dir, '/w/a.duckdb', {range: null, runId: 'r2'});
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({pid: process.pid, runId: 'r2'});
    expect(readdirSync(join(tmp.dir, 'locks'))).toEqual([file.split('/').pop()]); // nothing left behind
    lock.release();
    expect(existsSync(file)).toBe(false);
  });
});
