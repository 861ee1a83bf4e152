// The completion report: every number it prints equals a direct query of the warehouse (coverage
// per season, month and table; totals; feature store statistics and NULL rates), and it shows the
// last saved validation. The command writes the dated file under docs/backfill and prints it.
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, resolveTableList} from '../src/catalog/index.js';
import {today} from '../src/dates.js';
import {buildCompletionReport, formatCompletionReport, LAST_VALIDATION_FILE, saveLastValidation, validate} from '../src/validation/index.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {execa} from 'execa';
import {assertBuilt, backfill, BIN, sandbox, type Sandbox} from './support/cli.js';
import {buildDemo, DEMO_RANGE, type BuiltDemo} from './support/validation-demo.js';

let demo: BuiltDemo;
let warehouse: DuckDbWarehouse | undefined;
let stateDir: string;
let box: Sandbox | undefined;

beforeAll(async () => {
  demo = await buildDemo();
}, 180_000);
afterAll(() => demo.cleanup());
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
  box?.cleanup();
  box = undefined;
  if (stateDir) rmSync(stateDir, {recursive: true, force: true});
});

const DELETED = ['2021-11-10', '2021-12-08'];

async function one(w: DuckDbWarehouse, sql: string): Promise<number> {
  const [row] = await w.query(sql);
  return Number(Object.values(row)[0]);
}

/** The covered/expected cell of each table for a month line of the coverage grid. */
function gridLine(text: string, season: string, label: string): string[] {
  const lines = text.split('\n');
  const from = lines.indexOf(`Season ${season}`);
  const line = lines.slice(from + 1).find((l) => l.trim().startsWith(`${label} `));
  if (!line) throw new Error(`no line ${label} under Season ${season}`);
  return line.trim().split(/\s+/).slice(1);
}

describe('completion report', () => {
  it('prints coverage, totals and feature store figures that match direct queries', async () => {
    warehouse = await demo.copy();
    for (const date of DELETED) await warehouse.query(`DELETE FROM nba_precompute.player_composite_factors WHERE game_date = DATE '${date}'`);
    stateDir = mkdtempSync(join(tmpdir(), 'backfill-report-state-'));
    const text = formatCompletionReport(await buildCompletionReport(warehouse, {range: DEMO_RANGE, stateDir}));

    const months = ['2021-10', '2021-11', '2021-12', '2022-01'];
    for (const month of months) {
      const cells = gridLine(text, '2021-22', month);
      expect(cells).toHaveLength(DERIVED_TABLES.length);
      const monthFilter = `strftime(game_date, '%Y-%m') = '${month}' AND game_date BETWEEN DATE '${DEMO_RANGE.start}' AND DATE '${DEMO_RANGE.end}'`;
      const expected = await one(warehouse, `SELECT COUNT(DISTINCT game_date) FROM nba_orchestration.nba_schedule WHERE game_status = 'Final' AND ${monthFilter}`);
      for (const [i, table] of DERIVED_TABLES.entries()) {
        const covered = await one(
          warehouse,
          `SELECT COUNT(DISTINCT game_date) FROM ${warehouse.dialect.table(table)} WHERE ${monthFilter}
           AND game_date IN (SELECT game_date FROM nba_orchestration.nba_schedule WHERE game_status = 'Final')`,
        );
        expect(cells[i], `${table.short} ${month}`).toBe(`${covered}/${expected}${covered < expected ? '!' : ''}`);
      }
    }
    const season = gridLine(text, '2021-22', 'season');
    expect(season[DERIVED_TABLES.findIndex((t) => t.short === 'PCF')]).toMatch(/^(\d+)\/(\d+)!$/);

    const total = await one(warehouse, `SELECT COUNT(DISTINCT game_date) FROM nba_orchestration.nba_schedule WHERE game_status = 'Final' AND game_date <= DATE '${DEMO_RANGE.end}'`);
    expect(text).toMatch(new RegExp(`player_composite_factors\\s+PCF\\s+4\\s+${total - DELETED.length}\\s+${total}\\s+${((100 * (total - DELETED.length)) / total).toFixed(1)}%`));
    expect(text).toMatch(new RegExp(`player_game_summary\\s+PGS\\s+3\\s+${total}\\s+${total}\\s+100.0%`));

    const [fs] = await warehouse.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT player_lookup) AS players, COUNT(DISTINCT game_date) AS dates,
              SUM(CASE WHEN target_points IS NULL THEN 1 ELSE 0 END) AS null_target
       FROM nba_precompute.ml_feature_store`,
    );
    expect(text).toContain(`rows ${fs.n}   players ${fs.players}   dates ${fs.dates}`);
    expect(Number(fs.null_target)).toBeGreaterThan(0); // DNPs have no target
    expect(text).toMatch(new RegExp(`target_points\\s+${fs.null_target}\\s+${((100 * Number(fs.null_target)) / Number(fs.n)).toFixed(1)}%`));
    expect(text).toMatch(/season_ppg\s+0\s+0\.0%/);
    expect(text).toContain('none yet: run `backfill validate`');
  });

  it('shows the last saved validation of this warehouse, and says so when its file is damaged', async () => {
    warehouse = await demo.copy();
    await warehouse.query(`DELETE FROM nba_precompute.player_composite_factors WHERE game_date = DATE '${DELETED[0]}'`);
    stateDir = mkdtempSync(join(tmpdir(), 'backfill-report-state-'));
    const report = await validate(warehouse, {range: DEMO_RANGE, tables: resolveTableList('PCF'), auditDatesPerSeason: 0});
    saveLastValidation(stateDir, report, warehouse.description);
    const text = formatCompletionReport(await buildCompletionReport(warehouse, {range: DEMO_RANGE, stateDir}));
    expect(text).toContain(`${DEMO_RANGE.start} .. ${DEMO_RANGE.end}, PCF: FAILED (1 of 5 checks)`);
    expect(text).toMatch(/\n  PCF\s+FAIL 1\s+ok\s+ok\s+ok\s+ok\s+-\s+-\s+-\n/); // the fifth: fresh
    expect(text).toContain(`FAIL completeness player_composite_factors: 1 of 81 game dates missing: ${DELETED[0]}`);

    // The same state dir used for another warehouse: its result is not printed as this one's.
    saveLastValidation(stateDir, report, '/elsewhere/other.duckdb');
    const other = formatCompletionReport(await buildCompletionReport(warehouse, {range: DEMO_RANGE, stateDir}));
    expect(other).toContain('none for this warehouse (the last one checked /elsewhere/other.duckdb): run `backfill validate`');
    expect(other).not.toContain('PCF: FAILED');

    writeFileSync(join(stateDir, LAST_VALIDATION_FILE), '{"results": tru');
    const damaged = formatCompletionReport(await buildCompletionReport(warehouse, {range: DEMO_RANGE, stateDir}));
    expect(damaged).toContain(`${join(stateDir, LAST_VALIDATION_FILE)} is unreadable`);
    expect(readFileSync(join(stateDir, LAST_VALIDATION_FILE), 'utf8')).toBe('{"results": tru');
  });
});

describe('backfill report and validate (command line)', () => {
  beforeAll(() => assertBuilt());

  it('validate exits 0 on the intact demo and saves the report; report writes the dated file and prints it', async () => {
    box = sandbox();
    demo.copyTo(box.warehouse);
    const range = ['--from', DEMO_RANGE.start, '--to', DEMO_RANGE.end];
    const ok = await backfill(box, ['validate', ...range, '--tables', 'TDZA,PGS']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('PASSED');
    expect(ok.stdout).toMatch(/\nTDZA\s+ok\s+ok\s+ok\s+ok\s+ok\s+-\s+-\s+ok(\n|$)/); // the fifth: fresh
    expect(existsSync(join(box.stateDir, LAST_VALIDATION_FILE))).toBe(true);
    expect(ok.stderr).not.toContain('[1/'); // piped: no progress line

    const printed = await backfill(box, ['report', ...range]);
    expect(printed.exitCode, printed.stderr).toBe(0);
    const file = join(box.dir, 'docs', 'backfill', `BACKFILL-COMPLETION-REPORT-${today().replaceAll('-', '')}.txt`);
    expect(readFileSync(file, 'utf8')).toBe(`${printed.stdout.trimEnd()}\n`);
    expect(printed.stdout).toContain('NBA BACKFILL COMPLETION REPORT');
    expect(printed.stdout).toContain('PGS TDZA: PASSED');

    const out = join(box.dir, 'elsewhere', 'r.txt');
    expect((await backfill(box, ['report', ...range, '--out', out])).exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('NBA BACKFILL COMPLETION REPORT');

    // On a terminal (a pseudo-terminal from script(1)), progress is one line rewritten in place.
    const command = ['node', BIN, 'validate', ...range, '--tables', 'TDZA'].map((a) => `'${a}'`).join(' ');
    const tty = await execa('script', ['-qec', command, '/dev/null'], {cwd: box.dir, env: box.env, reject: false, timeout: 120_000});
    expect(tty.exitCode).toBe(0);
    // Six checks for TDZA: completeness, duplicates, nulls, row counts, fresh, point-in-time.
    expect(tty.stdout).toContain('\r\x1b[2K[1/6] completeness TDZA ok');
    expect(tty.stdout).toContain('[6/6] point_in_time TDZA ok\r\x1b[2Kvalidation of 1 tables');
  });

  it('validate exits 1 naming the table, date and problem; 2 on bad input', async () => {
    box = sandbox();
    demo.copyTo(box.warehouse);
    const {openDuckDb} = await import('../src/warehouse/duckdb.js');
    const w = await openDuckDb(box.warehouse);
    await w.query(`INSERT INTO nba_analytics.team_offense_game_summary SELECT * FROM nba_analytics.team_offense_game_summary WHERE game_date = DATE '2021-11-10' AND team_abbr = (SELECT MIN(team_abbr) FROM nba_analytics.team_offense_game_summary WHERE game_date = DATE '2021-11-10')`);
    await w.close();
    const range = ['--from', DEMO_RANGE.start, '--to', DEMO_RANGE.end];
    const failed = await backfill(box, ['validate', ...range, '--tables', 'TOGS']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toContain('FAILED');
    expect(failed.stdout).toMatch(/\nTOGS\s+ok\s+FAIL 1\s+ok\s+FAIL 1\s+ok\s+-\s+ok\s+-(\n|$)/); // the fifth: fresh
    expect(failed.stdout).toContain('FAIL duplicates team_offense_game_summary: 1 key (game_date, game_id, team_abbr) appears more than once on 2021-11-10');
    const json = await backfill(box, ['validate', ...range, '--tables', 'TOGS', '--json']);
    expect(json.exitCode).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.passed).toBe(false);
    expect(parsed.results.find((r: {check: string}) => r.check === 'duplicates')).toMatchObject({table: 'team_offense_game_summary', dates: ['2021-11-10'], failures: 1});

    for (const args of [['--from', '2022-02-30'], ['--tables', 'NOPE'], ['--from', '2022-01-05', '--to', '2022-01-01']]) {
      const bad = await backfill(box, ['validate', ...args]);
      expect(bad.exitCode, args.join(' ')).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
