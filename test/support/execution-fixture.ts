// A small warehouse of real shape for executing the BigQuery SQL (ZetaSQL) next to DuckDB: whole game
// dates and two teams' seasons cut from the deterministic demo league (seed 7), then every derived
// table built on DuckDB. What it holds, and why:
//   - PHX and SAC, every game of theirs from the 2021-22 opener to 2022-01-16 (over 40 each: longer
//     than the longest window, PSZA's 20 games), with the trade between them on 2021-12-21
//     (chrishunter to SAC, kellystewart to PHX) and SAC's three postponed games;
//   - whole game dates: the 2021-22 opener and its second night, 2022-01-15, the regular season's
//     last day 2022-04-10 and the three Play-In dates, the 2022-23 opener and its second night;
//   - every roster row (stints of both seasons).
// EXECUTION_RANGES are the ranges the processors are compared over.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ALL_TABLES, DERIVED_TABLES, SOURCE_TABLES} from '../../src/catalog/index.js';
import {createDemoWarehouse} from '../../src/demo/index.js';
import {processorFor} from '../../src/queries/processors/index.js';
import {openDuckDb, type DuckDbWarehouse} from '../../src/warehouse/duckdb.js';
import {rangeParams} from '../../src/warehouse/types.js';

export const TEAMS = ['PHX', 'SAC'] as const;
export const TEAMS_THROUGH = '2022-01-16';
export const WHOLE_DATES = ['2021-10-19', '2021-10-20', '2022-01-15', '2022-04-10', '2022-04-12', '2022-04-13', '2022-04-15', '2022-10-18', '2022-10-19'];

export const EXECUTION_RANGES = [
  {name: 'the 2021-22 opener', start: '2021-10-19', end: '2021-10-24'},
  {name: 'mid-season, history before it', start: '2022-01-10', end: '2022-01-16'},
  {name: 'the season end and the Play-In', start: '2022-04-08', end: '2022-04-15'},
  {name: 'the 2022-23 opener', start: '2022-10-18', end: '2022-10-19'},
] as const;

export interface ExecutionFixture {
  readonly warehouse: DuckDbWarehouse;
  readonly range: {readonly start: string; readonly end: string};
  cleanup(): Promise<void>;
}

export async function buildExecutionFixture(): Promise<ExecutionFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'backfill-execution-'));
  const demo = join(dir, 'demo.duckdb');
  await createDemoWarehouse(demo, {asOf: '2022-10-21', seed: 7});
  const warehouse = await openDuckDb(':memory:');
  await warehouse.ensureTables(ALL_TABLES);
  // A test-only path in a temp dir: ATTACH takes no parameters.
  await warehouse.query(`ATTACH '${demo}' AS demo (READ_ONLY)`);
  const teams = TEAMS.map((t) => `'${t}'`).join(', ');
  await warehouse.query(`CREATE TEMP TABLE subset AS SELECT game_id FROM demo.nba_orchestration.nba_schedule
    WHERE (season = '2021-22' AND game_date <= DATE '${TEAMS_THROUGH}' AND (home_team_abbr IN (${teams}) OR away_team_abbr IN (${teams})))
       OR game_date IN (${WHOLE_DATES.map((d) => `DATE '${d}'`).join(', ')})`);
  for (const table of SOURCE_TABLES) {
    const name = `${table.dataset}.${table.name}`;
    const where = table.columns.some((c) => c.name === 'game_id') ? ' WHERE game_id IN (SELECT game_id FROM subset)' : '';
    await warehouse.query(`INSERT INTO ${name} SELECT * FROM demo.${name}${where}`);
  }
  await warehouse.query('DETACH demo');
  rmSync(dir, {recursive: true, force: true});
  const [{first, last}] = await warehouse.query(`SELECT MIN(game_date) AS first, MAX(game_date) AS last FROM nba_orchestration.nba_schedule WHERE game_status = 'Final'`);
  const range = {start: String(first), end: String(last)};
  for (const table of DERIVED_TABLES) {
    await warehouse.replaceRange(table, processorFor(table).select(warehouse.dialect), rangeParams(range.start, range.end, 'execution'));
  }
  return {warehouse, range, cleanup: () => warehouse.close()};
}
