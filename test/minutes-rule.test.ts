// One rule for a malformed raw `minutes` value (queries/minutes.ts), on DuckDB for real: every
// processor that reads the row fails its batch with the same one line naming the game, the player
// and the value, nothing is written, and no player silently drops out. BigQuery's SQL is held to
// the same rule by executing it with ZetaSQL in bigquery-guards.test.ts.
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {playerGameSummary, teamDefenseGameSummary, teamOffenseGameSummary, upcomingPlayerGameContext} from '../src/catalog/index.js';
import type {DerivedTable} from '../src/catalog/types.js';
import {DataGuardError} from '../src/queries/guards.js';
import {classifyError} from '../src/warehouse/errors.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {buildRange, derivedRows, openFixtureWarehouse} from './support/fixture.js';
import {MALFORMED_MESSAGE} from './support/wrong-processors.js';

let warehouse: DuckDbWarehouse;
beforeEach(async () => {
  warehouse = await openFixtureWarehouse();
});
afterEach(() => warehouse.close());

async function setMinutes(value: string | null, gameId = '0022100001', player = 'aaronalpha'): Promise<void> {
  await warehouse.query(`UPDATE nba_raw.boxscore_traditional SET "minutes" = $m WHERE game_id = $g AND player_lookup = $p`, {
    m: {type: 'STRING', value},
    g: {type: 'STRING', value: gameId},
    p: {type: 'STRING', value: player},
  });
}

async function failure(table: DerivedTable, start: string, end: string): Promise<unknown> {
  return buildRange(warehouse, table, start, end).then(() => null, (e: unknown) => e);
}

describe('a malformed minutes value on DuckDB', () => {
  it.each([playerGameSummary, teamOffenseGameSummary, teamDefenseGameSummary].map((t) => [t.short, t] as const))('fails %s for the batch holding it, with one permanent line', async (_short, table) => {
    await buildRange(warehouse, table, '2021-10-19', '2021-10-27', 'good');
    const before = await derivedRows(warehouse, table);
    await setMinutes('34');
    const error = await failure(table, '2021-10-19', '2021-10-22');
    expect(error).toBeInstanceOf(DataGuardError);
    expect(classifyError(error)).toBe('permanent');
    expect((error as Error).message).toBe(MALFORMED_MESSAGE);
    expect(await derivedRows(warehouse, table)).toEqual(before);
  });

  it('fails UPGC for the later dates of the season that read it as history', async () => {
    await setMinutes('34');
    expect((await failure(upcomingPlayerGameContext, '2021-10-24', '2021-10-24')) as Error).toMatchObject({message: MALFORMED_MESSAGE});
    // UPGC on the opener reads no appearance before it: the row is not read, nothing fails.
    await expect(buildRange(warehouse, upcomingPlayerGameContext, '2021-10-19', '2021-10-19')).resolves.toBeGreaterThan(0);
  });

  it('a batch that does not read the row is not stopped by it', async () => {
    await setMinutes('34');
    await expect(buildRange(warehouse, playerGameSummary, '2021-10-20', '2021-10-27')).resolves.toBeGreaterThan(0);
  });

  it.each(['', '34', '34:5', '34:60', ' 34:00', '34:00 ', '-1:00', '3a:00', '12.5', 'DNP'])('%j is malformed', async (value) => {
    await setMinutes(value);
    const error = (await failure(playerGameSummary, '2021-10-19', '2021-10-19')) as Error;
    expect(error).toBeInstanceOf(DataGuardError);
    expect(error.message).toContain(`malformed minutes value '${value}' (game 0022100001, player aaronalpha)`);
  });

  it('NULL is a DNP and 0:00 did not play: both leave the player out, as before; M:SS parses', async () => {
    await setMinutes(null);
    await setMinutes('0:00', '0022100001', 'adamalpha');
    await setMinutes('7:30', '0022100001', 'alalpha');
    await buildRange(warehouse, playerGameSummary, '2021-10-19', '2021-10-19');
    const rows = await derivedRows(warehouse, playerGameSummary, '2021-10-19');
    expect(rows.map((r) => r.player_lookup)).not.toContain('aaronalpha');
    expect(rows.map((r) => r.player_lookup)).not.toContain('adamalpha');
    expect(rows.find((r) => r.player_lookup === 'alalpha')?.minutes).toBe(7.5);
  });
});
