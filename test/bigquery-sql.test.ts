// Every BigQuery statement the project issues, checked by Google's ZetaSQL analyzer against the
// catalog's schemas. The statements are not listed here: the real code paths (the runner's batch
// execution for every registered processor, rollback's delete, init's DDL, the grid's coverage,
// the dry-run estimate, validation with its point-in-time audit, preflight and the completion
// report) run against the BigQuery adapter over a recording fake, and whatever they submit is
// analyzed with the parameter types they sent. A new processor or check is covered by itself.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {ALL_TABLES, DERIVED_TABLES} from '../src/catalog/index.js';
import type {Column, Dataset, Table} from '../src/catalog/types.js';
import {coveredDates, gameDates} from '../src/queries/coverage.js';
import {readStaleness} from '../src/freshness/index.js';
import {BuildRecorder} from '../src/freshness/recorder.js';
import {BatchKeeper} from '../src/undo/keeper.js';
import {undoPolicy} from '../src/undo/policy.js';
import {undoTables} from '../src/undo/tables.js';
import {executeBatch} from '../src/runner/execute.js';
import {buildCompletionReport, preflight, validate} from '../src/validation/index.js';
import {estimatePlanCost} from '../src/warehouse/bigquery-cost.js';
import {BigQueryWarehouse, type QueryJobRequest} from '../src/warehouse/bigquery.js';
import {rangeParams} from '../src/warehouse/types.js';
import {FakeBigQuery} from './support/bigquery-fake.js';
import {analyzeBigQuery, startZetaSql, stopZetaSql, ZETASQL_PROJECT, type ParamTypes} from './support/zetasql.js';

const RANGE = {start: '2022-01-01', end: '2022-01-31'};
const GAME_DATES = ['2022-01-04', '2022-01-05'];

/** Answers like a small warehouse: two game dates, every table covering both, no failing rows. */
function answer(request: QueryJobRequest) {
  // The warehouse clock an external batch reads before its command starts.
  if (/^SELECT CURRENT_TIMESTAMP\(\) AS now$/.test(request.query)) return {rows: [{now: {value: '2026-01-17T03:00:00.000Z'}}]};
  if (/game_status = 'Final'/.test(request.query)) {
    return {rows: GAME_DATES.map((date, i) => ({game_date: {value: date}, season: '2021-22', games: 6 + i}))};
  }
  const names = /INFORMATION_SCHEMA\.PARTITIONS[\s\S]*table_name IN \(([^)]*)\)/.exec(request.query)?.[1];
  if (names) {
    return {
      rows: names
        .split(',')
        .map((n) => n.trim().replaceAll("'", ''))
        .flatMap((table) => GAME_DATES.map((d) => ({table_name: table, partition_id: d.replaceAll('-', '')}))),
    };
  }
  // An aggregate without GROUP BY always answers one row.
  if (/^SELECT COUNT\(\*\) AS row_count/.test(request.query)) return {rows: [{row_count: 0, players: 0, dates: 0}]};
  return {rows: [], totalBytesProcessed: '1048576'};
}

interface Recorded {
  readonly source: string;
  readonly sql: string;
  readonly params: ParamTypes;
}

async function recordEveryStatement(): Promise<Recorded[]> {
  const fake = new FakeBigQuery(answer);
  const warehouse = new BigQueryWarehouse(fake, {project: ZETASQL_PROJECT, location: 'US'});
  const recorded: Recorded[] = [];
  const take = (source: string) => {
    // A job's own dry run (its spend cap) is the job's statement again: analyzing the job covers it.
    const explicitDryRuns = fake.dryRuns.splice(0).filter((r) => r.labels.purpose === 'dry_run');
    for (const request of [...fake.requests.splice(0), ...explicitDryRuns]) {
      const params = Object.fromEntries((request.queryParameters ?? []).map((p) => [p.name, p.parameterType.type])) as ParamTypes;
      recorded.push({source: `${source}${request.dryRun ? ' (dry run)' : ''}`, sql: request.query, params});
    }
  };
  const signal = new AbortController().signal;
  const noOutput = {onOutput: () => undefined, onExternal: () => undefined};
  for (const table of DERIVED_TABLES) {
    const work = {processor: table.name, start: '2022-01-04', end: '2022-01-05', dates: GAME_DATES, attempt: 1, runId: 'sqlcheck'};
    await executeBatch(work, {warehouse, signal, command: null, ...noOutput});
    take(`runner batch ${table.short}`);
  }
  // An external processor's dates are verified in the warehouse afterwards (the fake has no rows: the check fails, the query is what counts).
  await executeBatch(
    {processor: 'player_game_summary', start: '2022-01-04', end: '2022-01-05', dates: GAME_DATES, attempt: 1, runId: 'sqlcheck'},
    {warehouse, signal, command: ['true'], ...noOutput},
  ).catch(() => undefined);
  take('runner external check');
  // Freshness: each batch's build records (the first batch reads the run's ledger), the staleness reads.
  const recorder = new BuildRecorder(warehouse, RANGE.end);
  for (const table of DERIVED_TABLES) {
    const work = {processor: table.name, start: '2022-01-04', end: '2022-01-05', dates: GAME_DATES, attempt: 1, runId: 'sqlcheck'};
    await executeBatch(work, {warehouse, signal, command: null, ...noOutput, recorder});
    take(`recorded batch ${table.short}`);
  }
  await recorder.recordCommand({processor: 'player_game_summary', start: '2022-01-04', end: '2022-01-05', dates: GAME_DATES, runId: 'sqlcheck'}, ['true'], '2026-01-17T03:00:00.000Z', {});
  take('recorded command');
  await readStaleness(warehouse, {last: RANGE.end, config: {processors: {}}});
  take('staleness');
  // A batch that records and keeps at once (what undo keeps of the records: test/bigquery-undo.test.ts).
  await executeBatch(
    {processor: 'player_game_summary', start: '2022-01-04', end: '2022-01-05', dates: GAME_DATES, attempt: 1, runId: 'sqlcheck'},
    {warehouse, signal, command: null, ...noOutput, recorder, keeper: new BatchKeeper(undoPolicy({}, 'bigquery'))},
  ).catch(() => undefined);
  take('recorded and kept batch');
  for (const table of DERIVED_TABLES) await warehouse.deleteRange(table, rangeParams('2022-01-04', '2022-01-05'));
  take('rollback');
  await warehouse.ensureTables(ALL_TABLES);
  take('init DDL');
  await gameDates(warehouse, RANGE);
  await coveredDates(warehouse, DERIVED_TABLES, RANGE);
  take('coverage');
  await estimatePlanCost(warehouse, {processors: DERIVED_TABLES.map((t) => ({name: t.name, batches: [{start: '2022-01-04', end: '2022-01-05'}]}))});
  take('run --dry-run estimate');
  await validate(warehouse, {range: RANGE});
  take('validate');
  await preflight(warehouse, RANGE);
  take('preflight');
  await buildCompletionReport(warehouse, {range: RANGE, stateDir: mkdtempSync(join(tmpdir(), 'bq-sql-'))});
  take('report');
  return recorded;
}

const statements = await recordEveryStatement();

/**
 * ZetaSQL does not know table options, so require_partition_filter is checked on the text: each
 * `FROM <derived table> [alias]` must be followed by a WHERE with a game_date comparison in the
 * same block. DELETE and the MERGE target carry their own range filter.
 */
function derivedReads(sql: string): {table: string; filtered: boolean}[] {
  const derived = new RegExp(`FROM \`${ZETASQL_PROJECT}\\.((?:nba_analytics|nba_precompute)\\.\\w+)\``, 'g');
  return [...sql.matchAll(derived)]
    .filter((match) => !/^DELETE\s*$/.test(sql.slice(0, match.index)))
    .map((match) => {
      const rest = sql.slice(match.index + match[0].length).trimStart();
      const where = /^(?:(?:AS\s+)?(?!WHERE\b)\w+\s+)?WHERE\b([\s\S]*?)(?:\)|$|\bGROUP BY\b|\bUNION\b)/.exec(rest)?.[1] ?? '';
      return {table: match[1], filtered: /game_date\s*(BETWEEN|<=|<|=|>=|>|IN)\s/.test(where)};
    });
}

const PARTITIONS_COLUMNS: Column[] = [
  ...['table_catalog', 'table_schema', 'table_name', 'partition_id'].map((name) => ({name, type: 'STRING' as const})),
  ...['total_rows', 'total_logical_bytes', 'total_billable_bytes'].map((name) => ({name, type: 'INT64' as const})),
  {name: 'last_modified_time', type: 'TIMESTAMP'},
  {name: 'storage_tier', type: 'STRING'},
];

/**
 * Tables the statements name besides the catalog's: each dataset's INFORMATION_SCHEMA.PARTITIONS
 * view, and the point-in-time audit's scratch datasets (twins of the catalog datasets, plus a
 * work dataset holding derived tables).
 */
function extraTables(): Table[] {
  const extra: Table[] = [];
  const text = statements.map((s) => s.sql).join('\n');
  for (const dataset of new Set([...text.matchAll(/`[^.`]+\.([A-Za-z0-9_]+)\.INFORMATION_SCHEMA\.PARTITIONS`/g)].map((m) => m[1]))) {
    extra.push({kind: 'source', name: 'INFORMATION_SCHEMA.PARTITIONS', dataset: dataset as Dataset, columns: PARTITIONS_COLUMNS, key: [], doc: ''});
  }
  const twins = new Set([...text.matchAll(/`[^.`]+\.(pit_[A-Za-z0-9_]+?_(nba_orchestration|nba_raw|nba_analytics|nba_precompute|work))[.`]/g)].map((m) => m[1]));
  for (const twin of twins) {
    const of = twin.endsWith('_work') ? DERIVED_TABLES : ALL_TABLES.filter((t) => twin.endsWith(`_${t.dataset}`));
    for (const table of of) extra.push({...table, dataset: twin as Dataset});
  }
  // Undo's index (what a batch that keeps reads and writes beside its rows).
  extra.push(...undoTables(undoPolicy({}, 'bigquery')));
  return extra;
}

beforeAll(() => startZetaSql(90_000, extraTables()), 120_000);
afterAll(() => stopZetaSql());

describe('what was recorded', () => {
  const count = (source: RegExp, sql: RegExp) => statements.filter((s) => source.test(s.source) && sql.test(s.sql)).length;

  it('covers every kind of statement the project sends', () => {
    expect(count(/^runner batch/, /^MERGE /)).toBe(DERIVED_TABLES.length);
    expect(count(/^rollback/, /^DELETE FROM /)).toBe(DERIVED_TABLES.length);
    expect(count(/^init DDL/, /^CREATE TABLE IF NOT EXISTS /)).toBe(ALL_TABLES.length);
    expect(count(/^coverage/, /INFORMATION_SCHEMA\.PARTITIONS/)).toBe(2);
    expect(count(/dry run/, /^MERGE /)).toBe(DERIVED_TABLES.length);
    expect(count(/^validate/, /./)).toBeGreaterThan(4 * DERIVED_TABLES.length);
    expect(count(/^validate/, /^INSERT INTO /)).toBeGreaterThan(0); // the point-in-time rebuild ran
    expect(count(/^runner external check/, /^SELECT game_date, COUNT/)).toBe(1);
    expect(count(/^report/, /^SELECT COUNT\(\*\) AS row_count[\s\S]*ml_feature_store/)).toBe(1);
    // Build records: one INSERT job after each batch's MERGE (and after a command's check).
    expect(count(/^recorded batch/, /^MERGE /)).toBe(DERIVED_TABLES.length);
    expect(count(/^recorded batch/, /^INSERT INTO `[^`]+\.nba_backfill\.build_records`/)).toBe(DERIVED_TABLES.length);
    expect(count(/^recorded command/, /^INSERT INTO `[^`]+\.nba_backfill\.build_records`/)).toBe(1);
  });

  it('staleness is a fixed set of reads, none scanning a raw table: the calendar, PARTITIONS of four datasets, the records', () => {
    const reads = statements.filter((s) => s.source === 'staleness');
    expect(reads).toHaveLength(6);
    expect(reads.filter((s) => /INFORMATION_SCHEMA\.PARTITIONS/.test(s.sql)).map((s) => /\.(\w+)\.INFORMATION_SCHEMA/.exec(s.sql)![1]).sort()).toEqual(['nba_analytics', 'nba_orchestration', 'nba_precompute', 'nba_raw']);
    expect(reads.filter((s) => /nba_backfill\.build_records/.test(s.sql))).toHaveLength(1);
    // The one read of a raw table is the schedule's calendar, the same statement the grid's coverage sends.
    const calendar = reads.filter((s) => /FROM `[^`]+\.(nba_raw|nba_orchestration)\.(?!INFORMATION_SCHEMA)\w+`/.test(s.sql));
    expect(calendar.map((s) => s.sql)).toEqual([statements.find((s) => s.source === 'coverage' && /game_status = 'Final'/.test(s.sql))!.sql]);
    // The run's ledger reads the same, once, with its first batch, after compacting the records.
    const first = statements.filter((s) => s.source === 'recorded batch PGS' && !/^(CREATE|MERGE|INSERT|DELETE) /.test(s.sql));
    expect(first.map((s) => s.sql).sort()).toEqual(reads.map((s) => s.sql).sort());
    expect(count(/^recorded batch/, /^DELETE FROM `[^`]+\.nba_backfill\.build_records` AS old WHERE EXISTS/)).toBe(1);
  });
});

describe('ZetaSQL accepts every statement', () => {
  it.each(statements.map((s, i) => [`${String(i).padStart(3, '0')} ${s.source}: ${s.sql.split('\n')[0].slice(0, 70)}`, s]))('%s', async (_name, statement) => {
    const {sql, params} = statement as Recorded;
    await expect(analyzeBigQuery(sql, params)).resolves.toMatchObject({kind: expect.stringMatching(/^resolved/)});
  });

  it('every read of a derived table filters game_date (their tables require a partition filter)', () => {
    const reads = statements.flatMap(({source, sql}) => derivedReads(sql).map((read) => ({source, ...read})));
    expect(reads.length).toBeGreaterThan(3 * DERIVED_TABLES.length);
    expect(reads.filter((r) => !r.filtered).map((r) => `${r.source}: ${r.table}`)).toEqual([]);
    // The rule itself catches a read without one.
    expect(derivedReads(`SELECT * FROM \`${ZETASQL_PROJECT}.nba_analytics.player_game_summary\` AS p JOIN x USING (game_id)`)).toEqual([
      {table: 'nba_analytics.player_game_summary', filtered: false},
    ]);
  });

  it('and rejects a broken one (the check is not vacuous)', async () => {
    const coverage = statements.find((s) => s.source === 'coverage' && s.sql.includes('INFORMATION_SCHEMA.PARTITIONS'))!;
    await expect(analyzeBigQuery(coverage.sql.replace('total_rows > 0', 'row_total > 0'), coverage.params)).rejects.toThrow(/row_total/);
    await expect(analyzeBigQuery(coverage.sql, {start_date: 'INT64', end_date: 'INT64'})).rejects.toThrow(/FORMAT_DATE/);
  });
});
