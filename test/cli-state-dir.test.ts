// The state dir through the built CLI (issue 15.4-15.6): reading state never creates it (a dry run
// and a refused run leave nothing behind); a corrupt state file costs its flags, never the night's
// run; a state dir that cannot be written is one line with what to do (exit 2), and `validate`
// still prints what it found. Root writes through any chmod, so unwritable dirs are real ones: a
// path under a regular file, and read-only tmpfs mounts where the machine allows them.
import {createHash} from 'node:crypto';
import {spawnSync} from 'node:child_process';
import {chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {backfill, BIN, demoSandbox, lines, type Sandbox} from './support/cli.js';
import {mountUnsupported, needsMount, tmpfs} from './support/mounts.js';

const AS_OF = '2021-12-16';
const SMALL_RUN = ['run', '--processors', 'PGS', '--from', '2021-11-01', '--to', '2021-11-05'];
const SLOW = {timeout: 180_000};
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/;

/** The uid and gid of `nobody` on Debian-like systems. */
const NOBODY = 65534;
/** Null when this process can run a command as nobody (root, with util-linux's setpriv). */
const asNobodyUnsupported: string | null =
  process.getuid?.() !== 0 ? 'running as another user needs root' : spawnSync('setpriv', ['--version']).status !== 0 ? 'setpriv (util-linux) is not installed' : null;

let box: Sandbox;
let pristine: string;
let config: string;

beforeAll(async () => ({box, pristine, config} = await demoSandbox(AS_OF)));

afterAll(() => box?.cleanup());

function warehouseCopy(name: string, dir = box.dir): string {
  const path = join(dir, `${name}.duckdb`);
  copyFileSync(pristine, path);
  return path;
}

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

const cli = (warehouse: string, stateDir: string, args: readonly string[]) =>
  backfill(box, ['--config', config, '--warehouse', warehouse, '--state-dir', stateDir, ...args]);

describe('nothing is written before the command knows it will act (15.4)', SLOW, () => {
  it('run --dry-run creates no state dir and no state file', async () => {
    const stateDir = join(box.dir, 'dry-state');
    const result = await cli(warehouseCopy('dry'), stateDir, ['run', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/total: \d+ batches/);
    expect(existsSync(stateDir)).toBe(false);
  });

  it.skipIf(mountUnsupported)(needsMount('a run refused on a read-only warehouse leaves no state behind'), async () => {
    const disk = tmpfs(16);
    try {
      const warehouse = warehouseCopy('read-only', disk.dir);
      disk.readOnly();
      const stateDir = join(box.dir, 'refused-state');
      const result = await cli(warehouse, stateDir, SMALL_RUN);
      expect(result.exitCode).toBe(2);
      expect(lines(result.stderr)).toEqual([expect.stringMatching(/^backfill: cannot open the warehouse .*read-only\.duckdb: .*Read-only file system/i)]);
      expect(existsSync(stateDir)).toBe(false);
    } finally {
      disk.unmount();
    }
  });
});

describe('a corrupt state file costs its flags, not the run (15.5, 15.9)', SLOW, () => {
  const garbage = Buffer.concat([Buffer.from('\u0000\u0001{"version": 1, "warehou'), Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0xff, 0xfe]), Buffer.alloc(200_000, 0x41)]);

  it('the run goes on: the file is kept aside byte for byte and one printable line says what was lost', async () => {
    const stateDir = join(box.dir, 'corrupt-state');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'state.json'), garbage);
    const result = await cli(warehouseCopy('corrupt'), stateDir, SMALL_RUN);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    const warning = lines(result.stdout).filter((l) => l.includes('state file'));
    expect(warning).toEqual([
      expect.stringMatching(/WARN {2}the state file .*state\.json was corrupt \(.*\); it is kept as .*state\.json\.corrupt-\S+ and a new one is started: its paused flags, the resume point of an interrupted run and the run history are lost; the work goes on from what the warehouse holds$/),
    ]);
    expect(warning[0].length).toBeLessThan(600);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(lines(result.stdout).at(-1)).toMatch(/completed/);
    const aside = readdirSync(stateDir).find((f) => f.startsWith('state.json.corrupt-'))!;
    expect(readFileSync(join(stateDir, aside)).equals(garbage)).toBe(true);
    // A new, valid file holds this run.
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
    expect(Object.values(state.warehouses as Record<string, {history: unknown[]}>)[0].history).toHaveLength(1);
  });

  it('a dry run says so and leaves the file where it is', async () => {
    const stateDir = join(box.dir, 'corrupt-dry');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'state.json'), garbage);
    const result = await cli(warehouseCopy('corrupt-dry'), stateDir, ['run', '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/WARN {2}the state file .*state\.json is corrupt \(.*\); the next run keeps it aside and starts a new one/);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(readdirSync(stateDir)).toEqual(['state.json']);
    expect(readFileSync(join(stateDir, 'state.json')).equals(garbage)).toBe(true);
  });
});

describe('a state dir that cannot be written: one line, exit 2 (15.6)', SLOW, () => {
  it('under a regular file: says which file is in the way and what to do; the warehouse is untouched', async () => {
    const blocker = join(box.dir, 'blocker');
    writeFileSync(blocker, 'not a directory');
    const warehouse = warehouseCopy('blocked');
    const before = digest(warehouse);
    const result = await cli(warehouse, join(blocker, 'state'), SMALL_RUN);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toEqual([
      `backfill: the state dir ${join(blocker, 'state')} cannot be created: ${blocker} is a file, not a directory: remove or rename it, or point --state-dir (or BACKFILL_STATE_DIR) at a directory this user can write`,
    ]);
    expect(result.stdout).toBe('');
    expect(digest(warehouse)).toBe(before);
  });

  it('a state dir that is itself a file', async () => {
    const file = join(box.dir, 'state-is-a-file');
    writeFileSync(file, 'x');
    const result = await cli(warehouseCopy('file-state'), file, SMALL_RUN);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^backfill: the state dir .*state-is-a-file is a file, not a directory: remove or rename it, or point --state-dir/)]);
  });

  it.skipIf(asNobodyUnsupported)(`a directory this user may not write (EACCES, run as nobody)${asNobodyUnsupported ? ` (skipped: ${asNobodyUnsupported})` : ''}`, async () => {
    // Root writes through any mode: the CLI runs as nobody, on a warehouse nobody owns, with a
    // state dir only root may write.
    const dir = mkdtempSync(join(tmpdir(), 'backfill-nobody-'));
    try {
      chmodSync(dir, 0o755);
      mkdirSync(join(dir, 'warehouse'));
      const warehouse = warehouseCopy('nobody', join(dir, 'warehouse'));
      chownSync(join(dir, 'warehouse'), NOBODY, NOBODY);
      chownSync(warehouse, NOBODY, NOBODY);
      const stateDir = join(dir, 'state');
      mkdirSync(stateDir, {mode: 0o755});
      const configCopy = join(dir, 'config.json');
      copyFileSync(config, configCopy);
      chmodSync(configCopy, 0o644);
      const result = await execa('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'node', BIN, '--config', configCopy, '--warehouse', warehouse, '--state-dir', stateDir, ...SMALL_RUN], {
        cwd: dir,
        env: {...box.env, HOME: dir},
        reject: false,
      });
      expect(result.exitCode).toBe(2);
      expect(lines(String(result.stderr))).toEqual([`backfill: the state dir ${stateDir} is not writable by this user (EACCES): fix its permissions, or point --state-dir (or BACKFILL_STATE_DIR) at a directory this user can write`]);
      expect(readdirSync(stateDir)).toEqual([]);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it.skipIf(mountUnsupported)(needsMount('on a read-only file system'), async () => {
    const disk = tmpfs(1);
    try {
      disk.readOnly();
      for (const stateDir of [disk.dir, join(disk.dir, 'state')]) {
        const result = await cli(warehouseCopy('ro-state'), stateDir, SMALL_RUN);
        expect(result.exitCode).toBe(2);
        expect(lines(result.stderr)).toEqual([`backfill: the state dir ${stateDir} is on a read-only file system: point --state-dir (or BACKFILL_STATE_DIR) at a directory this user can write`]);
      }
    } finally {
      disk.unmount();
    }
  });

  it.skipIf(mountUnsupported)(needsMount('validate still prints its results, and says in one line that it could not keep them'), async () => {
    const disk = tmpfs(1);
    try {
      disk.readOnly();
      const result = await cli(warehouseCopy('ro-validate'), disk.dir, ['validate', '--tables', 'PGS', '--from', '2021-11-01', '--to', '2021-11-05']);
      // Nothing is built: completeness fails, so the checks' own verdict is exit 1.
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toMatch(/completeness/);
      expect(lines(result.stderr)).toEqual([
        `backfill: warning: these results are not kept for \`backfill report\`: the state dir ${disk.dir} is on a read-only file system: point --state-dir (or BACKFILL_STATE_DIR) at a directory this user can write`,
      ]);
    } finally {
      disk.unmount();
    }
  });
});
