// What the runner tests share: a small real DuckDB warehouse with a schedule (for tests that do
// not need the demo's sources), a state dir, and event collection helpers.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ALL_TABLES} from '../src/catalog/index.js';
import type {RunEvent} from '../src/runner/types.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';

export interface TempDir {
  readonly dir: string;
  cleanup(): void;
}

export function tempDir(prefix = 'backfill-runner-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

/** A warehouse whose schedule has one Final game on each given date (season 2021-22). */
export async function scheduleOnlyWarehouse(file: string, dates: readonly string[]): Promise<DuckDbWarehouse> {
  const warehouse = await openDuckDb(file);
  await warehouse.ensureTables(ALL_TABLES);
  for (const [i, date] of dates.entries()) {
    await warehouse.query(
      `INSERT INTO nba_orchestration.nba_schedule (game_id, game_date, season, season_type, home_team_abbr, away_team_abbr, game_status, home_score, away_score)
       VALUES ($id, CAST($date AS DATE), '2021-22', 'Regular Season', 'BOS', 'NYK', 'Final', 100, 90)`,
      {id: {type: 'STRING', value: `00221${String(i).padStart(5, '0')}`}, date: {type: 'DATE', value: date}},
    );
  }
  return warehouse;
}

export function collect(subscribe: (listener: (event: RunEvent) => void) => () => void): RunEvent[] {
  const events: RunEvent[] = [];
  subscribe((event) => events.push(event));
  return events;
}

export function ofType<T extends RunEvent['type']>(events: readonly RunEvent[], type: T): Extract<RunEvent, {type: T}>[] {
  return events.filter((e): e is Extract<RunEvent, {type: T}> => e.type === type);
}
