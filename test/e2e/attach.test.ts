// Issue 9's scenario in a real terminal: `backfill run --detach` on a demo warehouse, a console
// attached in tmux at 80×24 pauses a processor with its key and quits (detaching); the run goes on
// with that processor still paused (`status --json`); a second console resumes it; the run
// completes, and its derived tables equal those of an undisturbed run on a copy of the same demo.
// Needs `npm run build`.
import {copyFileSync, existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createDemoWarehouse} from '../../src/demo/index.js';
import {openDuckDb} from '../../src/warehouse/duckdb.js';
import {tableFacts, type TableFacts} from '../runner-support.js';
import {assertBuilt, backfill, lines, sandbox, type Sandbox} from '../support/cli.js';
import {TmuxServer} from '../support/tmux.js';
import {alive, sleep, until} from '../support/wait.js';

const AS_OF = '2022-01-31';
const FROM = '2021-10-19'; // the demo's opener: every game date up to the boundary
// One game date per batch, one batch at a time: ~1000 batches, tens of seconds, time to steer it.
const SLOW = ['--batch-size', '1', '--workers', '1'];
const PAUSED = 'TDGS'; // third row of the grid: two `j` from the cursor's start on PGS

const server = new TmuxServer('attach');

interface LiveProcessor {
  readonly short: string;
  readonly status: string;
  readonly paused: boolean;
  readonly datesDone: number;
  readonly datesTotal: number;
}
interface Live {
  readonly pid: number;
  readonly state: string | null;
  readonly processors: readonly LiveProcessor[];
}

describe('attach to a detached run in tmux', () => {
  let box: Sandbox;
  let config: string;
  let undisturbed: string;
  let pid = 0;
  let consoles = 0;

  const status = async (): Promise<{live: Live | null}> => {
    const result = await backfill(box, ['--config', config, 'status', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as {live: Live | null};
  };
  const processor = (live: Live, short: string) => live.processors.find((p) => p.short === short)!;

  /** Opens `backfill attach` in a fresh 80×24 tmux session; returns its name and exit-code file. */
  function attachInTmux(): {name: string; exitFile: string} {
    const name = `attach${++consoles}`;
    const exitFile = join(box.dir, `${name}.exit`);
    server.session(name).open(box, ['--config', config, 'attach'], {cwd: box.dir, exitFile});
    return {name, exitFile};
  }
  /** The screen with its scrollback: what the command printed after the console closed. */
  const history = (name: string) => server.session(name).history();
  const keys = (name: string, ...k: string[]) => server.session(name).keys(...k);
  const waitForScreen = (name: string, what: string, check: (text: string) => boolean, timeoutMs = 30_000) => server.session(name).waitForScreen(what, check, timeoutMs);

  beforeAll(async () => {
    assertBuilt();
    box = sandbox();
    await createDemoWarehouse(box.warehouse, {asOf: AS_OF, seed: 7});
    undisturbed = join(box.dir, 'undisturbed.duckdb');
    copyFileSync(box.warehouse, undisturbed);
    config = join(box.dir, 'config.json');
    writeFileSync(config, JSON.stringify({boundary: AS_OF}));
  }, 120_000);

  afterAll(() => {
    server.kill();
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    box?.cleanup();
  });

  test('pause from one console, detach, resume from another; the result equals an undisturbed run', {timeout: 420_000}, async () => {
    const started = await backfill(box, ['--config', config, 'run', '--detach', '--from', FROM, ...SLOW]);
    expect(started.exitCode, started.stderr).toBe(0);
    pid = Number(/pid (\d+)/.exec(started.stdout)![1]);
    const log = /log: (\S+)/.exec(started.stdout)![1];
    expect(alive(pid)).toBe(true);

    // First console: select TDGS and pause it with `p`.
    const first = attachInTmux();
    let text = await waitForScreen(first.name, 'the attached console', (s) => s.includes('Phase 3') && s.includes('›PGS'));
    expect(text.split('\n').every((line) => line.length <= 80)).toBe(true);
    keys(first.name, 'j', 'j');
    await waitForScreen(first.name, `the cursor on ${PAUSED}`, (s) => s.includes(`›${PAUSED}`));
    keys(first.name, 'p');
    await waitForScreen(first.name, `${PAUSED} paused in the processors pane`, (s) => s.includes(`‖ ${PAUSED} paused`), 60_000);

    // Quit with the run in flight: the console asks; `d` detaches and leaves the run going.
    keys(first.name, 'q');
    await waitForScreen(first.name, 'the quit question', (s) => s.includes('A run is in flight. Quit?'));
    keys(first.name, 'd');
    await until('the first console to exit', () => existsSync(first.exitFile), 30_000);
    expect(readFileSync(first.exitFile, 'utf8').trim()).toBe('0');
    expect(history(first.name)).toContain(`detached; the run (pid ${pid}) goes on`);

    // The run goes on without any console, the processor still paused and not advancing.
    const afterDetach = (await status()).live!;
    expect(afterDetach.pid).toBe(pid);
    expect(afterDetach.state).toBe('running');
    const held = processor(afterDetach, PAUSED);
    expect(held).toMatchObject({paused: true, status: 'paused'});
    expect(held.datesDone).toBeLessThan(held.datesTotal);
    await sleep(2000);
    const later = (await status()).live!;
    expect(later.state).toBe('running');
    expect(processor(later, PAUSED)).toMatchObject({paused: true, status: 'paused', datesDone: held.datesDone});
    expect(later.processors.some((p) => p.short !== PAUSED && p.datesDone > 0)).toBe(true);

    // Second console: the same processor, `r` resumes it; the run then completes.
    const second = attachInTmux();
    await waitForScreen(second.name, 'the second console', (s) => s.includes(`‖ ${PAUSED} paused`) && s.includes('›PGS'));
    keys(second.name, 'j', 'j');
    await waitForScreen(second.name, `the cursor on ${PAUSED}`, (s) => s.includes(`›${PAUSED}`));
    keys(second.name, 'r');
    await waitForScreen(second.name, `${PAUSED} resumed`, (s) => !s.includes(`‖ ${PAUSED} paused`) && !s.includes(`${PAUSED} pausing`));
    const resumed = processor((await status()).live!, PAUSED);
    expect(resumed.paused).toBe(false);

    await until('the detached run to finish', () => !alive(pid), 300_000);
    const records = lines(readFileSync(log, 'utf8'));
    expect(records.at(-1)).toMatch(/completed: (\d+)\/\1 game dates, \d+ batches done, 0 failed/);
    expect(records.some((l) => l.includes(`${PAUSED} paused`))).toBe(true);
    expect(records.some((l) => l.includes(`${PAUSED} resumed`))).toBe(true);
    expect((await status()).live).toBeNull();
    // The attached console saw the end; quitting it now does not ask.
    await waitForScreen(second.name, 'the run completed', (s) => s.includes('Run completed'), 30_000);
    keys(second.name, 'q');
    await until('the second console to exit', () => existsSync(second.exitFile), 30_000);
    expect(readFileSync(second.exitFile, 'utf8').trim()).toBe('0');

    // The same backfill, undisturbed, on a copy of the same demo.
    const stateDir = join(box.dir, 'state-undisturbed');
    const plain = await backfill(box, ['--config', config, 'run', '--no-tty', '--warehouse', undisturbed, '--state-dir', stateDir, '--from', FROM]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    rmSync(stateDir, {recursive: true, force: true});

    const facts = async (file: string): Promise<Record<string, TableFacts>> => {
      const warehouse = await openDuckDb(file, {readOnly: true});
      try {
        return await tableFacts(warehouse);
      } finally {
        await warehouse.close();
      }
    };
    const steered = await facts(box.warehouse);
    const reference = await facts(undisturbed);
    expect(Object.keys(steered)).toHaveLength(10);
    for (const [table, fact] of Object.entries(steered)) {
      expect(fact.rows, table).toBeGreaterThan(0);
      expect(fact.distinctKeys, `${table}: duplicate keys`).toBe(fact.rows);
    }
    expect(steered).toEqual(reference);
  });
});
