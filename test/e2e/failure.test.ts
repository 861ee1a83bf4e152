// A permanent failure in a real terminal: tmux runs the built `backfill` at 80×24 on a warehouse
// whose PGS is an external command that exits 1. The run fails, the terminal hears a bell (tmux's
// alert-bell hook and window_bell_flag), and enter on a failed day opens its detail pane with the
// whole error and the statement (the command) the batch ran. Needs `npm run build`.
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {createDemoWarehouse} from '../../src/demo/index.js';
import {assertBuilt, ROOT, sandbox, type Sandbox} from '../support/cli.js';
import {shellQuote, TmuxServer} from '../support/tmux.js';
import {sleep} from '../support/wait.js';

const server = new TmuxServer('failure');
const term = server.session('console');
const tmux = (...args: string[]) => server.tmux(...args);
const screen = () => term.screen();
const keys = (...k: string[]) => term.keys(...k);
const waitFor = (what: string, check: (text: string) => boolean, timeoutMs = 30_000) => term.waitForScreen(what, check, timeoutMs);
const waitForText = (text: string, timeoutMs = 30_000) => term.waitFor(text, timeoutMs);

describe('a permanent failure in tmux', () => {
  let box: Sandbox;
  const AS_OF = '2021-11-16';
  const ERROR = 'boom: the source table is gone';

  beforeAll(async () => {
    assertBuilt();
    box = sandbox();
    await createDemoWarehouse(box.warehouse, {asOf: AS_OF, seed: 7});
    const command = ['sh', '-c', `echo "${ERROR}" >&2; exit 1`];
    writeFileSync(join(box.dir, 'config.json'), JSON.stringify({boundary: AS_OF, processors: {PGS: {command}}}));
    term.open(box, ['--config', join(box.dir, 'config.json')], {cwd: ROOT, exitFile: join(box.dir, 'exit-code'), unset: ['BACKFILL_NO_NOTIFY']});
    tmux('set-option', '-g', 'monitor-bell', 'on');
    tmux('set-option', '-g', 'bell-action', 'any');
    tmux('set-hook', '-g', 'alert-bell', `run-shell ${shellQuote(`touch ${join(box.dir, 'bell')}`)}`);
  }, 120_000);

  afterAll(() => {
    server.kill();
    box?.cleanup();
  });

  test('the run fails, the terminal rings, and the detail pane shows the error and the statement', {timeout: 240_000}, async () => {
    await waitForText('Selection: Nov21 PGS (cursor)', 120_000);
    const bellBefore = tmux('display-message', '-p', '-t', 'console', '#{window_bell_flag}').trim();
    expect(bellBefore).toBe('0');
    keys('s');
    await waitForText('y: start', 60_000);
    keys('y');
    await waitForText('Run failed', 120_000);
    // The bell reached the terminal when the run ended.
    await waitFor('the bell', () => existsSync(join(box.dir, 'bell')) || tmux('display-message', '-p', '-t', 'console', '#{window_bell_flag}').trim() === '1', 10_000);

    keys('Escape');
    await waitForText('Phase 3');
    keys('Enter'); // November, day by day; the cursor on the 1st
    await waitForText('Nov 2021: days per table');
    // To the first game date of the failed batch (the opener of the range may not have games).
    let text = screen();
    for (let i = 0; i < 5 && !/PGS 2021-11-\d\d X |PGS 2021-11-\d\d ✗ /.test(text); i++) {
      keys('l');
      await sleep(300);
      text = screen();
    }
    // The day's latest attempt, from the history (it arrives after the month view opened).
    await waitFor('the latest attempt in the day view', (t) => /PGS 2021-11-\d\d ✗ last attempt #1 FAILED/.test(t), 10_000);
    keys('Enter');
    text = await waitForText('last attempt #1 FAILED (perm');
    expect(text.replace(/\n/g, "")).toContain(`exited with code 1: ${ERROR}`); // the whole error, wrapped to the width
    text = await waitForText('# external command of PGS, run without a shell:');
    expect(text).toMatch(/sh -c 'echo "boom: the source table is gone" >&2; exit 1'/);
    expect(text).toMatch(/Command \(`backfill sql PGS --from 2021-11-\d\d --to 2021-11-\d\d` prints its SQL\)/);
    expect(text.split('\n').every((line) => !/[│┌┐└┘]/.test(line))).toBe(true); // copyable: no borders
    keys('Escape');
    await waitForText('Nov 2021: days per table');
    keys('q');
    await waitFor('the program to exit', () => existsSync(join(box.dir, 'exit-code')), 30_000);
    expect(readFileSync(join(box.dir, 'exit-code'), 'utf8').trim()).toBe('0');
  });
});
