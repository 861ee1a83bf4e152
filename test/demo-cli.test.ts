// `backfill demo` through the built CLI: bad input is one line on stderr and exit 2; success
// prints progress lines on stderr (not a terminal) and one summary line; a generation killed
// half-way leaves no warehouse behind.
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {progressPrinter} from '../src/cli/commands/demo.js';
import {acquireLock} from '../src/state/lock.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {assertBuilt, backfill, lines, sandbox, spawnBackfill, type Sandbox} from './support/cli.js';

let box: Sandbox;

beforeAll(() => {
  assertBuilt();
  box = sandbox();
});

afterAll(() => box?.cleanup());

describe('backfill demo: bad input', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['an impossible --as-of', () => ['demo', '--as-of', '2026-02-30'], /--as-of "2026-02-30" is not a real date/],
    ['an --as-of before the first game', () => ['demo', '--as-of', '2020-01-01'], /too early/],
    ['a --seed that is not a number', () => ['demo', '--seed', 'abc'], /--seed "abc" is not an integer/],
    ['a --seed that is not an integer', () => ['demo', '--seed', '1.5'], /--seed "1.5" is not an integer/],
    ['a warehouse under /proc', () => ['--warehouse', '/proc/x/demo.duckdb', 'demo', '--as-of', '2022-01-15'], /cannot write the warehouse in \/proc\/x/],
    ['a warehouse under a file', () => ['--warehouse', join(box.dir, 'a-file', 'w.duckdb'), 'demo'], /cannot write the warehouse in .*a-file \(ENOTDIR\)/],
    ['an existing warehouse without --force', () => ['--warehouse', join(box.dir, 'taken.duckdb'), 'demo'], /already exists: use --force/],
  ];

  beforeAll(() => {
    writeFileSync(join(box.dir, 'a-file'), '');
    writeFileSync(join(box.dir, 'taken.duckdb'), 'someone else');
  });

  for (const [what, args, message] of cases) {
    it(`${what}: one line, exit 2`, async () => {
      const result = await backfill(box, args());
      expect(result.exitCode).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    });
  }

  it('writes nothing for bad input', () => {
    expect(existsSync(box.warehouse)).toBe(false);
  });
});

describe('backfill demo: success', () => {
  it('creates the warehouse up to the day before --as-of, with progress on stderr and a summary on stdout', async () => {
    const result = await backfill(box, ['demo', '--as-of', '2021-11-05', '--seed', '3']);
    expect(result.exitCode).toBe(0);
    expect(lines(result.stdout)).toHaveLength(1);
    expect(result.stdout).toMatch(/demo warehouse .*warehouse\.duckdb: seasons 2021-22 to 2021-22, as of 2021-11-05, seed 3; \d+ nba_schedule/);
    const progress = lines(result.stderr);
    expect(progress[0]).toMatch(/^demo: 0% /);
    expect(progress.at(-1)).toBe('demo: 100% demo warehouse ready');
    const warehouse = await openDuckDb(box.warehouse, {readOnly: true});
    try {
      const [last] = await warehouse.query(`SELECT CAST(max(game_date) AS VARCHAR) AS d FROM nba_orchestration.nba_schedule WHERE game_status = 'Final'`);
      expect(last.d).toBe('2021-11-04');
    } finally {
      await warehouse.close();
    }
  });

  it('replaces it with --force', async () => {
    const result = await backfill(box, ['demo', '--as-of', '2021-10-25', '--force']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/as of 2021-10-25, seed 7/);
  });
});

describe('backfill demo --force on a warehouse in use', () => {
  it('refuses while another process has the file open, or a run holds its lock, and keeps it', async () => {
    const file = join(box.dir, 'in-use.duckdb');
    expect((await backfill(box, ['--warehouse', file, 'demo', '--as-of', '2021-10-22'])).exitCode).toBe(0);
    const before = readFileSync(file);

    const holder = await openDuckDb(file); // as a console would
    const open = await backfill(box, ['--warehouse', file, 'demo', '--as-of', '2021-10-25', '--force']);
    await holder.close();
    expect(open.exitCode).toBe(2);
    expect(lines(open.stderr)).toEqual([expect.stringMatching(/in use by another process/)]);

    const lock = acquireLock(box.stateDir, file, {range: null, runId: 'r-test'});
    const locked = await backfill(box, ['--warehouse', file, 'demo', '--as-of', '2021-10-25', '--force']);
    lock.release();
    expect(locked.exitCode).toBe(2);
    expect(lines(locked.stderr)).toEqual([expect.stringMatching(/being written by another backfill/)]);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('backfill demo: interrupted', () => {
  it('leaves no warehouse when killed half-way, and the next run cleans up after it', async () => {
    const target = join(box.dir, 'killed.duckdb');
    const child = spawnBackfill(box, ['--warehouse', target, 'demo', '--as-of', '2024-06-30']);
    await new Promise<void>((done) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('simulating 2022-23')) done();
      });
    });
    child.kill('SIGKILL');
    await child;
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(box.dir).some((f) => f.startsWith('killed.duckdb.tmp-'))).toBe(true);

    const again = await backfill(box, ['--warehouse', target, 'demo', '--as-of', '2021-10-25']);
    expect(again.exitCode).toBe(0);
    expect(existsSync(target)).toBe(true);
    expect(readdirSync(box.dir).filter((f) => f.startsWith('killed.duckdb.'))).toEqual([]);
  });
});

describe('the progress printer', () => {
  const capture = (tty: boolean) => {
    const stream = Object.assign(new PassThrough(), {isTTY: tty}) as unknown as NodeJS.WriteStream & PassThrough;
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    return {stream, text: () => chunks.join('')};
  };

  it('redraws one bar in place on a terminal and ends the line when done', () => {
    const {stream, text} = capture(true);
    const printer = progressPrinter(stream);
    printer.report(0, 'simulating 2021-22');
    printer.report(0.5, 'simulating 2023-24');
    printer.done();
    expect(text()).toContain('\r[###############...............]  50% simulating 2023-24');
    expect(text().split('\n')).toHaveLength(2);
  });

  it('writes one plain line per step elsewhere', () => {
    const {stream, text} = capture(false);
    const printer = progressPrinter(stream);
    printer.report(0, 'simulating 2021-22');
    printer.report(0.05, 'simulating 2021-22');
    printer.report(0.85, 'writing the shot chart');
    printer.done();
    expect(text()).toBe('demo: 0% simulating 2021-22\ndemo: 85% writing the shot chart\n');
  });
});
