// The command line as scripts and cron jobs use it: the built CLI run as a child process (pipes,
// so headless) on a real demo warehouse in a temp dir. Output shapes, exit codes 0/1/2, JSON
// lines, and `status --json` against a direct DuckDB query.
import {copyFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {findInterruptedRun, setPaused} from '../src/runner/index.js';
import {acquireLock} from '../src/state/lock.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {assertBuilt, backfill, lines, sandbox, type Sandbox} from './support/cli.js';
import {JSON_LOG_FIELDS} from './support/log-fields.js';

/** The demo ends the day before as-of; the boundary equals as-of, so the whole range is Final. */
const AS_OF = '2021-12-16';
const LAST = '2021-12-15';

/** Whole runs as child processes on a shared 2-core machine get room. */
const SLOW = {timeout: 240_000};

let box: Sandbox;
let pristine: string;
let config: string;

async function query(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const warehouse = await openDuckDb(path, {readOnly: true});
  try {
    return await warehouse.query(sql);
  } finally {
    await warehouse.close();
  }
}

/** A fresh copy of the untouched demo warehouse for tests that must start from nothing built. */
function freshWarehouse(name: string): string {
  const path = join(box.dir, `${name}.duckdb`);
  copyFileSync(pristine, path);
  return path;
}

beforeAll(async () => {
  assertBuilt();
  box = sandbox();
  pristine = join(box.dir, 'pristine.duckdb');
  await createDemoWarehouse(pristine, {asOf: AS_OF, seed: 7});
  copyFileSync(pristine, box.warehouse);
  config = join(box.dir, 'config.json');
  writeFileSync(config, JSON.stringify({boundary: AS_OF}));
});

afterAll(() => box?.cleanup());

describe('help', () => {
  it('lists every subcommand of SPEC §4 and documents each one', async () => {
    const root = await backfill(box, ['--help']);
    expect(root.exitCode).toBe(0);
    for (const name of ['status', 'run', 'rollback']) expect(root.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    for (const flag of ['--warehouse', '--target', '--config', '--state-dir', '--no-tty', '--log-format']) expect(root.stdout).toContain(flag);
    const run = await backfill(box, ['run', '--help']);
    expect(run.exitCode).toBe(0);
    for (const flag of ['--from', '--to', '--processors', '--phase', '--batch-size', '--workers', '--force', '--dry-run']) expect(run.stdout).toContain(flag);
    const rollback = await backfill(box, ['rollback', '--help']);
    for (const flag of ['--tables', '--from', '--to', '--yes', '--rerun']) expect(rollback.stdout).toContain(flag);
    expect((await backfill(box, ['status', '--help'])).stdout).toContain('--json');
  });
});

describe('status', SLOW, () => {
  it('prints the grid within 80 columns: one block per season, a row per table', async () => {
    const result = await backfill(box, ['--config', config, 'status']);
    expect(result.exitCode).toBe(0);
    const out = lines(result.stdout);
    for (const line of out) expect(line.length).toBeLessThanOrEqual(80);
    expect(out.some((l) => /^2021-22\s+Nov\s+Dec\s+season/.test(l))).toBe(true);
    for (const table of DERIVED_TABLES) expect(out.some((l) => l.startsWith(table.short.padEnd(5)))).toBe(true);
    expect(result.stdout).toContain('Nothing is built yet');
  });

  it('accepts global options after the subcommand', async () => {
    const elsewhere = freshWarehouse('elsewhere');
    const result = await backfill(box, ['status', '--json', '--warehouse', elsewhere, '--config', config], {env: {BACKFILL_WAREHOUSE: join(box.dir, 'absent.duckdb')}});
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).warehouse).toBe(elsewhere);
  });

  it('--json agrees with a direct DuckDB query, per table per month and in total', async () => {
    const path = freshWarehouse('partial');
    // Build part of the range so that covered differs between tables and months.
    const built = await backfill(box, ['--config', config, '--warehouse', path, 'run', '--processors', 'PGS,TOGS', '--from', '2021-11-10', '--to', '2021-12-05']);
    expect(built.exitCode).toBe(0);
    const result = await backfill(box, ['--config', config, '--warehouse', path, 'status', '--json']);
    expect(result.exitCode).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.range).toEqual({start: '2021-11-01', end: LAST});

    const expected = await query(path, `
      SELECT strftime(game_date, '%Y-%m') AS month, count(DISTINCT game_date) AS n FROM nba_orchestration.nba_schedule
      WHERE game_status = 'Final' AND game_date BETWEEN DATE '2021-11-01' AND DATE '${LAST}' GROUP BY 1 ORDER BY 1`);
    for (const table of DERIVED_TABLES) {
      const covered = await query(path, `
        SELECT strftime(t.game_date, '%Y-%m') AS month, count(DISTINCT t.game_date) AS n FROM ${table.dataset}.${table.name} t
        WHERE t.game_date BETWEEN DATE '2021-11-01' AND DATE '${LAST}'
          AND t.game_date IN (SELECT game_date FROM nba_orchestration.nba_schedule WHERE game_status = 'Final')
        GROUP BY 1`);
      const row = status.tables.find((t: {name: string}) => t.name === table.name);
      expect(row.months.map((m: {month: string; expected: number}) => [m.month, m.expected])).toEqual(expected.map((r) => [r.month, r.n]));
      for (const m of row.months) expect(m.covered).toBe(covered.find((r) => r.month === m.month)?.n ?? 0);
      expect(row.covered).toBe(covered.reduce((s, r) => s + Number(r.n), 0));
      expect(row.expected).toBe(expected.reduce((s, r) => s + Number(r.n), 0));
    }
    const pgs = status.tables.find((t: {short: string}) => t.short === 'PGS');
    expect(pgs.covered).toBeGreaterThan(0);
    expect(pgs.covered).toBeLessThan(pgs.expected);
    expect(status.tables.find((t: {short: string}) => t.short === 'MLFS').covered).toBe(0);
    expect(status.totals.covered).toBe(status.tables.reduce((s: number, t: {covered: number}) => s + t.covered, 0));
  });
});

describe('run', SLOW, () => {
  it('--dry-run prints batches per processor and the total, and writes nothing', async () => {
    const path = freshWarehouse('dry');
    const result = await backfill(box, ['--config', config, '--warehouse', path, 'run', '--dry-run', '--phase', '3', '--batch-size', '10']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/PGS\s+3\s+\d+/);
    expect(result.stdout).not.toMatch(/^\s+TDZA/m);
    expect(result.stdout).toMatch(/total: \d+ batches/);
    const [{n}] = await query(path, 'SELECT count(*) AS n FROM nba_analytics.player_game_summary');
    expect(n).toBe(0);
  });

  it('--log-format json: every line parses with the stable fields; exit 0; the range is then covered', async () => {
    const path = freshWarehouse('json');
    const result = await backfill(box, ['--config', config, '--warehouse', path, '--log-format', 'json', 'run', '--batch-size', '15']);
    expect(result.exitCode).toBe(0);
    const records = lines(result.stdout).map((l) => JSON.parse(l));
    const fields = JSON_LOG_FIELDS;
    for (const r of records) expect(Object.keys(r).sort()).toEqual([...fields].sort());
    // DuckDB bills nothing: the spend fields are there, null.
    for (const r of records) expect([r.bytes_processed, r.bytes_billed, r.slot_ms]).toEqual([null, null, null]);
    const finished = records.filter((r) => r.event === 'batch-finished');
    expect(finished.length).toBeGreaterThanOrEqual(10 * 3); // 44 game dates in batches of 15, ten processors
    for (const r of finished) {
      expect(r.rows).toBeGreaterThan(0);
      expect(r.duration_ms).toBeGreaterThanOrEqual(0);
      expect(r.start <= r.end).toBe(true);
    }
    expect(records.filter((r) => r.event === 'batch-started').length).toBe(finished.length);
    // One summary per processor, and the run's change report as one more (processor null): a first build replaced nothing.
    expect(records.filter((r) => r.event === 'summary' && r.processor !== null).map((r) => r.processor).sort()).toEqual(DERIVED_TABLES.map((t) => t.name).sort());
    expect(records.filter((r) => r.event === 'summary' && r.processor === null)).toMatchObject([{changes: {}, feature_changes: null, message: 'changes: replaced nothing (a first build of every range it wrote)'}]);
    expect(records.at(-1).event).toBe('run-finished');
    expect(records.at(-1).message).toContain('completed');

    const status = JSON.parse((await backfill(box, ['--config', config, '--warehouse', path, 'status', '--json'])).stdout);
    expect(status.totals.covered).toBe(status.totals.expected);
    // Nothing left: a second run plans no batch and still exits 0.
    const again = await backfill(box, ['--config', config, '--warehouse', path, 'run']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('0 batches');
  });

  it('text lines: one per batch start and finish, a summary; progress lines at the configured interval', async () => {
    const path = freshWarehouse('text');
    const result = await backfill(box, ['--config', config, '--warehouse', path, 'run', '--processors', 'PGS', '--from', '2021-11-01', '--to', '2021-11-10', '--batch-size', '1', '--workers', '1'], {
      env: {BACKFILL_PROGRESS_INTERVAL_MS: '50'},
    });
    expect(result.exitCode).toBe(0);
    const out = lines(result.stdout);
    for (const line of out) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (INFO|WARN|ERROR) /);
    const done = out.filter((l) => / PGS (\d{4}-\d\d-\d\d)\.\.\1 done: \d+ rows in [\d.]+s$/.test(l));
    const started = out.filter((l) => / PGS (\d{4}-\d\d-\d\d)\.\.\1 started \(1 game date\)$/.test(l));
    expect(done.length).toBeGreaterThanOrEqual(9);
    expect(started.length).toBe(done.length);
    expect(out.some((l) => /INFO  PGS (running|queued): \d+\/\d+ game dates \(\d+%\)/.test(l))).toBe(true);
    expect(out.at(-1)).toMatch(/completed: .* 0 failed/);
  });

  it('exit 1 when a batch fails; an external command\'s output is logged line by line', async () => {
    const path = freshWarehouse('failing');
    const failing = join(box.dir, 'failing.json');
    // An external PGS that prints and exits non-zero: its batches fail, the run reports it.
    writeFileSync(failing, JSON.stringify({boundary: AS_OF, processors: {PGS: {command: ['node', '-e', "console.log('pgs job {start} {end}'); process.exit(3)"]}}}));
    const result = await backfill(box, ['--config', failing, '--warehouse', path, 'run', '--processors', 'PGS,TOGS', '--from', '2021-11-01', '--to', '2021-11-05']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/PGS \| pgs job 2021-11-0\d 2021-11-0\d/);
    expect(result.stdout).toMatch(/ERROR PGS .* failed/);
    expect(result.stdout).toMatch(/TOGS done: \d+\/\d+ game dates/);
    expect(lines(result.stdout).at(-1)).toMatch(/failed: .*[1-9]\d* failed/);
  });

  it('a warehouse error is one line on stderr and exit 1, the stack only with BACKFILL_DEBUG', async () => {
    const path = freshWarehouse('damaged');
    const warehouse = await openDuckDb(path);
    await warehouse.query('DROP TABLE nba_analytics.player_game_summary');
    await warehouse.close();
    const result = await backfill(box, ['--warehouse', path, 'status']);
    expect(result.exitCode).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^backfill: Catalog Error: .*player_game_summary.* \(BACKFILL_DEBUG=1 shows the stack\)$/)]);
    const debug = await backfill(box, ['--warehouse', path, 'status'], {env: {BACKFILL_DEBUG: '1'}});
    expect(lines(debug.stderr).length).toBeGreaterThan(1); // the whole error, then the one line
  });

  it('a processor paused by an earlier run does not hold a headless run forever: it ends resumable', async () => {
    const path = freshWarehouse('saved-pause');
    const stateDir = join(box.dir, 'state-saved-pause');
    setPaused(stateDir, path, ['player_game_summary'], true);
    const result = await backfill(box, ['--config', config, '--warehouse', path, '--state-dir', stateDir, 'run', '--processors', 'PGS,TOGS', '--from', '2021-11-01', '--to', '2021-11-05']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/player_game_summary paused by an earlier run/);
    expect(result.stdout).toMatch(/TOGS done: \d+\/\d+ game dates/);
    expect(findInterruptedRun(stateDir, path)).not.toBeNull();
  }, 180_000);

  it('clamps --to on or after the boundary to the day before it, with a warning line', async () => {
    const path = freshWarehouse('clamp');
    const result = await backfill(box, ['--config', config, '--warehouse', path, 'run', '--dry-run', '--processors', 'PGS', '--from', '2021-12-01', '--to', '2022-06-30']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`--to 2022-06-30 is on or after the real-time boundary ${AS_OF}: running through ${LAST}`);
  });
});

describe('rollback', SLOW, () => {
  it('refuses without --yes when stdin is not a terminal, deleting nothing', async () => {
    const path = freshWarehouse('rollback-refused');
    expect((await backfill(box, ['--config', config, '--warehouse', path, 'run', '--processors', 'PGS'])).exitCode).toBe(0);
    const before = await query(path, 'SELECT count(*) AS n FROM nba_analytics.player_game_summary');
    const result = await backfill(box, ['--config', config, '--warehouse', path, 'rollback', '--tables', 'PGS', '--from', '2021-11-01', '--to', '2021-11-30']);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('--yes');
    expect(await query(path, 'SELECT count(*) AS n FROM nba_analytics.player_game_summary')).toEqual(before);
  });

  it('refuses while a run holds the warehouse lock, naming the holder, deleting nothing', async () => {
    const path = freshWarehouse('rollback-locked');
    expect((await backfill(box, ['--config', config, '--warehouse', path, 'run', '--processors', 'PGS', '--to', '2021-11-15'])).exitCode).toBe(0);
    const before = await query(path, 'SELECT count(*) AS n FROM nba_analytics.player_game_summary');
    // This test process plays the live run: the same lock a run takes, on the same key.
    const lock = acquireLock(box.stateDir, path, {range: {start: '2021-11-01', end: LAST}, runId: 'run-test'});
    try {
      const result = await backfill(box, ['--config', config, '--warehouse', path, 'rollback', '--tables', 'PGS', '--from', '2021-11-01', '--to', '2021-11-15', '--yes']);
      expect(result.exitCode).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain(`being written by another backfill (pid ${process.pid}`);
    } finally {
      lock.release();
    }
    expect(await query(path, 'SELECT count(*) AS n FROM nba_analytics.player_game_summary')).toEqual(before);
  });

  it('--yes deletes exactly the range of the named tables; --rerun rebuilds it', async () => {
    const path = freshWarehouse('rollback');
    expect((await backfill(box, ['--config', config, '--warehouse', path, 'run', '--processors', 'PGS,TOGS'])).exitCode).toBe(0);
    const count = async (table: string, where = 'TRUE') =>
      Number((await query(path, `SELECT count(*) AS n FROM nba_analytics.${table} WHERE ${where}`))[0].n);
    const inRange = "game_date BETWEEN DATE '2021-11-10' AND DATE '2021-11-20'";
    const pgsTotal = await count('player_game_summary');
    const pgsInRange = await count('player_game_summary', inRange);
    const togsTotal = await count('team_offense_game_summary');
    expect(pgsInRange).toBeGreaterThan(0);

    const result = await backfill(box, ['--config', config, '--warehouse', path, 'rollback', '--tables', 'player_game_summary', '--from', '2021-11-10', '--to', '2021-11-20', '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`deleted ${pgsInRange} rows of PGS`);
    // What was built from PGS is named, not silently left stale.
    expect(result.stdout).toContain('rollback: PSZA, PCF, MLFS, built from PGS, keep their rows: add them to --tables to rebuild them too');
    expect(await count('player_game_summary', inRange)).toBe(0);
    expect(await count('player_game_summary')).toBe(pgsTotal - pgsInRange);
    expect(await count('team_offense_game_summary')).toBe(togsTotal);

    const rerun = await backfill(box, ['--config', config, '--warehouse', path, 'rollback', '--tables', 'PGS', '--from', '2021-11-10', '--to', '2021-11-20', '--yes', '--rerun']);
    expect(rerun.exitCode).toBe(0);
    expect(rerun.stdout).toContain('re-running PGS');
    expect(await count('player_game_summary', inRange)).toBe(pgsInRange);
    expect(await count('player_game_summary')).toBe(pgsTotal);
  });
});

describe('backfill with no subcommand, without a terminal', SLOW, () => {
  it('creates the demo warehouse when there is none (progress on stderr), then prints the status grid and a hint', async () => {
    const own = sandbox();
    try {
      const ownConfig = join(own.dir, 'config.json');
      writeFileSync(ownConfig, JSON.stringify({boundary: AS_OF}));
      const result = await backfill(own, ['--config', ownConfig]);
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toMatch(/creating the demo warehouse .*: 0%/);
      expect(result.stderr).toMatch(/creating the demo warehouse .*: done in/);
      expect(result.stdout).toContain(`Coverage of ${own.warehouse}`);
      expect(result.stdout).toMatch(/^2021-22\s+Nov\s+Dec/m);
      expect(result.stdout).toContain('stdout is not a terminal, so no console');
      const [{n}] = await query(own.warehouse, "SELECT count(*) AS n FROM nba_orchestration.nba_schedule WHERE game_status = 'Final'");
      expect(Number(n)).toBeGreaterThan(0);
      // The second time the warehouse exists: no demo, just the grid.
      const again = await backfill(own, ['--config', ownConfig]);
      expect(again.exitCode).toBe(0);
      expect(again.stderr).toBe('');
    } finally {
      own.cleanup();
    }
  });
});

describe('a warehouse held by another process', () => {
  it('status says who holds it in one line and exits 2', async () => {
    const path = freshWarehouse('held');
    const holder = await openDuckDb(path);
    try {
      const result = await backfill(box, ['--config', config, '--warehouse', path, 'status']);
      expect(result.exitCode).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`the warehouse .*held\\.duckdb is in use by another process .*pid ${process.pid}`));
    } finally {
      await holder.close();
    }
  });
});
