// Undo on BigQuery without BigQuery. Every statement undo sends is recorded from the real code
// paths (batches with a keeper in both keep modes, an external batch, an undo, retention, the
// index and kept-size reads, the dry-run estimate) over the adapter and a recording fake, and
// ZetaSQL's analyzer checks each with the parameter types it was sent. The adapter test: an undo
// is one MERGE per table and batch range (atomic by itself), its bookkeeping jobs after it. And
// the change report that returns rows is executed by ZetaSQL's reference engine on the same data
// as DuckDB, with the same figures.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable, tablesOfPhase} from '../src/catalog/index.js';
import type {Column, Dataset, DerivedTable, Table} from '../src/catalog/types.js';
import {bigquery} from '../src/queries/dialect.js';
import {processorFor} from '../src/queries/processors/index.js';
import {executeBatch} from '../src/runner/execute.js';
import {changesStatement} from '../src/undo/diff-sql.js';
import {BatchKeeper} from '../src/undo/keeper.js';
import {keptSize} from '../src/undo/kept-size.js';
import {compactStatement, keepStatement, noteIdenticalStatement} from '../src/undo/keep-sql.js';
import {fingerprintStatement, verifiedChangesStatement, verifyIdenticalStatement} from '../src/undo/optimistic-sql.js';
import {dropNotesStatement, dropRestoredStatement, expandNotesStatement, restoreSliceStatements} from '../src/undo/restore-sql.js';
import {undoPolicy, type UndoPolicy} from '../src/undo/policy.js';
import {readReplacedRanges, type ReplacedRange} from '../src/undo/ranges.js';
import {pruneKeptRows} from '../src/undo/retention.js';
import {dataSlice} from '../src/undo/slices.js';
import {keptTable, KEPT_DATES, undoTables} from '../src/undo/tables.js';
import {planUndo} from '../src/undo/undo-plan.js';
import {executeUndo} from '../src/undo/undo-run.js';
import {estimatePlanCost} from '../src/warehouse/bigquery-cost.js';
import {BigQueryWarehouse, type QueryJobRequest} from '../src/warehouse/bigquery.js';
import {rangeParams, type Params, type Row} from '../src/warehouse/types.js';
import {FakeBigQuery, type JobScript} from './support/bigquery-fake.js';
import {FIXTURE_RANGE, openFixtureWarehouse} from './support/fixture.js';
import {RECORDS, recordsOf} from './support/records-slice.js';
import {analyzeBigQuery, evaluateBigQuery, startZetaSql, stopZetaSql, ZETASQL_PROJECT, type ParamTypes, type TableContent} from './support/zetasql.js';

/** An hour ago, to the microsecond as BigQuery writes it: well within the time-travel window. */
const KEPT_AT = new Date(Date.now() - 3_600_000).toISOString().replace('Z', '456Z');
const LATER = new Date(Date.now() - 1_800_000).toISOString().replace('Z', '456Z');
const RANGE = {start: '2022-01-04', end: '2022-01-05'};
const TIME_TRAVEL = undoPolicy({}, 'bigquery');
const COPY = undoPolicy({undo: {keep: 'copy'}}, 'bigquery');

/** The index as BigQuery would hand it out: one range of every table for run-a. */
const INDEX_ROWS = DERIVED_TABLES.map((t) => ({
  run_id: 'run-a', table_name: t.name, start_date: {value: RANGE.start}, end_date: {value: RANGE.end}, kept_at: {value: KEPT_AT},
  kept_rows: 10, undone_by: null, undone_at: null, pruned_at: null,
}));

function answer(request: QueryJobRequest): JobScript {
  const q = request.query;
  if (q.startsWith('SELECT COALESCE((SELECT MIN(recorded.kept_at)')) return {rows: [{kept_at: {value: KEPT_AT}}]};
  if (/^SELECT recorded\.`run_id`/.test(q)) return {rows: INDEX_ROWS};
  if (q.startsWith('MERGE')) return {startTime: String(Date.parse('2026-01-17T03:00:01Z')), dmlStats: {insertedRowCount: '10'}, totalBytesProcessed: '1073741824'};
  if (/AS replaced_rows/.test(q)) return {rows: [{replaced_rows: 10, written_rows: 10, added: 0, removed: 0, changed: 2}], totalBytesProcessed: '536870912'};
  if (/^SELECT game_date, COUNT/.test(q)) return {rows: [{game_date: {value: RANGE.start}, n: 5, stamped: 5}, {game_date: {value: RANGE.end}, n: 5, stamped: 5}]};
  if (/^SELECT CURRENT_TIMESTAMP\(\) AS now$/.test(q)) return {rows: [{now: {value: '2026-01-17T03:00:00.000Z'}}]};
  return {rows: [], totalBytesProcessed: '1048576'};
}

interface Recorded {
  readonly source: string;
  readonly sql: string;
  readonly params: ParamTypes;
}

const paramTypes = (request: QueryJobRequest) => Object.fromEntries((request.queryParameters ?? []).map((p) => [p.name, p.parameterType.type])) as ParamTypes;

async function recordEveryUndoStatement(): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  for (const [label, policy] of [['time travel', TIME_TRAVEL], ['copy', COPY]] as const) {
    const fake = new FakeBigQuery(answer);
    const warehouse = new BigQueryWarehouse(fake, {project: ZETASQL_PROJECT, location: 'US'});
    const take = (source: string) => {
      const explicit = fake.dryRuns.splice(0).filter((r) => r.labels.purpose === 'dry_run');
      for (const request of [...fake.requests.splice(0), ...explicit]) recorded.push({source: `${label}: ${source}`, sql: request.query, params: paramTypes(request)});
    };
    const keeper = new BatchKeeper(policy);
    const signal = new AbortController().signal;
    const noOutput = {onOutput: () => undefined, onExternal: () => undefined};
    for (const table of DERIVED_TABLES) {
      const work = {processor: table.name, start: RANGE.start, end: RANGE.end, dates: [RANGE.start, RANGE.end], attempt: 1, runId: 'run-b'};
      const result = await executeBatch(work, {warehouse, signal, command: null, keeper, ...noOutput});
      expect(result.changes).toMatchObject({replaced: 10, changed: 2});
      take(`batch ${table.short}`);
    }
    await executeBatch({processor: 'player_game_summary', start: RANGE.start, end: RANGE.end, dates: [RANGE.start, RANGE.end], attempt: 1, runId: 'run-b'}, {warehouse, signal, command: ['true'], keeper, ...noOutput});
    take('external batch');
    const entries = await readReplacedRanges(warehouse);
    take('index');
    const plan = planUndo({runId: 'run-a', entries, history: [], policy});
    const outcome = await executeUndo({warehouse, stateDir: mkdtempSync(join(tmpdir(), 'bq-undo-')), policy: {...policy, runs: 0}, plan});
    expect(outcome.state).toBe('completed');
    take('undo and retention');
    await pruneKeptRows(warehouse, {...policy, runs: 0});
    take('retention');
    await keptSize(warehouse, policy, ZETASQL_PROJECT);
    take('kept size');
    await estimatePlanCost(warehouse, {processors: DERIVED_TABLES.map((t) => ({name: t.name, batches: [RANGE]}))}, {companions: (t) => keeper.plannedCompanions(t, warehouse)});
    take('run --dry-run estimate');
  }
  // DuckDB's optimistic keep, written for BigQuery too: the same SQL would stand there.
  const d = bigquery(ZETASQL_PROJECT);
  // A filtered slice of a bookkeeping table (freshness's build records, a stand-in): every statement of it.
  const records = recordsOf('player_game_summary');
  const sliced: ParamTypes = {start_date: 'DATE', end_date: 'DATE', run_id: 'STRING', undo_of: 'STRING', kept_at: 'TIMESTAMP', table_name: 'STRING', slice_table_name: 'STRING'};
  for (const sql of [
    keepStatement(d, records), noteIdenticalStatement(d, records), compactStatement(d, records), fingerprintStatement(d, records), verifyIdenticalStatement(d, records),
    ...restoreSliceStatements(d, records, 'copy'), ...restoreSliceStatements(d, records, 'time-travel'), expandNotesStatement(d, records), dropRestoredStatement(d, records), dropNotesStatement(d, records),
  ]) recorded.push({source: 'build records slice', sql, params: sliced});
  const shared: ParamTypes = {start_date: 'DATE', end_date: 'DATE', run_id: 'STRING', table_name: 'STRING'};
  for (const table of DERIVED_TABLES) {
    const s = dataSlice(table);
    recorded.push({source: `optimistic ${table.short}`, sql: fingerprintStatement(d, s), params: shared});
    recorded.push({source: `optimistic ${table.short}`, sql: verifyIdenticalStatement(d, s), params: shared});
    recorded.push({source: `optimistic ${table.short}`, sql: verifiedChangesStatement(d, table, s), params: shared});
  }
  return recorded;
}

const statements = await recordEveryUndoStatement();

const PARTITIONS_COLUMNS: Column[] = [
  ...['table_catalog', 'table_schema', 'table_name', 'partition_id'].map((name) => ({name, type: 'STRING' as const})),
  ...['total_rows', 'total_logical_bytes', 'total_billable_bytes'].map((name) => ({name, type: 'INT64' as const})),
  {name: 'last_modified_time', type: 'TIMESTAMP'},
];

beforeAll(() => startZetaSql(90_000, [...undoTables(COPY), RECORDS, keptTable(RECORDS), {kind: 'source', name: 'INFORMATION_SCHEMA.PARTITIONS', dataset: 'nba_backfill' as Dataset, columns: PARTITIONS_COLUMNS, key: [], doc: ''} as Table]), 120_000);
afterAll(() => stopZetaSql());

describe('what was recorded', () => {
  const count = (source: RegExp, sql: RegExp) => statements.filter((s) => source.test(s.source) && sql.test(s.sql)).length;
  it('covers every statement undo sends, in both keep modes', () => {
    const n = DERIVED_TABLES.length;
    expect(count(/^time travel: batch/, /^SELECT COALESCE\(\(SELECT MIN\(recorded\.kept_at\)/)).toBe(n);
    expect(count(/^time travel: batch/, /FOR SYSTEM_TIME AS OF @kept_at/)).toBe(n); // the change report
    expect(count(/^copy: batch/, /^INSERT INTO `p\.nba_backfill\.kept_/)).toBe(3 * n); // the rows, their build records, then the notes of identical dates
    expect(count(/^copy: batch/, /^DELETE FROM `p\.nba_backfill\.kept_/)).toBe(n); // the copies of identical dates
    expect(count(/: batch/, /^INSERT INTO `p\.nba_backfill\.replaced_ranges`/)).toBe(2 * n);
    expect(count(/undo/, /^MERGE `p\.nba_(analytics|precompute)\./)).toBe(2 * n);
    expect(count(/undo/, /^UPDATE `p\.nba_backfill\.replaced_ranges` AS recorded SET undone_by/)).toBe(2 * n);
    expect(count(/retention/, /^UPDATE `p\.nba_backfill\.replaced_ranges` AS recorded SET pruned_at/)).toBeGreaterThan(0);
    expect(count(/^copy: kept size/, /INFORMATION_SCHEMA\.PARTITIONS/)).toBe(1);
    expect(count(/external batch/, /^INSERT INTO `p\.nba_backfill\.replaced_ranges`/)).toBe(2);
    expect(count(/dry-run estimate/, /AS replaced_rows/)).toBe(2 * n);
  });
});

describe('ZetaSQL accepts every undo statement with its parameters', () => {
  it.each(statements.map((s, i) => [`${String(i).padStart(3, '0')} ${s.source}: ${s.sql.split('\n')[0].slice(0, 60)}`, s]))('%s', async (_name, statement) => {
    const {sql, params} = statement as Recorded;
    await expect(analyzeBigQuery(sql, params)).resolves.toMatchObject({kind: expect.stringMatching(/^resolved/)});
  });

  it('and rejects a broken one, or one without its parameters (the check is not vacuous)', async () => {
    const merge = statements.find((s) => /undo/.test(s.source) && s.sql.startsWith('MERGE') && s.sql.includes('FOR SYSTEM_TIME'))!;
    await expect(analyzeBigQuery(merge.sql.replace('@kept_at', '@kept_at_x'), merge.params)).rejects.toThrow(/kept_at_x/);
    const {kept_at: _, ...withoutKeptAt} = merge.params;
    await expect(analyzeBigQuery(merge.sql, withoutKeptAt)).rejects.toThrow(/kept_at/);
  });
});

describe('the adapter: an undo is one atomic job per table and batch range', () => {
  const steps = (table: string): ReplacedRange[] => [
    {runId: 'run-a', table: table as ReplacedRange['table'], start: '2022-01-01', end: '2022-01-15', keptAt: KEPT_AT, keptRows: 10, undoneBy: null, undoneAt: null, prunedAt: null},
    {runId: 'run-a', table: table as ReplacedRange['table'], start: '2022-01-16', end: '2022-01-31', keptAt: LATER, keptRows: 10, undoneBy: null, undoneAt: null, prunedAt: null},
  ];

  for (const [label, policy] of [['time travel', TIME_TRAVEL], ['copy', COPY]] as [string, UndoPolicy][]) {
    it(`${label}: each step's one MERGE replaces exactly its range of its table; the bookkeeping are jobs after it`, async () => {
      const fake = new FakeBigQuery(answer);
      const warehouse = new BigQueryWarehouse(fake, {project: ZETASQL_PROJECT, location: 'US'});
      const entries = [...steps('player_game_summary'), ...steps('ml_feature_store')];
      const plan = planUndo({runId: 'run-a', entries, history: [], policy});
      // One range at a time, so that the jobs read step by step (several at once interleave them).
      await executeUndo({warehouse, stateDir: mkdtempSync(join(tmpdir(), 'bq-undo-')), policy: {...policy, runs: 3}, plan, workers: 1});
      const jobs = fake.requests.filter((r) => !/^SELECT recorded\.`run_id`/.test(r.query) && !/pruned_at = CURRENT/.test(r.query));
      // The table's rows: one MERGE per step. Its build records travel with them, one MERGE after it.
      const merges = jobs.filter((r) => r.query.startsWith('MERGE') && !r.query.startsWith('MERGE `p.nba_backfill.'));
      expect(merges).toHaveLength(plan.steps.length);
      const records = jobs.filter((r) => r.query.startsWith('MERGE `p.nba_backfill.build_records`'));
      expect(records).toHaveLength(plan.steps.length);
      for (const [i, step] of plan.steps.entries()) expect(FakeBigQuery.parameters(records[i])).toMatchObject({slice_table_name: {value: step.table}, start_date: {value: step.start}});
      for (const [i, step] of plan.steps.entries()) {
        const merge = merges[i];
        const params = FakeBigQuery.parameters(merge);
        expect(merge.query).toMatch(new RegExp(`^MERGE \`p\\.${derivedTable(step.table).dataset}\\.${step.table}\` AS target`));
        expect(merge.query).toContain('WHEN NOT MATCHED BY SOURCE AND target.game_date BETWEEN @start_date AND @end_date THEN DELETE');
        expect(merge.labels.purpose).toBe('replace');
        expect(params).toMatchObject({start_date: {value: step.start}, end_date: {value: step.end}});
        if (policy.mode === 'time-travel') {
          expect(merge.query).toContain('FOR SYSTEM_TIME AS OF @kept_at');
          expect(params.kept_at).toEqual({type: 'TIMESTAMP', value: step.keptAt});
        } else {
          expect(merge.query).toContain('`p.nba_backfill.kept_');
          expect(params.undo_of).toEqual({type: 'STRING', value: 'run-a'});
        }
      }
      // Per step: (copy: the notes expanded first) the MERGE, its build records' MERGE, then the index's
      // note, then (copy) the drops of the kept rows, the kept records and the notes.
      const kinds = jobs.map((r) => `${r.query.split(/\s/)[0]}:${r.labels.purpose}`);
      const perStep = policy.mode === 'time-travel'
        ? ['MERGE:replace', 'MERGE:companion', 'UPDATE:companion']
        : ['INSERT:companion', 'MERGE:replace', 'MERGE:companion', 'UPDATE:companion', 'DELETE:companion', 'DELETE:companion', 'DELETE:companion'];
      expect(kinds).toEqual(plan.steps.flatMap(() => perStep));
    });
  }

  it('a batch on time travel: the as-of read, the index row, the MERGE, the change report, its bytes in the estimate', async () => {
    const fake = new FakeBigQuery(answer);
    const warehouse = new BigQueryWarehouse(fake, {project: ZETASQL_PROJECT, location: 'US'});
    const keeper = new BatchKeeper(TIME_TRAVEL);
    const work = {processor: 'player_game_summary' as const, start: RANGE.start, end: RANGE.end, dates: [RANGE.start], attempt: 1, runId: 'run-b'};
    await executeBatch(work, {warehouse, signal: new AbortController().signal, command: null, keeper, onOutput: () => undefined, onExternal: () => undefined});
    expect(fake.requests.map((r) => `${r.query.split(/\s/)[0]}:${r.labels.purpose}`)).toEqual(['SELECT:query', 'INSERT:companion', 'MERGE:replace', 'SELECT:companion']);
    expect(FakeBigQuery.parameters(fake.requests[3]).kept_at).toEqual({type: 'TIMESTAMP', value: KEPT_AT});
    const plain = await estimatePlanCost(warehouse, {processors: [{name: 'player_game_summary', batches: [RANGE]}]});
    const keeping = await estimatePlanCost(warehouse, {processors: [{name: 'player_game_summary', batches: [RANGE]}]}, {companions: (t) => keeper.plannedCompanions(t, warehouse)});
    // The change report's 512 MiB and the index row's MiB on top of the MERGE's GiB (the as-of read reads nothing).
    expect(keeping!.bytes - plain!.bytes).toBe(512 * 2 ** 20 + 2 ** 20);
  });
});

describe("ZetaSQL's reference engine gives the change report DuckDB gives", () => {
  const tables = [derivedTable('player_game_summary'), derivedTable('ml_feature_store')];

  it.each(tables.map((t) => [t.short, t]))('%s: the same figures from the same kept rows, notes and current rows', {timeout: 120_000}, async (_short, t) => {
    const table = t as DerivedTable;
    const w = await openFixtureWarehouse();
    try {
      for (const built of tablesOfPhase(3).concat(tablesOfPhase(4))) {
        await w.replaceRange(built, processorFor(built).select(w.dialect), rangeParams(FIXTURE_RANGE.start, FIXTURE_RANGE.end, 'first'));
      }
      // A correction of one date, then the table rebuilt by a copying keeper: kept rows for that date, notes for the others.
      await w.query(`UPDATE nba_raw.boxscore_traditional SET points = points + 4 WHERE game_date = DATE '2021-10-20'`);
      for (const upstream of tablesOfPhase(3).concat(tablesOfPhase(4)).filter((x) => x.name !== table.name)) {
        await w.replaceRange(upstream, processorFor(upstream).select(w.dialect), rangeParams(FIXTURE_RANGE.start, FIXTURE_RANGE.end, 'upstream'));
      }
      const policy = undoPolicy({}, 'duckdb');
      await w.ensureTables(undoTables(policy));
      const keeper = new BatchKeeper(policy);
      const params = rangeParams(FIXTURE_RANGE.start, FIXTURE_RANGE.end, 'run-b');
      const {changes} = await keeper.write(table, w, params, {}, (c) => w.replaceRange(table, processorFor(table).select(w.dialect), params, c));
      expect(changes.changed).toBeGreaterThan(0);
      const shared: Params = {...params, table_name: {type: 'STRING', value: table.name}, float_tolerance: {type: 'FLOAT64', value: policy.floatTolerance}};
      const [duck] = await w.query(changesStatement(w.dialect, table, 'copy'), shared);
      const content = async (of: Table): Promise<TableContent> => ({name: `${ZETASQL_PROJECT}.${of.dataset}.${of.name}`, columns: of.columns, rows: await w.query(`SELECT * FROM ${w.dialect.table(of)}`)});
      const evaluated = await evaluateBigQuery(changesStatement(bigquery(ZETASQL_PROJECT), table, 'copy'), shared, [await content(table), await content(keptTable(table)), await content(KEPT_DATES)]);
      const [bq] = evaluated.rows as Row[];
      expect(Object.keys(bq).sort()).toEqual(Object.keys(duck).sort());
      for (const [name, value] of Object.entries(duck)) {
        if (typeof value === 'number' && !Number.isInteger(value)) expect(Number(bq[name]), name).toBeCloseTo(value, 9);
        else expect(value === null ? null : Number(bq[name]), name).toBe(value === null ? null : Number(value));
      }
      expect(Number(duck.replaced_rows)).toBe(changes.replaced);
      expect(Number(duck.changed)).toBe(changes.changed);
    } finally {
      await w.close();
    }
  });
});
