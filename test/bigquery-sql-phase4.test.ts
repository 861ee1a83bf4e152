// Phase 4's BigQuery statements, checked without BigQuery: ZetaSQL (GoogleSQL's own analyzer)
// type-checks each MERGE against the catalog's schemas with typed parameters, and every read of a
// derived table is shown to carry the game_date filter that require_partition_filter demands,
// no wider than the lookback the catalog declares for that dependency.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, tablesOfPhase} from '../src/catalog/index.js';
import type {DerivedTable, Lookback} from '../src/catalog/types.js';
import {bigquery} from '../src/queries/dialect.js';
import {processorFor} from '../src/queries/processors/index.js';
import {replaceRangeStatements, selectedColumns} from '../src/queries/write.js';
import {analyzeBigQuery, startZetaSql, stopZetaSql, ZETASQL_PROJECT} from './support/zetasql.js';

beforeAll(() => startZetaSql(), 120_000);
afterAll(() => stopZetaSql());

const d = bigquery(ZETASQL_PROJECT);
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

describe.each(PHASE4.map((t) => [t.short, t] as const))('%s under ZetaSQL', (_short, table) => {
  it('is one MERGE that ZetaSQL accepts', async () => {
    expect((await analyzeBigQuery(mergeOf(table))).kind).toBe('resolvedMergeStmtNode');
  });

  it("selects exactly the catalog's columns with the catalog's types", async () => {
    const analyzed = await analyzeBigQuery(processorFor(table).select(d));
    const types = new Map(table.columns.map((c) => [c.name, c.type]));
    expect(analyzed.columns).toEqual(selectedColumns(table).map((name) => ({name, type: types.get(name)})));
  });
});

it('ZetaSQL rejects a phase 4 statement BigQuery would reject', async () => {
  const merge = mergeOf(PHASE4[0]);
  const broken = merge.replace('AVG(pace)', 'AVG(pace_per_game)');
  expect(broken).not.toBe(merge);
  await expect(analyzeBigQuery(broken)).rejects.toThrow(/pace_per_game/);
});
