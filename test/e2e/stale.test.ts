// Stale dates in a real terminal: tmux runs the built `backfill` at 80×24 on a demo warehouse that
// was fully built and then had one PGS date rebuilt without its cascade. The grid shows the stale
// cells (≈ and their counts), the month view the reason of a stale day, S asks to rebuild the
// selection's stale dates (with its cascade in the confirmation), and after the run the cells are
// done again. Needs `npm run build`.
import {existsSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {assertBuilt, backfill, ROOT, sandbox, type Sandbox} from '../support/cli.js';
import {TmuxServer} from '../support/tmux.js';

const server = new TmuxServer('stale');
const term = server.session('console');
const keys = (...k: string[]) => term.keys(...k);
const waitForScreen = (what: string, check: (text: string) => boolean, timeoutMs: number) => term.waitForScreen(what, check, timeoutMs);
const waitFor = (text: string, timeoutMs = 20_000) => term.waitFor(text, timeoutMs);

/** A table's row of the grid: its cells as shown (the label, then 7 columns per month). */
function row(text: string, short: string): string {
  return text.split('\n').find((line) => line.slice(1, 8).trim() === short) ?? '';
}

const AS_OF = '2022-01-10';
const REBUILT = '2021-12-10';

describe('stale dates in the console, in tmux', () => {
  let box: Sandbox;

  beforeAll(async () => {
    assertBuilt();
    box = sandbox();
    const config = join(box.dir, 'config.json');
    writeFileSync(config, JSON.stringify({boundary: AS_OF}));
    const run = async (args: string[]) => {
      const result = await backfill(box, ['--config', config, ...args]);
      if (result.exitCode !== 0) throw new Error(`backfill ${args.join(' ')}: ${result.stderr}`);
    };
    await run(['demo', '--as-of', AS_OF]);
    await run(['run', '--from', '2021-10-19']);
    // One PGS date rebuilt alone: what read it (PSZA, PCF and MLFS after it) is stale now.
    await run(['run', '--force', '--processors', 'PGS', '--from', REBUILT, '--to', REBUILT, '--no-cascade']);
    term.open(box, ['--config', config], {cwd: ROOT, exitFile: join(box.dir, 'exit-code')});
  }, 240_000);

  afterAll(() => {
    server.kill();
    box?.cleanup();
  });

  test('a stale cell and its reason, the rebuild key with its cascade, then the cells done again', {timeout: 300_000}, async () => {
    let text = await waitForScreen('the grid', (s) => s.includes('Selection: Nov21 PGS'), 120_000);
    // December and January of PSZA, PCF and MLFS are stale; PGS is done.
    for (const short of ['PSZA', 'PCF', 'MLFS']) expect(row(text, short), short).toMatch(/≈\s?\d+\/\d+ +≈\s?\d+\/\d+/);
    expect(row(text, 'PGS')).not.toContain('≈');
    expect(row(text, 'PSZA')).toMatch(/✓\d+\/\d+ +≈/); // November untouched

    // The month view of PSZA's December: the day after the rebuilt date says why it is stale.
    keys('j', 'j', 'j', 'j', 'j', 'j');
    await waitForScreen('the cursor on PSZA', (s) => s.includes('›PSZA'), 10_000);
    keys('l');
    await waitFor('Selection: Dec21 PSZA (cursor)');
    keys('Enter');
    await waitFor('Dec 2021: days per table (PSZA');
    for (let i = 0; i < 10; i++) keys('l');
    text = await waitFor('PSZA 2021-12-11 ≈ stale (upstream): PGS 2021-12-10 rebuilt after it');
    keys('Escape');
    text = await waitFor('S stale'); // the footer offers the rebuild key for this selection

    // S on December's PSZA: the plan rebuilds its stale dates and, by the cascade, what reads them.
    keys('S');
    text = await waitFor('Rebuild the stale dates of Dec21 PSZA (2021-12-01..2021-12-31)?');
    text = await waitForScreen('the plan with its cascade', (s) => /the cascade adds \d+ dates that read what it rebuilds: PCF \+\d+, MLFS \+\d+/.test(s), 30_000);
    keys('Escape');
    await waitForScreen('the dialog closed', (s) => !s.includes('Rebuild the stale dates'), 10_000);

    // Every table, December and January: S, y; the cells are done again afterwards.
    keys('m', 'l', 'm');
    await waitFor('Selection: Dec21-Jan22 all tables');
    keys('S');
    await waitForScreen('the plan', (s) => s.includes('Rebuild the stale dates of Dec21-Jan22 all tables') && /\d+ batches, \d+ processor-dates/.test(s), 30_000);
    keys('y');
    await waitFor('Run completed', 120_000);
    keys('Escape');
    text = await waitForScreen('no stale cell left', (s) => s.includes('Phase 4') && !s.includes('≈'), 30_000);
    for (const short of ['PSZA', 'PCF', 'MLFS']) expect(row(text, short), short).toMatch(/✓\d+\/\d+ +✓\d+\/\d+ +✓ ?\d+\/\d+/);

    keys('q');
    await waitForScreen('the program to exit', () => existsSync(join(box.dir, 'exit-code')), 30_000);
  });
});
