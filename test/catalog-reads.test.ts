// The read declaration (catalog/reads.ts) against the processors it describes: every table a
// processor's SQL names is declared, nothing else is; windows of one read never overlap; the
// planner's gates are derived from it; and, on the hand-made fixture, a table's rows on D do not
// change when its inputs lose every row outside the declared windows of D (so a change there can
// never make D stale without reason, and nothing D reads is outside what staleness watches).
import {describe, expect, it} from 'vitest';
import {ALL_TABLES, DERIVED_TABLES, derivedTable, gateOf, READS} from '../src/catalog/index.js';
import type {ReadWindow} from '../src/catalog/reads.js';
import type {DerivedTable} from '../src/catalog/types.js';
import {SeasonCalendar} from '../src/freshness/calendar.js';
import {bigquery, duckdb} from '../src/queries/dialect.js';
import {processorFor} from '../src/queries/processors/index.js';
import {rangeParams} from '../src/warehouse/types.js';
import {buildRange, FIXTURE_GAME_DATES, FIXTURE_GAMES, openFixtureWarehouse} from './support/fixture.js';

describe('the declaration', () => {
  it.each(DERIVED_TABLES.map((t) => [t.short, t] as const))('%s names in its SQL exactly the tables it declares', (_short, table) => {
    for (const d of [duckdb, bigquery('p')]) {
      const sql = processorFor(table).select(d);
      const named = ALL_TABLES.filter((t) => sql.includes(d.table(t))).map((t) => t.name).sort();
      expect(named, d.engine).toEqual(READS[table.name].map((r) => r.table).sort());
    }
  });

  it('the windows of one read never overlap, and the gates are derived from them', () => {
    const overlapping: Array<[ReadWindow, ReadWindow]> = [['date', 'season-through'], ['season-before', 'season-through']];
    for (const table of DERIVED_TABLES) {
      for (const read of READS[table.name]) {
        for (const [a, b] of overlapping) expect(read.windows.includes(a) && read.windows.includes(b), `${table.short} ${read.table}`).toBe(false);
      }
      expect(table.dependsOn).toEqual(READS[table.name].filter((r) => DERIVED_TABLES.some((t) => t.name === r.table)).map((r) => ({table: r.table, lookback: gateOf(r.windows)})));
    }
    expect(derivedTable('ml_feature_store').dependsOn.find((d) => d.table === 'player_game_summary')?.lookback).toBe('two-seasons');
  });
});

/** The table's rows on `date`, computed now (not stored): its processor over [date, date]. */
async function rowsOn(w: Awaited<ReturnType<typeof openFixtureWarehouse>>, table: DerivedTable, date: string) {
  const rows = await w.query(`SELECT * FROM (${processorFor(table).select(w.dialect)}) AS r ORDER BY ${table.key.join(', ')}`, rangeParams(date, date));
  return rows.map((r) => JSON.stringify(r));
}

const calendar = new SeasonCalendar(
  FIXTURE_GAME_DATES.map((date) => ({date, season: FIXTURE_GAMES.find((g) => g.date === date)!.season, games: 1})),
);

// Every derived read, and the date-keyed box score and shot chart reads (the schedule decides the
// calendar itself, the roster has no dates), on a date late in the season (and, for the previous
// season's read, the next season's opener).
const CASES = DERIVED_TABLES.flatMap((table) =>
  READS[table.name]
    .filter((r) => r.table !== 'nba_schedule' && r.table !== 'team_roster')
    .map((read) => [`${table.short} ← ${read.table} ${read.windows.join('+')}`, table, read] as const),
);

describe('on the fixture, nothing outside the declared windows is read', () => {
  it.each(CASES)('%s', {timeout: 60_000}, async (_name, table, read) => {
    const w = await openFixtureWarehouse();
    try {
      for (const t of DERIVED_TABLES) await buildRange(w, t, FIXTURE_GAME_DATES[0], FIXTURE_GAME_DATES.at(-1)!);
      const date = read.windows.includes('previous-season') ? '2022-10-18' : '2021-10-26';
      const before = await rowsOn(w, table, date);
      expect(before.length, 'a date with rows').toBeGreaterThan(0);
      const kept = read.windows.flatMap((window) => calendar.window(date, window).flatMap((span) => calendar.datesOf(span)));
      const input = ALL_TABLES.find((t) => t.name === read.table)!;
      const list = kept.length ? kept.map((d) => `DATE '${d}'`).join(', ') : 'NULL';
      await w.query(`DELETE FROM ${w.dialect.table(input)} WHERE game_date NOT IN (${list})`);
      expect(await rowsOn(w, table, date)).toEqual(before);
    } finally {
      await w.close();
    }
  });
});
