// The built CLI in a real terminal (tmux): `rollback` asks and only `y` deletes; `run` on a
// terminal shows the run in the console and exits 0 once it completed and the operator quit.
import {execFileSync} from 'node:child_process';
import {copyFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {BIN, demoSandbox, ROOT, type Sandbox} from './support/cli.js';

const AS_OF = '2021-12-16';
const SLOW = {timeout: 240_000};
let box: Sandbox;
let pristine: string;
let config: string;
const server = `backfill-cli-tty-${process.pid}`;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', server, ...args], {encoding: 'utf8'});
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Runs `backfill args` in a new 100×30 tmux window; the shell prints EXITED <code> afterwards. */
function start(name: string, args: readonly string[]): void {
  const env = Object.entries(box.env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
  // -u CI: Ink draws no live frames when CI is set (CI runs this suite with CI=true).
  const command = `cd ${shellQuote(ROOT)} && env -u CI LANG=C.UTF-8 ${env} node ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}; echo EXITED $?; sleep 600`;
  tmux('new-session', '-d', '-x', '100', '-y', '30', '-s', name, command);
}

async function waitFor(name: string, pattern: RegExp, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = tmux('capture-pane', '-p', '-J', '-t', name);
    if (pattern.test(screen)) return screen;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${pattern} in:\n${screen}`);
}

async function count(path: string, where: string): Promise<number> {
  const warehouse = await openDuckDb(path, {readOnly: true});
  try {
    return Number((await warehouse.query(`SELECT count(*) AS n FROM nba_analytics.player_game_summary WHERE ${where}`))[0].n);
  } finally {
    await warehouse.close();
  }
}

beforeAll(async () => ({box, pristine, config} = await demoSandbox(AS_OF)));

afterAll(() => {
  try {
    tmux('kill-server');
  } catch {
    // no session was started
  }
  box?.cleanup();
});

describe('on a terminal', SLOW, () => {
  it('run shows the console; q after completion exits 0', async () => {
    const path = join(box.dir, 'run.duckdb');
    copyFileSync(pristine, path);
    start('run', ['--config', config, '--warehouse', path, 'run', '--processors', 'PGS,TOGS']);
    await waitFor('run', /run completed/i);
    tmux('send-keys', '-t', 'run', 'q');
    const screen = await waitFor('run', /EXITED \d+/);
    expect(screen).toMatch(/EXITED 0/);
    expect(await count(path, 'TRUE')).toBeGreaterThan(0);
  });

  it('backfill joins the run that holds the warehouse; q then d (detach) leaves that run going', async () => {
    const path = join(box.dir, 'live.duckdb');
    copyFileSync(pristine, path);
    // An external PGS that takes its time keeps the run alive while the console joins it.
    const slow = join(box.dir, 'slow.json');
    writeFileSync(slow, JSON.stringify({boundary: AS_OF, processors: {PGS: {command: ['sleep', '300']}}}));
    const detached = execFileSync('node', [BIN, '--config', slow, '--warehouse', path, 'run', '--detach', '--processors', 'PGS'], {
      env: {...process.env, ...box.env},
      encoding: 'utf8',
    });
    const pid = Number(/pid (\d+)/.exec(detached)![1]);
    try {
      start('join', ['--config', slow, '--warehouse', path]);
      await waitFor('join', /\(attached\)/);
      tmux('send-keys', '-t', 'join', 'q');
      await waitFor('join', /A run is in flight\. Quit\?/);
      tmux('send-keys', '-t', 'join', 'd');
      const screen = await waitFor('join', /EXITED \d+/);
      expect(screen).toMatch(new RegExp(`detached; the run \\(pid ${pid}\\) goes on[\\s\\S]*EXITED 0`));
      process.kill(pid, 0); // still running
    } finally {
      // Stop, then cancel the batch in flight (the sleeping child).
      for (const signal of ['SIGTERM', 'SIGTERM'] as const) {
        try {
          process.kill(pid, signal);
        } catch {
          // it already finished
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  });

  it("a console's run outlives it: q then d leaves it going, `backfill` rejoins it, q then c cancels and frees the warehouse", async () => {
    const path = join(box.dir, 'outlive.duckdb');
    copyFileSync(pristine, path);
    const slow = join(box.dir, 'outlive.json');
    writeFileSync(slow, JSON.stringify({boundary: AS_OF, processors: {PGS: {command: ['sleep', '300']}}}));
    start('outlive', ['--config', slow, '--warehouse', path, 'run', '--processors', 'PGS']);
    await waitFor('outlive', /run running/);
    tmux('send-keys', '-t', 'outlive', 'q');
    await waitFor('outlive', /A run is in flight\. Quit\?/);
    tmux('send-keys', '-t', 'outlive', 'd');
    const left = await waitFor('outlive', /EXITED \d+/);
    // The run did not complete before the operator left: exit 1, and it goes on in the host.
    expect(left).toMatch(/detached; the run \(pid \d+\) goes on[\s\S]*EXITED 1/);
    const hostPid = Number(/the run \(pid (\d+)\)/.exec(left)![1]);
    process.kill(hostPid, 0);

    start('rejoin', ['--config', slow, '--warehouse', path]);
    const rejoined = await waitFor('rejoin', /run running/);
    expect(rejoined).not.toContain('(attached)'); // the host takes starts and rollbacks from any console
    tmux('send-keys', '-t', 'rejoin', 'q');
    await waitFor('rejoin', /A run is in flight\. Quit\?/);
    tmux('send-keys', '-t', 'rejoin', 'c');
    expect(await waitFor('rejoin', /EXITED \d+/)).toMatch(/EXITED 1/);
    // Leaving waited for the host to let go: the file opens for writing at once.
    expect(() => process.kill(hostPid, 0)).toThrow();
    const writer = await openDuckDb(path);
    await writer.close();
  });

  it('two consoles share one host; it stops when the last one quits', async () => {
    const path = join(box.dir, 'shared.duckdb');
    copyFileSync(pristine, path);
    start('first', ['--config', config, '--warehouse', path]);
    await waitFor('first', /Selection: Nov21 PGS/);
    start('second', ['--config', config, '--warehouse', path]);
    await waitFor('second', /Selection: Nov21 PGS/);
    tmux('send-keys', '-t', 'first', 'q');
    expect(await waitFor('first', /EXITED \d+/)).toMatch(/EXITED 0/);
    // The second console still has its host: keys move, a refresh answers.
    tmux('send-keys', '-t', 'second', 'j');
    await waitFor('second', /Selection: Nov21 TOGS/);
    tmux('send-keys', '-t', 'second', 'q');
    expect(await waitFor('second', /EXITED \d+/)).toMatch(/EXITED 0/);
    const writer = await openDuckDb(path);
    await writer.close();
  });

  it('a console whose host cannot start says why in one line and exits 2', async () => {
    start('nocreds', ['--target', 'bigquery', '--project', 'nba-data-warehouse-422817', '--state-dir', join(box.dir, 'nocreds-state')]);
    const screen = await waitFor('nocreds', /EXITED \d+/);
    expect(screen).toMatch(/backfill: no Google Cloud credentials found: run `gcloud auth application-default login`/);
    expect(screen).toMatch(/\(log: \S+console-\S+\.log\)/);
    expect(screen).toMatch(/EXITED 2/);
  });

  it('rollback asks; anything but y deletes nothing, y deletes the range', async () => {
    const path = join(box.dir, 'rollback.duckdb');
    copyFileSync(pristine, path);
    // Build PGS headless first (a pipe, not the terminal).
    execFileSync('node', [BIN, '--config', config, '--warehouse', path, 'run', '--processors', 'PGS'], {env: {...process.env, ...box.env}, stdio: 'pipe'});
    const range = "game_date BETWEEN DATE '2021-11-10' AND DATE '2021-11-20'";
    const before = await count(path, range);
    expect(before).toBeGreaterThan(0);
    const args = ['--config', config, '--warehouse', path, 'rollback', '--tables', 'PGS', '--from', '2021-11-10', '--to', '2021-11-20'];

    start('declined', args);
    await waitFor('declined', /Type y to confirm:/);
    tmux('send-keys', '-t', 'declined', 'n', 'Enter');
    expect(await waitFor('declined', /EXITED \d+/)).toMatch(/not confirmed, nothing deleted[\s\S]*EXITED 2/);
    expect(await count(path, range)).toBe(before);

    start('confirmed', args);
    const question = await waitFor('confirmed', /Type y to confirm:/);
    expect(question).toContain('Delete the rows of PGS with game_date 2021-11-10..2021-11-20');
    tmux('send-keys', '-t', 'confirmed', 'y', 'Enter');
    expect(await waitFor('confirmed', /EXITED \d+/)).toMatch(new RegExp(`deleted ${before} rows of PGS[\\s\\S]*EXITED 0`));
    expect(await count(path, range)).toBe(0);
  });
});
