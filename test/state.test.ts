// The resume-state store (conf, atomic writes, corrupt files kept aside) and the warehouse lock
// (refuses a live second writer by name, takes over a dead one's lock).
import {spawnSync, spawn} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {UsageError, WarehouseBusyError} from '../src/errors.js';
import {acquireLock, lockFilePath, lockHolder} from '../src/state/lock.js';
import {StateStore, stateFilePath} from '../src/state/store.js';
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

  it('moves a corrupt file aside with a clear message instead of resetting it', () => {
    const file = stateFilePath(tmp.dir);
    mkdirSync(tmp.dir, {recursive: true});
    writeFileSync(file, '{"version": 1, "warehouses": {"x": {"paused": ["nope"');
    let error: unknown;
    try {
      new StateStore(tmp.dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/state file .*state\.json is corrupt .* kept as .*state\.json\.corrupt-/);
    const aside = readdirSync(tmp.dir).find((f) => f.startsWith('state.json.corrupt-'))!;
    expect(readFileSync(join(tmp.dir, aside), 'utf8')).toBe('{"version": 1, "warehouses": {"x": {"paused": ["nope"');
    // The next open starts clean, and the kept copy is untouched.
    expect(new StateStore(tmp.dir).paused('x')).toEqual([]);
    expect(existsSync(join(tmp.dir, aside))).toBe(true);
  });

  it('treats valid JSON of the wrong shape as corrupt too', () => {
    mkdirSync(tmp.dir, {recursive: true});
    writeFileSync(stateFilePath(tmp.dir), JSON.stringify({version: 1, warehouses: {x: {paused: ['not_a_table'], active: null, history: []}}}));
    expect(() => new StateStore(tmp.dir)).toThrow(/corrupt \(warehouses\.x\.paused\.0/);
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
