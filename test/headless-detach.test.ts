// `run --detach`: the built CLI returns at once with the pid and the log file; the background run
// serves the warehouse's socket (what `backfill attach` joins) and logs to the file until it
// completes. Bad input is refused before anything starts.
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {connectSession} from '../src/attach/client.js';
import {socketPath} from '../src/attach/paths.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {assertBuilt, backfill, lines, sandbox, type Sandbox} from './support/cli.js';
import {alive, until} from './support/wait.js';

const AS_OF = '2021-12-16';
let box: Sandbox;
let config: string;

beforeAll(async () => {
  assertBuilt();
  box = sandbox();
  await createDemoWarehouse(box.warehouse, {asOf: AS_OF});
  config = join(box.dir, 'config.json');
  writeFileSync(config, JSON.stringify({boundary: AS_OF}));
});

afterAll(() => box?.cleanup());

describe('run --detach', {timeout: 240_000}, () => {
  it('refuses bad input before starting anything', async () => {
    const result = await backfill(box, ['--config', config, 'run', '--detach', '--processors', 'NOPE']);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(existsSync(join(box.stateDir, 'logs'))).toBe(false);
  });

  it('status answers from the live run while it holds the warehouse', async () => {
    const slow = join(box.dir, 'slow.json');
    // An external PGS that takes its time keeps the run (and its write lock) alive.
    writeFileSync(slow, JSON.stringify({boundary: AS_OF, processors: {PGS: {command: ['sleep', '300']}}}));
    const started = await backfill(box, ['--config', slow, 'run', '--detach', '--processors', 'PGS']);
    expect(started.exitCode).toBe(0);
    const pid = Number(/pid (\d+)/.exec(started.stdout)![1]);
    try {
      const json = await backfill(box, ['--config', config, 'status', '--json']);
      expect(json.exitCode).toBe(0);
      const status = JSON.parse(json.stdout);
      expect(status.live.pid).toBe(pid);
      expect(status.tables).toHaveLength(10);
      expect(status.totals.expected).toBeGreaterThan(0);
      const text = await backfill(box, ['--config', config, 'status']);
      expect(text.exitCode).toBe(0);
      expect(text.stdout).toContain(`(from the live run, pid ${pid}`);
    } finally {
      // Stop, then cancel the batch in flight (the sleeping child); wait until the lock is free.
      for (const signal of ['SIGTERM', 'SIGTERM'] as const) {
        if (alive(pid)) process.kill(pid, signal);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      await until('the background run to exit', () => !alive(pid), 60_000);
    }
  });

  it('returns with the pid and log; the background run serves attach and completes into its log', async () => {
    const result = await backfill(box, ['--config', config, 'run', '--detach', '--processors', 'PGS,TOGS', '--batch-size', '1', '--workers', '1']);
    expect(result.exitCode).toBe(0);
    const pid = Number(/pid (\d+)/.exec(result.stdout)![1]);
    const log = /log: (\S+)/.exec(result.stdout)![1];
    expect(result.stdout).toContain('backfill attach');
    expect(log.startsWith(join(box.stateDir, 'logs'))).toBe(true);

    // The returned command waited for the socket: a client can join the live run right away.
    const session = await connectSession(socketPath(box.stateDir, box.warehouse));
    try {
      expect(session.owner.pid).toBe(pid);
      expect(session.owner.command).toContain('run');
    } finally {
      await session.close('detach');
    }

    await until('the background run to exit', () => !alive(pid), 200_000);
    const records = lines(readFileSync(log, 'utf8'));
    expect(records.some((l) => / PGS \d{4}-\d\d-\d\d\.\.\d{4}-\d\d-\d\d done: \d+ rows/.test(l))).toBe(true);
    expect(records.at(-1)).toMatch(/completed: 88\/88 game dates/);
    const status = JSON.parse((await backfill(box, ['--config', config, 'status', '--json'])).stdout);
    for (const short of ['PGS', 'TOGS']) {
      const table = status.tables.find((t: {short: string}) => t.short === short);
      expect(table.covered).toBe(table.expected);
    }
  });
});
