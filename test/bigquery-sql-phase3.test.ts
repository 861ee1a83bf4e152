// The phase 3 statements as BigQuery would receive them, analyzed by ZetaSQL (Google's GoogleSQL
// front end) against the whole catalog with typed parameters: names, types and functions resolve.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {playerGameSummary} from '../src/catalog/tables.js';
import {bigquery, duckdb} from '../src/queries/dialect.js';
import {PHASE3_PROCESSORS} from '../src/queries/processors/phase3/index.js';
import {replaceRangeStatements, selectedColumns, strayDatesStatement} from '../src/queries/write.js';
import {analyzeBigQuery, startZetaSql, stopZetaSql, ZETASQL_PROJECT} from './support/zetasql.js';

beforeAll(() => startZetaSql(), 120_000);
afterAll(() => stopZetaSql());

const d = bigquery(ZETASQL_PROJECT);

describe.each(PHASE3_PROCESSORS.map((p) => [p.table.short, p] as const))('%s on BigQuery', (_short, processor) => {
  const select = processor.select(d);

  it('is one MERGE that ZetaSQL accepts', async () => {
    const statements = replaceRangeStatements(d, processor.table, select);
    expect(statements).toHaveLength(1);
    expect((await analyzeBigQuery(statements[0])).kind).toBe('resolvedMergeStmtNode');
  });

  it("selects exactly the catalog's columns with the catalog's types", async () => {
    const analyzed = await analyzeBigQuery(select);
    const types = new Map(processor.table.columns.map((c) => [c.name, c.type]));
    expect(analyzed.columns).toEqual(selectedColumns(processor.table).map((name) => ({name, type: types.get(name)})));
  });

  it('its stray-date diagnostic (run only after a stray-row guard failed) is a query ZetaSQL accepts', async () => {
    expect((await analyzeBigQuery(strayDatesStatement(d, select), {start_date: 'DATE', end_date: 'DATE'})).kind).toBe('resolvedQueryStmtNode');
  });

  it("limits the MERGE's DELETE arm to the batch's game_date range (the partition filter)", () => {
    const [merge] = replaceRangeStatements(d, processor.table, select);
    expect(merge).toMatch(/WHEN NOT MATCHED BY SOURCE AND target\.game_date BETWEEN @start_date AND @end_date THEN DELETE/);
    // Sources only: phase 3 never reads a derived (partition-filtered) table.
    const read = select.match(/`p\.[a-z_]+\.[a-z_]+`/g) ?? [];
    expect(read.length).toBeGreaterThan(0);
    for (const table of read) expect(table).toMatch(/^`p\.(nba_orchestration|nba_raw)\./);
  });
});

describe('the harness', () => {
  it('rejects an unknown column', async () => {
    const select = PHASE3_PROCESSORS[0].select(d);
    const broken = select.replace('p.points', 'p.no_such_points');
    expect(broken).not.toBe(select);
    const [merge] = replaceRangeStatements(d, playerGameSummary, broken);
    await expect(analyzeBigQuery(merge)).rejects.toThrow(/Unrecognized name: no_such_points|Name no_such_points not found/);
  });

  it('rejects DuckDB SQL (double-quoted identifiers, $parameters, date_diff with a unit string)', async () => {
    await expect(analyzeBigQuery(PHASE3_PROCESSORS[3].select(duckdb))).rejects.toThrow(/ZetaSQL rejected/);
  });

  it('rejects an undeclared parameter', async () => {
    await expect(analyzeBigQuery('SELECT @nope AS x')).rejects.toThrow(/Query parameter 'nope' not found/);
  });
});
