// What the runner tests share: a small real DuckDB warehouse with a schedule (for tests that do
// not need the demo's sources), a state dir, and event collection helpers.
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ALL_TABLES, DERIVED_TABLES} from '../src/catalog/index.js';
import {seasonOf} from '../src/dates.js';
import type {RunEvent} from '../src/runner/types.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import type {Warehouse} from '../src/warehouse/types.js';

export interface TempDir {
  readonly dir: string;
  cleanup(): void;
}

export function tempDir(prefix = 'backfill-runner-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

/** A warehouse whose schedule has one Final game on each given date. */
export async function scheduleOnlyWarehouse(file: string, dates: readonly string[]): Promise<DuckDbWarehouse> {
  const warehouse = await openDuckDb(file);
  await warehouse.ensureTables(ALL_TABLES);
  for (const [i, date] of dates.entries()) {
    await warehouse.query(
      `INSERT INTO nba_orchestration.nba_schedule (game_id, game_date, season, season_type, home_team_abbr, away_team_abbr, game_status, home_score, away_score)
       VALUES ($id, CAST($date AS DATE), $season, 'Regular Season', 'BOS', 'NYK', 'Final', 100, 90)`,
      {id: {type: 'STRING', value: `00221${String(i).padStart(5, '0')}`}, date: {type: 'DATE', value: date}, season: {type: 'STRING', value: seasonOf(date)}},
    );
  }
  return warehouse;
}

export function collect(subscribe: (listener: (event: RunEvent) => void) => () => void): RunEvent[] {
  const events: RunEvent[] = [];
  subscribe((event) => events.push(event));
  return events;
}

/** Events of one type (an intersection, not Extract: paused/resumed/cancelled share one member). */
export function ofType<T extends RunEvent['type']>(events: readonly RunEvent[], type: T): (RunEvent & {type: T})[] {
  return events.filter((e): e is RunEvent & {type: T} => e.type === type);
}

/** The demo league from its opener to 2021-12-31: ~72 game dates, built once per test file. */
export const DEMO_AS_OF = '2022-01-01';
export const DEMO_RANGE = {start: '2021-10-19', end: '2021-12-31'};

export async function demoFile(dir: string): Promise<string> {
  const {createDemoWarehouse} = await import('../src/demo/index.js');
  const file = join(dir, 'demo.duckdb');
  await createDemoWarehouse(file, {asOf: DEMO_AS_OF, seed: 7});
  return file;
}

export function copyOf(file: string, dir: string, name: string): string {
  const target = join(dir, `${name}.duckdb`);
  copyFileSync(file, target);
  return target;
}

export interface TableFacts {
  readonly rows: number;
  readonly distinctKeys: number;
  readonly dates: number;
  /**
   * Over every column but lineage. Doubles are compared as single-precision floats: DuckDB's
   * parallel AVG/SUM adds in varying order, so the last bits differ between identical runs
   * (1e-15). Rounding to decimals is not enough: averages over 32 or 64 games land exactly on
   * decimal halves (18.5890625), which round either way; exact binary fractions survive FLOAT.
   */
  readonly checksum: string;
}

/** Per derived table: rows, distinct keys, covered dates and a checksum of the content. */
export async function tableFacts(warehouse: Warehouse): Promise<Record<string, TableFacts>> {
  const facts: Record<string, TableFacts> = {};
  for (const table of DERIVED_TABLES) {
    const d = warehouse.dialect;
    const columns = table.columns
      .filter((c) => c.name !== 'processed_at' && c.name !== 'run_id')
      .map((c) => (c.type === 'FLOAT64' ? `CAST(${d.ident(c.name)} AS FLOAT)` : d.ident(c.name)));
    const key = table.key.map((k) => d.ident(k)).join(', ');
    const [row] = await warehouse.query(
      `SELECT COUNT(*) AS n, (SELECT COUNT(*) FROM (SELECT DISTINCT ${key} FROM ${d.table(table)})) AS k,
              COUNT(DISTINCT game_date) AS dates,
              md5(COALESCE(string_agg(line, '|' ORDER BY line), '')) AS checksum
       FROM (SELECT CAST(ROW(${columns.join(', ')}) AS VARCHAR) AS line, game_date FROM ${d.table(table)}) t`,
    );
    facts[table.name] = {rows: Number(row.n), distinctKeys: Number(row.k), dates: Number(row.dates), checksum: String(row.checksum)};
  }
  return facts;
}
