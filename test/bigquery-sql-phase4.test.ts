// Phase 4's BigQuery statements, checked without BigQuery: ZetaSQL (GoogleSQL's own analyzer)
// type-checks each MERGE against the catalog's schemas with typed parameters, and every read of a
// derived table is shown to carry the game_date filter that require_partition_filter demands,
// no wider than the lookback the catalog declares for that dependency.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ZetaSQLClient, runServer, terminateServer} from '@fivetrandevelopers/zetasql';
import {ALL_TABLES, DERIVED_TABLES, tablesOfPhase} from '../src/catalog/index.js';
import type {DerivedTable, Lookback} from '../src/catalog/types.js';
import {bigquery} from '../src/queries/dialect.js';
import {processorFor} from '../src/queries/processors/index.js';
import {replaceRangeStatements} from '../src/queries/write.js';

const d = bigquery('proj');
const PHASE4 = tablesOfPhase(4);

/** The MERGE that replaces a range of `table` on BigQuery. */
function mergeOf(table: DerivedTable): string {
  const statements = replaceRangeStatements(d, table, processorFor(table).select(d));
  expect(statements).toHaveLength(1);
  return statements[0];
}

interface DerivedRead {
  readonly table: DerivedTable;
  /** Days of lookback before start_date in the read's filter; undefined when there is no filter. */
  readonly lookbackDays: number | undefined;
}

const FILTER = /^\s+WHERE game_date BETWEEN (?:DATE_SUB\(@start_date, INTERVAL (\d+) DAY\)|@start_date) AND @end_date\b/;

/** Every read of a derived table in the MERGE's source (the MERGE target itself is not a read). */
function derivedReads(merge: string): DerivedRead[] {
  const source = merge.slice(merge.indexOf('USING ('));
  const reads: DerivedRead[] = [];
  for (const table of DERIVED_TABLES) {
    const ref = d.table(table);
    for (let at = source.indexOf(ref); at >= 0; at = source.indexOf(ref, at + ref.length)) {
      const filter = FILTER.exec(source.slice(at + ref.length));
      reads.push({table, lookbackDays: filter ? Number(filter[1] ?? 0) : undefined});
    }
  }
  return reads;
}

/** The widest lookback a dependency of each kind may use, in days before start_date. */
const MAX_DAYS: Record<Lookback, number> = {date: 0, season: 400, 'two-seasons': 800};

describe('phase 4 reads of derived tables', () => {
  it.each(PHASE4.map((t) => [t.short, t] as const))('%s filters every derived read by game_date within its declared lookback', (_short, table) => {
    const reads = derivedReads(mergeOf(table));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read.lookbackDays, `${read.table.name} read without a game_date filter`).not.toBeUndefined();
      const dependency = table.dependsOn.find((dep) => dep.table === read.table.name);
      expect(dependency, `${table.name} reads ${read.table.name}, which its catalog entry does not list`).toBeDefined();
      expect(read.lookbackDays!).toBeLessThanOrEqual(MAX_DAYS[dependency!.lookback]);
    }
  });

  it('would notice a read without a filter', () => {
    const ref = d.table(PHASE4[0]);
    expect(derivedReads(`MERGE x USING (SELECT a FROM ${ref} AS t WHERE t.game_date > @start_date) AS s ON FALSE`)).toEqual([
      {table: PHASE4[0], lookbackDays: undefined},
    ]);
  });
});

// ---------------------------------------------------------------- ZetaSQL

const TYPE_KIND = {STRING: 'TYPE_STRING', INT64: 'TYPE_INT64', FLOAT64: 'TYPE_DOUBLE', BOOL: 'TYPE_BOOL', DATE: 'TYPE_DATE', TIMESTAMP: 'TYPE_TIMESTAMP'} as const;
let analyze: (sql: string) => Promise<void>;

beforeAll(async () => {
  const port = 50000 + Math.floor(Math.random() * 5000);
  void runServer(port);
  ZetaSQLClient.init(port);
  const client = ZetaSQLClient.getInstance();
  for (let i = 0; i < 300 && !(await client.testConnection().catch(() => false)); i++) await new Promise((r) => setTimeout(r, 100));
  const languageOptions = (await client.getLanguageOptions({maximumFeatures: true}))!;
  languageOptions.supportedStatementKinds = ['RESOLVED_QUERY_STMT', 'RESOLVED_MERGE_STMT'] as never;
  const catalog = await client.registerCatalog({
    simpleCatalog: {
      name: 'proj',
      table: ALL_TABLES.map((t) => ({
        name: `proj.${t.dataset}.${t.name}`,
        column: t.columns.map((c) => ({name: c.name, type: {typeKind: TYPE_KIND[c.type]}})),
      })),
      builtinFunctionOptions: {languageOptions},
    },
  });
  analyze = async (sql) => {
    await client.analyze({
      sqlStatement: sql,
      registeredCatalogId: catalog!.registeredId,
      options: {
        languageOptions,
        queryParameters: [
          {name: 'start_date', type: {typeKind: 'TYPE_DATE'}},
          {name: 'end_date', type: {typeKind: 'TYPE_DATE'}},
          {name: 'run_id', type: {typeKind: 'TYPE_STRING'}},
        ],
        errorMessageMode: 'ERROR_MESSAGE_ONE_LINE',
      },
    });
  };
}, 120_000);

afterAll(() => terminateServer());

describe('phase 4 MERGE statements under ZetaSQL', () => {
  it.each(PHASE4.map((t) => [t.short, t] as const))('%s analyzes as BigQuery SQL', async (_short, table) => {
    await expect(analyze(mergeOf(table))).resolves.toBeUndefined();
  });

  it('rejects a statement BigQuery would reject', async () => {
    const broken = mergeOf(PHASE4[0]).replace('AVG(pace)', 'AVG(pace_per_game)');
    await expect(analyze(broken)).rejects.toThrow(/pace_per_game/);
  });
});
