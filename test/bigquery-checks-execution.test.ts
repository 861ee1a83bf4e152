// Validation, preflight and coverage as BigQuery runs them, executed: every query they send through
// the BigQuery adapter runs on ZetaSQL's reference implementation (support/zetasql-bigquery.ts) over
// the real-shape fixture, and must give what the same code gives on DuckDB: the same game dates and
// coverage (BigQuery's from INFORMATION_SCHEMA.PARTITIONS), the same check results, failures, dates,
// messages and sample rows, after damaging each thing a check looks for (the checks the damage does
// not touch pass on both, which is compared too). Validation runs over mid-season and the season's
// end (RANGE): the reference engine joins by nested loops, and a season of box scores in one
// FULL OUTER JOIN would take it a minute.
// (The point-in-time audit is not run here: it creates and fills scratch tables, which ZetaSQL's
// query evaluation cannot; its statements are type-checked in bigquery-sql.test.ts.)
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {coveredDates, gameDates} from '../src/queries/coverage.js';
import {preflight, validate} from '../src/validation/index.js';
import type {CheckResult, ValidationReport} from '../src/validation/types.js';
import type {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import type {Row, Warehouse} from '../src/warehouse/types.js';
import {sameValue} from './support/compare-rows.js';
import {buildExecutionFixture, type ExecutionFixture} from './support/execution-fixture.js';
import {startZetaSql, stopZetaSql} from './support/zetasql.js';
import {zetaSqlWarehouse, type ZetaSqlBigQuery} from './support/zetasql-bigquery.js';

let fixture: ExecutionFixture;
let bigquery: BigQueryWarehouse;
let client: ZetaSqlBigQuery;

beforeAll(async () => {
  [fixture] = await Promise.all([buildExecutionFixture(), startZetaSql()]);
  ({warehouse: bigquery, client} = zetaSqlWarehouse(fixture.warehouse));
}, 180_000);
afterAll(async () => {
  console.log(`bigquery-checks-execution: ${client?.evaluations} ZetaSQL evaluations in ${Math.round(client?.evaluatedMs ?? 0)} ms`);
  stopZetaSql();
  await fixture?.cleanup();
});

/** PHX/SAC's games of 2022-01-10..16 with the whole 2022-01-15, then the last regular day and the Play-In. */
const RANGE = {start: '2022-01-10', end: '2022-04-15'};

function sameRows(a: readonly Row[], b: readonly Row[]): string[] {
  if (a.length !== b.length) return [`${a.length} rows vs ${b.length}`];
  return a.flatMap((row, i) =>
    [...new Set([...Object.keys(row), ...Object.keys(b[i])])].filter((c) => !sameValue(row[c], b[i][c])).map((c) => `row ${i} ${c}: ${JSON.stringify(row[c])} vs ${JSON.stringify(b[i][c])}`),
  );
}

/** Differences between two engines' check results (timings aside). */
function resultDifferences(a: readonly CheckResult[], b: readonly CheckResult[]): string[] {
  const out: string[] = [];
  if (a.length !== b.length) out.push(`${a.length} results vs ${b.length}`);
  for (const [i, r] of a.entries()) {
    const s = b[i];
    const name = `${r.check} ${r.table}`;
    if (!s) continue;
    for (const field of ['check', 'table', 'passed', 'failures', 'message'] as const) {
      if (r[field] !== s[field]) out.push(`${name}: ${field} ${JSON.stringify(r[field])} vs ${JSON.stringify(s[field])}`);
    }
    if (JSON.stringify(r.dates) !== JSON.stringify(s.dates)) out.push(`${name}: dates ${r.dates.join(',')} vs ${s.dates.join(',')}`);
    out.push(...sameRows(r.sample, s.sample).map((d) => `${name}: sample ${d}`));
  }
  return out;
}

async function bothValidate(): Promise<[ValidationReport, ValidationReport]> {
  const options = {range: RANGE, auditDatesPerSeason: 0};
  return Promise.all([validate(fixture.warehouse, options), validate(bigquery, options)]);
}

async function coverage(w: Warehouse) {
  const covered = await coveredDates(w, DERIVED_TABLES, fixture.range);
  return {
    dates: await gameDates(w, fixture.range),
    covered: Object.fromEntries([...covered].map(([table, dates]) => [table, [...dates].sort()])),
  };
}

describe('coverage', () => {
  it('game dates and covered dates (BigQuery: from INFORMATION_SCHEMA.PARTITIONS) are the same on both engines', async () => {
    const [duck, big] = [await coverage(fixture.warehouse), await coverage(bigquery)];
    expect(duck.dates.length).toBeGreaterThan(50);
    expect(big).toEqual(duck);
    expect(client.requests.some((r) => r.query.includes('INFORMATION_SCHEMA.PARTITIONS'))).toBe(true);
  });
});

describe('after damage each check looks for', () => {
  beforeAll(async () => {
    const w = fixture.warehouse;
    const day = '2022-01-15';
    const one = (table: string, extra = '') => `(SELECT MIN(player_lookup) FROM ${table} WHERE game_date = DATE '${day}'${extra})`;
    const damage = [
      // derived tables
      `INSERT INTO nba_analytics.player_game_summary SELECT * FROM nba_analytics.player_game_summary WHERE game_date = DATE '${day}' AND player_lookup = ${one('nba_analytics.player_game_summary')}`,
      `UPDATE nba_analytics.player_game_summary SET points = points + 3 WHERE game_date = DATE '2022-01-10' AND player_lookup = ${one('nba_analytics.player_game_summary').replace(day, '2022-01-10')}`,
      `UPDATE nba_analytics.team_offense_game_summary SET pace = NULL WHERE game_date = DATE '${day}' AND team_abbr = (SELECT MIN(team_abbr) FROM nba_analytics.team_offense_game_summary WHERE game_date = DATE '${day}')`,
      `DELETE FROM nba_analytics.upcoming_team_game_context WHERE game_date = DATE '2022-01-12'`,
      `INSERT INTO nba_analytics.upcoming_player_game_context SELECT * REPLACE (DATE '2022-01-11' AS game_date) FROM nba_analytics.upcoming_player_game_context WHERE game_date = DATE '2022-01-10' LIMIT 3`,
      `DELETE FROM nba_precompute.ml_feature_store WHERE game_date = DATE '2022-04-12'`,
      // raw sources
      `UPDATE nba_raw.boxscore_traditional SET "minutes" = '34' WHERE game_date = DATE '${day}' AND player_lookup = ${one('nba_raw.boxscore_traditional', ` AND "minutes" IS NOT NULL`)}`,
      `UPDATE nba_raw.boxscore_traditional SET ast = -1 WHERE game_date = DATE '2022-04-10' AND player_lookup = ${one('nba_raw.boxscore_traditional', ` AND "minutes" IS NOT NULL`).replace(day, '2022-04-10')}`,
      `UPDATE nba_raw.boxscore_traditional SET fgm = fga + 1 WHERE game_date = DATE '2022-04-13' AND player_lookup = ${one('nba_raw.boxscore_traditional', ` AND "minutes" IS NOT NULL`).replace(day, '2022-04-13')}`,
      `DELETE FROM nba_raw.shot_chart WHERE rowid = (SELECT MIN(rowid) FROM nba_raw.shot_chart WHERE game_date = DATE '2022-04-12')`,
      `UPDATE nba_orchestration.nba_schedule SET away_score = NULL WHERE game_id = (SELECT MIN(game_id) FROM nba_orchestration.nba_schedule WHERE game_date = DATE '2022-04-15')`,
    ];
    for (const sql of damage) await w.query(sql);
    client.forget();
  });

  it('gives the same findings on both engines: failures, dates, messages, sample rows', async () => {
    const [duck, big] = await bothValidate();
    // 5 per table (fresh among them: every date `unknown` on both, this fixture has no build records).
    expect(duck.results.length).toBe(5 * 10 + 2 + 5);
    const failing = duck.results.filter((r) => !r.passed).map((r) => `${r.check} ${r.table}`);
    expect(failing.length).toBeLessThan(duck.results.length - 15); // most checks still pass, on both
    // Each damage was seen (the comparison is not between two empty answers).
    for (const expected of [
      'duplicates player_game_summary', 'reconcile_raw player_game_summary', 'nulls team_offense_game_summary', 'reconcile_team team_offense_game_summary',
      'completeness upcoming_team_game_context', 'row_counts upcoming_player_game_context', 'completeness ml_feature_store',
      'raw_minutes boxscore_traditional', 'raw_negative boxscore_traditional', 'raw_shooting boxscore_traditional', 'raw_shot_chart shot_chart', 'raw_scores nba_schedule',
    ]) {
      expect(failing).toContain(expected);
    }
    expect(resultDifferences(duck.results, big.results)).toEqual([]);
  });

  it('preflight says the same on both engines', async () => {
    const range = {start: '2022-04-08', end: '2022-04-15'};
    const [duck, big] = [await preflight(fixture.warehouse, range), await preflight(bigquery, range)];
    expect(duck.ready).toBe(false);
    expect({...big, raw: []}).toEqual({...duck, raw: []});
    expect(resultDifferences(duck.raw, big.raw)).toEqual([]);
    expect(duck.raw.filter((r) => !r.passed).map((r) => r.check)).toEqual(['raw_negative', 'raw_shooting', 'raw_shot_chart', 'raw_scores']);
  });
});
