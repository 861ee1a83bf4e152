// A detached run cannot be hurt by its clients: a console killed with SIGKILL while attached, a
// client writing garbage, a wrong protocol version, half lines (one completed later, one never,
// a cancel cut before its newline) leave it running to the same tables as an undisturbed run, and
// the bad client is named in the run's log, once. A flood of refresh requests does not slow it
// down much, and a shared state dir keeps its permissions. Needs `npm run build` (tmux runs the
// built console).
import {execFileSync} from 'node:child_process';
import {chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createConnection, type Socket} from 'node:net';
import {dirname, join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {connectSession} from '../src/attach/client.js';
import {socketPath} from '../src/attach/paths.js';
import {PROTOCOL_VERSION as V} from '../src/attach/protocol.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {tableFacts, type TableFacts} from './runner-support.js';
import {assertBuilt, backfill, BIN, lines, sandbox, type Sandbox} from './support/cli.js';
import {alive, sleep, until} from './support/wait.js';

const AS_OF = '2021-12-16';
const FROM = '2021-10-19';
// One date per batch, one at a time: the run lasts long enough for the clients below.
const SLOW = ['--batch-size', '1', '--workers', '1'];

const TMUX = `backfill-attach-run-${process.pid}-${Date.now()}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', TMUX, ...args], {encoding: 'utf8'});
const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A raw client on the run's socket: everything the run answers, line by line. */
async function rawClient(path: string): Promise<{socket: Socket; received: () => {type: string; message?: string}[]}> {
  const socket = createConnection(path);
  socket.setEncoding('utf8');
  let text = '';
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const received = () =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as {type: string; message?: string});
  await until('the hello', () => received().length > 0, 5000);
  return {socket, received};
}

async function facts(file: string): Promise<Record<string, TableFacts>> {
  const warehouse = await openDuckDb(file, {readOnly: true});
  try {
    return await tableFacts(warehouse);
  } finally {
    await warehouse.close();
  }
}

describe('a detached run and misbehaving clients', () => {
  let box: Sandbox;
  let config: string;
  let undisturbed: string;
  let pristine: string;
  let pid = 0;

  beforeAll(async () => {
    assertBuilt();
    box = sandbox();
    await createDemoWarehouse(box.warehouse, {asOf: AS_OF, seed: 7});
    undisturbed = join(box.dir, 'undisturbed.duckdb');
    copyFileSync(box.warehouse, undisturbed);
    pristine = join(box.dir, 'pristine.duckdb');
    copyFileSync(box.warehouse, pristine);
    config = join(box.dir, 'config.json');
    writeFileSync(config, JSON.stringify({boundary: AS_OF}));
  }, 120_000);

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // no server left
    }
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    box?.cleanup();
  });

  test('SIGKILL of an attached console, garbage and half lines: the run completes, same tables, bad client logged', {timeout: 300_000}, async () => {
    const started = await backfill(box, ['--config', config, 'run', '--detach', '--from', FROM, ...SLOW]);
    expect(started.exitCode, started.stderr).toBe(0);
    pid = Number(/pid (\d+)/.exec(started.stdout)![1]);
    const log = /log: (\S+)/.exec(started.stdout)![1];
    const path = socketPath(box.stateDir, box.warehouse);

    // A console attached in a terminal, then killed without any chance to say goodbye.
    const env = Object.entries({...box.env, LANG: 'C.UTF-8', LC_ALL: '', TERM: 'screen'})
      .filter(([key]) => key !== 'NO_COLOR')
      .map(([key, value]) => `${key}=${shellQuote(value)}`)
      .join(' ');
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'console', `cd ${shellQuote(box.dir)} && exec env -u CI -u NO_COLOR ${env} node ${shellQuote(BIN)} --config ${shellQuote(config)} attach`);
    tmux('set-option', '-t', 'console', 'remain-on-exit', 'on');
    const consolePid = Number(tmux('list-panes', '-t', 'console', '-F', '#{pane_pid}').trim());
    const deadline = Date.now() + 30_000;
    while (!tmux('capture-pane', '-p', '-t', 'console').includes('(attached)')) {
      if (Date.now() > deadline) throw new Error(`the console did not attach:\n${tmux('capture-pane', '-p', '-t', 'console')}`);
      await sleep(200);
    }
    process.kill(consolePid, 'SIGKILL');
    // tmux reaps it: the pane is dead (a zombie would still answer kill(pid, 0)).
    await until('the console to die', () => tmux('list-panes', '-t', 'console', '-F', '#{pane_dead}').trim() === '1', 10_000);

    // Garbage, a wrong version, a line split across writes, then a cancel cut before its newline.
    const bad = await rawClient(path);
    bad.socket.write('this is not json\n');
    bad.socket.write(`{"v":${V - 1},"type":"refresh"}\n`);
    bad.socket.write(`{"v":${V},"type":"re`);
    await sleep(200);
    bad.socket.write('fresh"}\n');
    bad.socket.write(Buffer.from([0xff, 0xfe, 0x00, 0x0a]));
    await until('two errors and one for the binary line', () => bad.received().filter((m) => m.type === 'error').length >= 3, 5000);
    const errors = bad.received().filter((m) => m.type === 'error').map((m) => m.message);
    // The refresh completed by the second write was understood: exactly three errors.
    expect(errors).toEqual(['not JSON', `unsupported protocol version ${V - 1} (this run speaks ${V})`, 'not JSON']);
    bad.socket.end(`{"v":${V},"type":"intent","intent":{"type":"cancel"}}`);
    const half = await rawClient(path);
    half.socket.write(`{"v":${V},"type":"intent","intent":{"ty`);
    half.socket.destroy();

    // The run goes on and still serves well-behaved clients.
    await sleep(1000);
    expect(alive(pid)).toBe(true);
    const session = await connectSession(path);
    try {
      expect(session.owner.pid).toBe(pid);
      expect(session.getState().run?.state).toBe('running');
    } finally {
      await session.close('detach');
    }

    await until('the detached run to finish', () => !alive(pid), 240_000);
    const records = lines(readFileSync(log, 'utf8'));
    expect(records.at(-1)).toMatch(/completed: (\d+)\/\1 game dates, \d+ batches done, 0 failed/);
    // The bad client is logged once, and counted when it left: its garbage does not flood the log.
    const complaints = records.filter((l) => l.includes('attach: '));
    expect(complaints).toHaveLength(2);
    expect(complaints[0]).toMatch(/WARN .*attach: bad message from a client: not JSON$/);
    expect(complaints[1]).toMatch(/WARN .*attach: a client that sent 3 bad messages left \(the first: not JSON\)$/);

    const stateDir = join(box.dir, 'state-undisturbed');
    const plain = await backfill(box, ['--config', config, 'run', '--no-tty', '--warehouse', undisturbed, '--state-dir', stateDir, '--from', FROM, ...SLOW]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    rmSync(stateDir, {recursive: true, force: true});

    const survived = await facts(box.warehouse);
    expect(Object.keys(survived)).toHaveLength(10);
    for (const [table, fact] of Object.entries(survived)) {
      expect(fact.rows, table).toBeGreaterThan(0);
      expect(fact.distinctKeys, `${table}: duplicate keys`).toBe(fact.rows);
    }
    expect(survived).toEqual(await facts(undisturbed));
  });
  /** A detached run of the whole demo, one date per batch; resolves with its wall-clock seconds. */
  async function detachedRun(name: string, flood?: (path: string) => Promise<void>): Promise<number> {
    const file = join(box.dir, `${name}.duckdb`);
    const stateDir = join(box.dir, `state-${name}`);
    copyFileSync(pristine, file);
    const started = Date.now();
    const run = await backfill(box, ['--config', config, 'run', '--detach', '--warehouse', file, '--state-dir', stateDir, '--from', FROM, ...SLOW]);
    expect(run.exitCode, run.stderr).toBe(0);
    const runPid = Number(/pid (\d+)/.exec(run.stdout)![1]);
    await flood?.(socketPath(stateDir, file));
    await until(`the ${name} run to finish`, () => !alive(runPid), 240_000, 50);
    const seconds = (Date.now() - started) / 1000;
    expect(lines(readFileSync(/log: (\S+)/.exec(run.stdout)![1], 'utf8')).at(-1)).toMatch(/completed: (\d+)\/\1 game dates/);
    return seconds;
  }

  test('10,000 refresh lines from one client do not stall the run: under 2x an undisturbed run', {timeout: 600_000}, async () => {
    const quiet = await detachedRun('quiet');
    const flooded = await detachedRun('flooded', async (path) => {
      const client = await rawClient(path);
      client.socket.write(`{"v":${V},"type":"refresh"}\n`.repeat(10_000));
      client.socket.end(); // and leaves: what it still had queued is dropped
    });
    console.log(`attach flood: undisturbed run ${quiet.toFixed(1)} s, flooded run ${flooded.toFixed(1)} s (${(flooded / quiet).toFixed(2)}x)`);
    expect(flooded).toBeLessThan(2 * quiet);
  });

  test('a shared state dir keeps its permissions: the socket lives in a private directory of its own', {timeout: 120_000}, async () => {
    for (const mode of [0o1777, 0o775]) {
      const shared = join(box.dir, `shared-${mode.toString(8)}`);
      mkdirSync(shared);
      chmodSync(shared, mode);
      const file = join(box.dir, `shared-${mode.toString(8)}.duckdb`);
      copyFileSync(pristine, file);
      const result = await backfill(box, ['--config', config, 'run', '--no-tty', '--warehouse', file, '--state-dir', shared, '--from', FROM, '--to', '2021-10-25']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).not.toContain('backfill attach will not see this run');
      expect(statSync(shared).mode & 0o7777).toBe(mode);
      expect(statSync(dirname(socketPath(shared, file))).mode & 0o7777).toBe(0o700);
    }
  });
});
