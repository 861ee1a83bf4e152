// The console in a real terminal: tmux runs the built `backfill` at 80×24 on a fresh sandbox, so it
// creates the demo warehouse (progress bar), opens the console, and the keys an operator would type
// select December 2021, start the run, pause and resume a processor, and quit. Needs `npm run build`.
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {DERIVED_TABLES} from '../../src/catalog/index.js';
import {assertBuilt, ROOT, sandbox, type Sandbox} from '../support/cli.js';
import {TmuxServer} from '../support/tmux.js';

const server = new TmuxServer('console');
const term = server.session('console');
const tmux = (...args: string[]) => server.tmux(...args);
const screen = () => term.screen();
const waitForScreen = (what: string, check: (text: string) => boolean, timeoutMs: number, seen?: string[]) => term.waitForScreen(what, check, timeoutMs, seen);
const waitFor = (text: string, timeoutMs = 20_000) => term.waitFor(text, timeoutMs);
const keys = (...k: string[]) => term.keys(...k);

/** The December cell of each table row (label 8 columns, then 7 per month from November). */
function decemberCells(text: string): Map<string, string> {
  const cells = new Map<string, string>();
  for (const line of text.split('\n')) {
    const label = line.slice(1, 8).trim();
    if (DERIVED_TABLES.some((t) => t.short === label)) cells.set(label, line.slice(15, 21).trim());
  }
  return cells;
}

describe('console in tmux', () => {
  let box: Sandbox;

  beforeAll(() => {
    assertBuilt();
    box = sandbox();
    // Small batches: the run lasts long enough to pause a processor in the middle of it.
    const processors = Object.fromEntries(DERIVED_TABLES.map((t) => [t.short, {batchSize: 5}]));
    writeFileSync(join(box.dir, 'config.json'), JSON.stringify({processors}));
    term.open(box, ['--config', join(box.dir, 'config.json')], {cwd: ROOT, exitFile: join(box.dir, 'exit-code')});
  });

  afterAll(() => {
    server.kill();
    box?.cleanup();
  });

  test('select December 2021, run it, pause and resume a processor, see it reach 100%, quit', {timeout: 300_000}, async () => {
    // A fresh sandbox: `backfill` creates the demo warehouse first, behind a progress bar.
    const seen: string[] = [];
    await waitForScreen('the console', (s) => s.includes('Selection: Nov21 PGS'), 180_000, seen);
    expect(seen.some((s) => s.includes('creating the demo warehouse'))).toBe(true);
    let text = screen();
    expect(text).toContain('Phase 3');
    expect(text).toContain('no run yet');
    expect(text.split('\n').every((line) => line.length <= 80)).toBe(true);

    // December 2021 for every table; the cursor on MLFS, the last processor to finish.
    keys('l');
    await waitFor('Selection: Dec21 PGS (cursor)');
    keys('m');
    await waitFor('Selection: Dec21 all tables: 2021-12-01..2021-12-31');
    for (let i = 0; i < 9; i++) keys('j');
    await waitForScreen('the cursor on MLFS', (s) => s.includes('›MLFS'), 10_000);
    // Only MLFS's lines in the job log, so that its pause and resume cannot scroll away.
    keys('/', 'M', 'L', 'F', 'S', 'Enter');
    await waitFor('filter "MLFS"');

    // s shows the plan first; y starts it.
    keys('s');
    text = await waitFor('Start Dec21 all tables (2021-12-01..2021-12-31)?');
    await waitForScreen('the plan in the dialog', (s) => /\d+ batches, \d+ processor-dates \(\d+ for lookback\), at most \d+ at once/.test(s), 30_000);
    keys('y');
    await waitFor('run running', 30_000);
    keys('p');
    await waitFor('MLFS paused', 30_000); // the log line
    await waitForScreen('MLFS paused in the processors pane', (s) => /‖ MLFS paused|MLFS pausing/.test(s), 30_000);
    keys('r');
    await waitFor('MLFS resumed', 30_000);
    await waitForScreen('MLFS back from paused', (s) => !/‖ MLFS paused|MLFS pausing/.test(s), 30_000);

    text = await waitForScreen(
      'every table covered for December',
      (s) => {
        const cells = decemberCells(s);
        return cells.size === 10 && [...cells.values()].every((c) => /^✓(\d+)\/\1$/.test(c));
      },
      240_000,
    );
    await waitFor('Run completed 2021-12-01..2021-12-31', 30_000);
    text = screen();
    expect(text).toMatch(/Phase 3 .{7}✓100%/);
    expect(text).toMatch(/Phase 4 .{7}✓100%/);
    expect(text).toMatch(/(\d+)\/\1 dates, [\d,]+ rows, \d+ batches, 0 failed/);

    // The log shows MLFS's batches once the summary is closed.
    keys('Escape');
    text = await waitFor('MLFS batch');
    expect(text).toMatch(/\d\d:\d\d:\d\d MLFS batch 12-\d\d\.\.12-\d\d done: \d+ dates, [\d,]+ rows/);

    // Resizing redraws for the new size, says so when too small, and comes back.
    tmux('resize-window', '-t', 'console', '-x', '60', '-y', '24');
    text = await waitForScreen('the grid at 60 columns', (s) => s.includes('Phase 3') && s.split('\n').every((l) => l.length <= 60) && !s.includes('Jun22'), 20_000);
    tmux('resize-window', '-t', 'console', '-x', '45', '-y', '15');
    await waitFor('Terminal too small: 45x15');
    tmux('resize-window', '-t', 'console', '-x', '80', '-y', '24');
    await waitForScreen('the grid at 80 columns again', (s) => s.includes('Phase 3') && s.includes('Jun22'), 20_000);

    keys('q');
    await waitForScreen('the program to exit', () => existsSync(join(box.dir, 'exit-code')), 30_000);
    expect(readFileSync(join(box.dir, 'exit-code'), 'utf8').trim()).toBe('0');
    // The alternate screen is gone: the shell's screen is back, without the console's frame.
    expect(screen()).not.toContain('Phase 3');
  });
});
