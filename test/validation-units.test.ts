// The small pieces of validation that need no warehouse: the reproducible audit sample, the
// dataset mapping the audit runs the processors through, and which tables an audit rebuilds.
import {describe, expect, it} from 'vitest';
import {playerGameSummary, resolveTableList, teamRoster} from '../src/catalog/index.js';
import {bigquery, duckdb, withDatasets} from '../src/queries/dialect.js';
import type {GameDate} from '../src/queries/coverage.js';
import {addDays} from '../src/dates.js';
import {auditDates} from '../src/validation/index.js';
import {rebuildChain} from '../src/validation/pointInTime/audit.js';

function season(first: string, count: number, name: string): GameDate[] {
  return Array.from({length: count}, (_, i) => ({date: addDays(first, i), season: name, games: 5}));
}

describe('auditDates', () => {
  const two = [...season('2021-10-19', 150, '2021-22'), ...season('2022-10-18', 150, '2022-23')];

  it('picks the same fixed number of dates per season, every time, sorted', () => {
    const picked = auditDates(two);
    expect(picked).toEqual(auditDates([...two].reverse()));
    expect(picked).toEqual([...picked].sort());
    expect(picked.filter((d) => d < '2022-08-01')).toHaveLength(3);
    expect(picked.filter((d) => d > '2022-08-01')).toHaveLength(3);
    expect(new Set(picked).size).toBe(6);
    expect(auditDates(two, 1)).toHaveLength(2);
  });

  it('depends on the date list, so another range audits other dates', () => {
    const shorter = two.filter((g) => g.date !== two[40].date);
    expect(auditDates(shorter)).not.toEqual(auditDates(two));
  });

  it('takes every date of a season shorter than the sample, and nothing from nothing', () => {
    const tiny = season('2021-10-19', 2, '2021-22');
    expect(auditDates(tiny)).toEqual(tiny.map((g) => g.date));
    expect(auditDates([])).toEqual([]);
  });
});

describe('withDatasets', () => {
  it('renames the mapped datasets for reads and DDL on both engines, leaving the others alone', () => {
    const duck = withDatasets(duckdb, {nba_analytics: 'pit_1_nba_analytics'});
    expect(duck.table(playerGameSummary)).toBe('"pit_1_nba_analytics"."player_game_summary"');
    expect(duck.table(teamRoster)).toBe('"nba_raw"."team_roster"');
    expect(duck.createTable(playerGameSummary)).toContain('CREATE TABLE IF NOT EXISTS "pit_1_nba_analytics"."player_game_summary"');
    expect(duck.createSchema('nba_analytics')).toBe('CREATE SCHEMA IF NOT EXISTS "pit_1_nba_analytics"');
    const bq = withDatasets(bigquery('proj'), {nba_raw: 'raw_eu'});
    expect(bq.table(teamRoster)).toBe('`proj.raw_eu.team_roster`');
    expect(bq.param('start_date', 'DATE')).toBe('@start_date');
  });
});

describe('rebuildChain', () => {
  it('rebuilds an audited table with the rebuilt tables it reads, in dependency order', () => {
    expect(rebuildChain(resolveTableList('PDC')).map((t) => t.short)).toEqual(['UPGC', 'TDZA', 'PDC']);
    expect(rebuildChain(resolveTableList('UTGC')).map((t) => t.short)).toEqual(['UTGC']);
    expect(rebuildChain(resolveTableList('MLFS')).map((t) => t.short)).toEqual(['UPGC', 'UTGC', 'TDZA', 'PSZA', 'PDC', 'PCF', 'MLFS']);
  });
});
