// `backfill sql` through the BUILT command line: the statements it prints are the ones that run
// (DuckDB: executed against the fixture; BigQuery: accepted by ZetaSQL), and bad input is one
// line with exit 2. Needs `npm run build` first (npm test does it).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {playerGameSummary, upcomingTeamGameContext} from '../src/catalog/tables.js';
import {duckdb} from '../src/queries/dialect.js';
import {processorFor} from '../src/queries/processors/index.js';
import {replaceRangeStatements} from '../src/queries/write.js';
import {rangeParams} from '../src/warehouse/types.js';
import {assertBuilt, backfill, lines, sandbox, type Sandbox} from './support/cli.js';
import {buildRange, derivedRows, openFixtureWarehouse} from './support/fixture.js';
import {analyzeBigQuery, startZetaSql, stopZetaSql, ZETASQL_PROJECT} from './support/zetasql.js';

let box: Sandbox;
const CLI_PROJECT = 'zeta-project';
beforeAll(async () => {
  assertBuilt();
  box = sandbox();
  await startZetaSql();
}, 120_000);
afterAll(() => {
  stopZetaSql();
  box.cleanup();
});

/** The printed statements: what follows each `-- statement i of n` line, without its closing `;`. */
function statementsOf(stdout: string): string[] {
  return stdout.split(/^-- statement \d+ of \d+\n/m).slice(1).map((s) => s.trim().replace(/;$/, ''));
}

describe('backfill sql', () => {
  it('prints the BigQuery MERGE with parameters and their values, and ZetaSQL accepts it', async () => {
    // A real project id (the harness's short catalog name `p` is not one, and is refused).
    const result = await backfill(box, ['--project', CLI_PROJECT, 'sql', 'PGS', '--from', '2022-01-01', '--to', '2022-01-31', '--engine', 'bigquery']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("@start_date = DATE '2022-01-01'");
    expect(result.stdout).toContain("@end_date = DATE '2022-01-31'");
    expect(result.stdout).toContain('-- ts_pct: ts_pct = points / (2 · (fga + 0.44 · fta))');
    const statements = statementsOf(result.stdout);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^MERGE `zeta-project\.nba_analytics\.player_game_summary`/);
    expect(statements[0]).not.toContain('2022-01-01'); // values stay parameters
    // The printed text, formula comments included, is valid BigQuery.
    expect((await analyzeBigQuery(statements[0].replaceAll(`\`${CLI_PROJECT}.`, `\`${ZETASQL_PROJECT}.`))).kind).toBe('resolvedMergeStmtNode');
  });

  it('prints the DuckDB DELETE and INSERT that build the same rows as the runner', async () => {
    const result = await backfill(box, ['sql', 'upcoming_team_game_context', '--from', '2021-10-19', '--to', '2021-10-27', '--engine', 'duckdb']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("$start_date = DATE '2021-10-19'");
    const statements = statementsOf(result.stdout);
    const expected = replaceRangeStatements(duckdb, upcomingTeamGameContext, processorFor(upcomingTeamGameContext).select(duckdb));
    expect(statements).toEqual(expected);

    const warehouse = await openFixtureWarehouse();
    try {
      await buildRange(warehouse, upcomingTeamGameContext, '2021-10-19', '2021-10-27');
      const built = await derivedRows(warehouse, upcomingTeamGameContext);
      await warehouse.query(`DELETE FROM ${duckdb.table(upcomingTeamGameContext)}`);
      const params = rangeParams('2021-10-19', '2021-10-27', 'printed');
      for (const sql of statements) {
        await warehouse.query(sql, Object.fromEntries(Object.entries(params).filter(([name]) => sql.includes(`$${name}`))));
      }
      expect(await derivedRows(warehouse, upcomingTeamGameContext)).toEqual(built);
    } finally {
      await warehouse.close();
    }
  });

  it('defaults to the configured target (duckdb)', async () => {
    const result = await backfill(box, ['sql', 'pgs', '--from', '2022-01-01', '--to', '2022-01-01']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(statementsOf(result.stdout)[0]).toBe(`DELETE FROM ${duckdb.table(playerGameSummary)} WHERE game_date BETWEEN CAST($start_date AS DATE) AND CAST($end_date AS DATE)`);
  });

  it.each([
    [['sql', 'NOPE', '--from', '2022-01-01', '--to', '2022-01-31'], /unknown table or processor "NOPE"/],
    [['sql', 'PGS', '--from', '2022-02-30', '--to', '2022-03-01'], /--from "2022-02-30" is not a real date/],
    [['sql', 'PGS', '--from', '2022-03-01', '--to', '2022-02-01'], /--to 2022-02-01 is before --from 2022-03-01/],
    [['sql', 'PGS', '--from', '2022-03-01'], /both --from and --to are required/],
    [['sql', 'PGS', '--from', '2022-03-01', '--to', '2022-03-02', '--engine', 'oracle'], /--engine "oracle" must be duckdb or bigquery/],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const result = await backfill(box, args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });
});
