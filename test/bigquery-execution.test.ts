// The BigQuery SQL proven by execution: every processor's SELECT, as the BigQuery adapter sends it,
// executed by ZetaSQL's reference implementation (GoogleSQL's own engine) on a small warehouse of
// real shape (support/execution-fixture.ts), and compared row by row with DuckDB's result for the
// same processor and range: the same keys, the same values. Type checks (bigquery-sql*.test.ts)
// cannot see a dialect change that keeps the types but changes results; this can.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {processorFor} from '../src/queries/processors/index.js';
import type {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {dateParam} from '../src/warehouse/types.js';
import {rowDifferences} from './support/compare-rows.js';
import {buildExecutionFixture, EXECUTION_RANGES, TEAMS, TEAMS_THROUGH, type ExecutionFixture} from './support/execution-fixture.js';
import {startZetaSql, stopZetaSql} from './support/zetasql.js';
import {zetaSqlWarehouse, type ZetaSqlBigQuery} from './support/zetasql-bigquery.js';

let fixture: ExecutionFixture;
let bigquery: BigQueryWarehouse;
let client: ZetaSqlBigQuery;
const started = performance.now();

beforeAll(async () => {
  [fixture] = await Promise.all([buildExecutionFixture(), startZetaSql()]);
  ({warehouse: bigquery, client} = zetaSqlWarehouse(fixture.warehouse));
}, 180_000);

afterAll(async () => {
  console.log(`bigquery-execution: ${client?.evaluations} ZetaSQL evaluations in ${Math.round(client?.evaluatedMs ?? 0)} ms; file ${Math.round(performance.now() - started)} ms`);
  stopZetaSql();
  await fixture?.cleanup();
});

describe('the fixture has the shape the comparison needs', () => {
  it('two teams with more games than the longest window, a trade between them, postponed games, the Play-In, two season openers', async () => {
    const w = fixture.warehouse;
    for (const team of TEAMS) {
      const [{n}] = await w.query(`SELECT COUNT(*) AS n FROM nba_orchestration.nba_schedule WHERE game_status = 'Final' AND game_date < DATE '2022-01-10' AND (home_team_abbr = '${team}' OR away_team_abbr = '${team}')`);
      expect(Number(n), team).toBeGreaterThan(30);
    }
    const traded = await w.query(`SELECT player_lookup FROM nba_raw.team_roster WHERE season = '2021-22' AND team_abbr IN ('PHX', 'SAC') GROUP BY player_lookup HAVING COUNT(DISTINCT team_abbr) = 2`);
    expect(traded.map((r) => r.player_lookup).sort()).toEqual(['chrishunter', 'kellystewart']);
    const [kinds] = await w.query(`SELECT
      SUM(CASE WHEN game_status = 'Postponed' THEN 1 ELSE 0 END) AS postponed,
      SUM(CASE WHEN season_type = 'Play-In' THEN 1 ELSE 0 END) AS play_in,
      COUNT(DISTINCT season) AS seasons,
      SUM(CASE WHEN game_date > DATE '${TEAMS_THROUGH}' AND game_date < DATE '2022-04-10' THEN 1 ELSE 0 END) AS gap
      FROM nba_orchestration.nba_schedule`);
    expect(kinds).toMatchObject({postponed: 3, play_in: 6, seasons: 2, gap: 0});
  });
});

describe.each(EXECUTION_RANGES.map((r) => [r.name, r] as const))('over %s', (_name, range) => {
  it.each(DERIVED_TABLES.map((t) => [t.short, t] as const))('%s: BigQuery (ZetaSQL) gives the rows DuckDB gives', async (_short, table) => {
    const params = {start_date: dateParam(range.start), end_date: dateParam(range.end)};
    const processor = processorFor(table);
    const [duck, big] = await Promise.all([
      fixture.warehouse.query(processor.select(fixture.warehouse.dialect), params),
      bigquery.query(processor.select(bigquery.dialect), params),
    ]);
    expect(duck.length).toBeGreaterThan(0);
    expect(rowDifferences(table.key, duck, big)).toEqual([]);
  });
});
