// The BigQuery adapter against a fake at the @google-cloud/bigquery boundary: what each job
// request carries (typed parameters, labels, job ids, location, dry run), what the MERGE touches,
// how resubmission, abort and failures behave.
import {describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable, nbaSchedule} from '../src/catalog/index.js';
import {classifyError} from '../src/warehouse/errors.js';
import {coveredDates} from '../src/queries/coverage.js';
import {processorFor} from '../src/queries/processors/index.js';
import {BigQueryJobError} from '../src/warehouse/bigquery-errors.js';
import {jobIdFor} from '../src/warehouse/bigquery-jobs.js';
import {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {rangeParams} from '../src/warehouse/types.js';
import {FakeBigQuery, apiErrorFrom, errorFixture} from './support/bigquery-fake.js';

const PROJECT = 'nba-data-warehouse-422817';
const pgs = derivedTable('player_game_summary');
const job = {runId: 'Run 2026-11-27T07:00', processor: 'player_game_summary', step: '2022-01-03_2022-01-09_a1'};

function warehouse(fake: FakeBigQuery, options: {datasets?: Record<string, string>} = {}) {
  return new BigQueryWarehouse(fake, {project: PROJECT, location: 'US', ...options});
}

describe('query jobs', () => {
  it('sends every value as a typed named parameter, never in the SQL text', async () => {
    const fake = new FakeBigQuery(() => ({rows: [{game_date: {value: '2022-01-03'}, games: 7, season: '2021-22'}]}));
    const rows = await warehouse(fake).query(
      'SELECT game_date, COUNT(*) AS games FROM t WHERE game_date BETWEEN @start_date AND @end_date AND season = @season',
      {...rangeParams('2022-01-03', '2022-01-09'), season: {type: 'STRING', value: '2021-22'}},
    );
    const [request] = fake.requests;
    expect(request.useLegacySql).toBe(false);
    expect(request.parameterMode).toBe('NAMED');
    expect(FakeBigQuery.parameters(request)).toEqual({
      start_date: {type: 'DATE', value: '2022-01-03'},
      end_date: {type: 'DATE', value: '2022-01-09'},
      season: {type: 'STRING', value: '2021-22'},
    });
    expect(request.location).toBe('US');
    expect(request.labels).toMatchObject({app: 'backfill'});
    expect(request.jobId).toBeUndefined();
    // DATE comes back as the library's BigQueryDate wrapper; the adapter hands out 'YYYY-MM-DD'.
    expect(rows).toEqual([{game_date: '2022-01-03', games: 7, season: '2021-22'}]);
  });

  it('types INT64, FLOAT64, BOOL, TIMESTAMP and NULL parameters', async () => {
    const fake = new FakeBigQuery();
    await warehouse(fake).query('SELECT @n, @x, @b, @t, @missing_value', {
      n: {type: 'INT64', value: 82},
      x: {type: 'FLOAT64', value: 0.44},
      b: {type: 'BOOL', value: true},
      t: {type: 'TIMESTAMP', value: '2022-01-03T00:00:00Z'},
      missing_value: {type: 'DATE', value: null},
    });
    expect(fake.requests[0].queryParameters).toEqual([
      {name: 'n', parameterType: {type: 'INT64'}, parameterValue: {value: '82'}},
      {name: 'x', parameterType: {type: 'FLOAT64'}, parameterValue: {value: '0.44'}},
      {name: 'b', parameterType: {type: 'BOOL'}, parameterValue: {value: 'true'}},
      {name: 't', parameterType: {type: 'TIMESTAMP'}, parameterValue: {value: '2022-01-03T00:00:00Z'}},
      {name: 'missing_value', parameterType: {type: 'DATE'}, parameterValue: {}},
    ]);
  });

  it('refuses a statement whose parameter has no value before submitting anything', async () => {
    const fake = new FakeBigQuery();
    await expect(warehouse(fake).query('SELECT @start_date, @end_date', rangeParams('2022-01-03', '2022-01-09'))).resolves.toEqual([]);
    await expect(warehouse(fake).query('SELECT @season', {})).rejects.toThrow(/@season/);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('replacing a batch', () => {
  it('is one MERGE whose DELETE arm only touches the batch range, with job id and labels from the run', async () => {
    const fake = new FakeBigQuery(() => ({dmlStats: {insertedRowCount: '1234', deletedRowCount: '1200'}}));
    const w = warehouse(fake);
    const result = await w.replaceRange(pgs, processorFor(pgs).select(w.dialect), rangeParams('2022-01-03', '2022-01-09', 'run-1'), {job});
    expect(result.rowsWritten).toBe(1234);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.query).toMatch(new RegExp(`^MERGE \`${PROJECT}\\.nba_analytics\\.player_game_summary\` AS target`));
    expect(request.query).toContain('ON FALSE');
    expect(request.query).toContain('WHEN NOT MATCHED BY SOURCE AND target.game_date BETWEEN @start_date AND @end_date THEN DELETE');
    expect(request.query.match(/THEN DELETE/g)).toHaveLength(1);
    expect(request.query).not.toMatch(/2022-01-0[39]/);
    expect(FakeBigQuery.parameters(request)).toMatchObject({
      start_date: {type: 'DATE', value: '2022-01-03'},
      end_date: {type: 'DATE', value: '2022-01-09'},
      run_id: {type: 'STRING', value: 'run-1'},
    });
    expect(request.jobId).toBe(jobIdFor(job, request.query, rangeParams('2022-01-03', '2022-01-09', 'run-1')));
    expect(request.jobId).toMatch(/^backfill_Run_2026-11-27T07_00_player_game_summary_2022-01-03_2022-01-09_a1_[0-9a-f]{12}$/);
    expect(request.labels).toEqual({app: 'backfill', purpose: 'replace', processor: 'player_game_summary', run_id: 'run_2026-11-27t07_00'});
    for (const [key, value] of Object.entries(request.labels)) {
      expect(key).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(value).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
  });

  it('writes into the configured dataset names', async () => {
    const fake = new FakeBigQuery();
    const w = warehouse(fake, {datasets: {nba_analytics: 'nba_analytics_backfill', nba_raw: 'raw_v2'}});
    await w.replaceRange(pgs, processorFor(pgs).select(w.dialect), rangeParams('2022-01-03', '2022-01-03'));
    expect(fake.requests[0].query).toContain(`MERGE \`${PROJECT}.nba_analytics_backfill.player_game_summary\``);
    expect(fake.requests[0].query).toContain(`\`${PROJECT}.raw_v2.boxscore_traditional\``);
    expect(fake.requests[0].query).not.toContain('.nba_analytics.');
  });

  it('a resubmitted batch finds the job it already created instead of running the MERGE again', async () => {
    const fake = new FakeBigQuery(() => ({dmlStats: {insertedRowCount: '40'}}));
    const w = warehouse(fake);
    const select = processorFor(pgs).select(w.dialect);
    const first = await w.replaceRange(pgs, select, rangeParams('2022-01-03', '2022-01-09'), {job});
    const again = await w.replaceRange(pgs, select, rangeParams('2022-01-03', '2022-01-09'), {job});
    expect(first.rowsWritten).toBe(40);
    expect(again.rowsWritten).toBe(40);
    const [firstId, secondId] = fake.requests.map((r) => r.jobId);
    expect(secondId).toBe(firstId);
    expect(fake.jobs.size).toBe(1); // the service refused the duplicate: one job ran
    expect(fake.fetched).toEqual([firstId]);
    // A new attempt is a new step, hence a new job.
    await w.replaceRange(pgs, select, rangeParams('2022-01-03', '2022-01-09'), {job: {...job, step: '2022-01-03_2022-01-09_a2'}});
    expect(fake.jobs.size).toBe(2);
  });

  it('a read with an identity gets a fresh job every time (an old job would answer with stale rows)', async () => {
    const fake = new FakeBigQuery();
    const w = warehouse(fake);
    await w.query('SELECT COUNT(*) FROM t WHERE game_date = @start_date', rangeParams('2022-01-03', '2022-01-03'), {job});
    await w.query('SELECT COUNT(*) FROM t WHERE game_date = @start_date', rangeParams('2022-01-03', '2022-01-03'), {job});
    const ids = fake.requests.map((r) => r.jobId!);
    expect(ids[0]).not.toBe(ids[1]);
    expect(ids.every((id) => id.startsWith('backfill_Run_2026-11-27T07_00_player_game_summary_2022-01-03_2022-01-09_a1_'))).toBe(true);
    expect(fake.jobs.size).toBe(2);
    expect(fake.requests.every((r) => r.labels.run_id === 'run_2026-11-27t07_00')).toBe(true);
  });

  it('two different writes of one step never share a job', async () => {
    const fake = new FakeBigQuery();
    const w = warehouse(fake);
    await w.replaceRange(pgs, 'SELECT 1', rangeParams('2022-01-03', '2022-01-03'), {job});
    await w.replaceRange(pgs, 'SELECT 2', rangeParams('2022-01-03', '2022-01-03'), {job});
    await w.deleteRange(pgs, rangeParams('2022-01-03', '2022-01-03'), {job});
    await w.deleteRange(pgs, rangeParams('2022-01-04', '2022-01-04'), {job});
    expect(new Set(fake.requests.map((r) => r.jobId)).size).toBe(4);
    expect(fake.jobs.size).toBe(4);
  });

  it('deleteRange is a DELETE on the range and reports deleted rows', async () => {
    const fake = new FakeBigQuery(() => ({dmlStats: {deletedRowCount: '77'}}));
    const deleted = await warehouse(fake).deleteRange(pgs, rangeParams('2022-01-03', '2022-01-09'));
    expect(deleted).toBe(77);
    expect(fake.requests[0].query).toBe(`DELETE FROM \`${PROJECT}.nba_analytics.player_game_summary\` WHERE game_date BETWEEN @start_date AND @end_date`);
  });
});

describe('abort', () => {
  it('cancels the running job and rejects at once', async () => {
    const fake = new FakeBigQuery(() => ({hang: true}));
    const controller = new AbortController();
    const pending = warehouse(fake).replaceRange(pgs, 'SELECT 1', rangeParams('2022-01-03', '2022-01-09'), {signal: controller.signal, job});
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.jobs.size).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    expect([...fake.jobs.values()][0].cancels).toBe(1);
  });

  it('keeps at most 2 MERGEs per table in flight; a waiting batch leaves the queue on abort without a job', async () => {
    const fake = new FakeBigQuery(() => ({hang: true}));
    const w = warehouse(fake);
    const controllers = [new AbortController(), new AbortController(), new AbortController()];
    const batches = controllers.map((c, i) =>
      w.replaceRange(pgs, 'SELECT 1', rangeParams('2022-01-03', '2022-01-09'), {signal: c.signal, job: {...job, step: `b${i}`}}).catch((e) => e),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.requests).toHaveLength(2);
    // Another table is not held up by this one's DML limit.
    const other = w.replaceRange(derivedTable('team_offense_game_summary'), 'SELECT 1', rangeParams('2022-01-03', '2022-01-09'), {
      signal: controllers[0].signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.requests).toHaveLength(3);
    controllers[2].abort();
    expect(await batches[2]).toBeInstanceOf(Error);
    expect(fake.requests.filter((r) => r.jobId?.includes('_b2_'))).toHaveLength(0);
    controllers[0].abort();
    controllers[1].abort();
    await Promise.all([...batches, other.catch(() => undefined)]);
    expect([...fake.jobs.values()].every((j) => j.cancels === 1)).toBe(true);
  });

  it('an already aborted signal submits nothing', async () => {
    const fake = new FakeBigQuery();
    await expect(warehouse(fake).query('SELECT 1', {}, {signal: AbortSignal.abort()})).rejects.toThrow();
    expect(fake.requests).toHaveLength(0);
  });
});

describe('failures carry the retry kind, the job id and a hint', () => {
  it('a failed MERGE (invalidQuery) is permanent and names its job', async () => {
    const fake = new FakeBigQuery(() => ({error: apiErrorFrom(errorFixture('invalid-query'))}));
    const error = await warehouse(fake)
      .replaceRange(pgs, 'SELECT 1', rangeParams('2022-01-03', '2022-01-09'), {job})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BigQueryJobError);
    expect(classifyError(error)).toBe('permanent');
    expect((error as Error).message).toContain(fake.requests[0].jobId);
    expect((error as Error).message).toContain('Unrecognized name: nosuchcol');
    expect((error as Error).message).toContain('backfill sql');
    expect((error as Error).message).not.toMatch(/https?:/);
  });

  it('rateLimitExceeded at submission is transient for the runner (not its generic quota pattern)', async () => {
    const fake = new FakeBigQuery();
    fake.createQueryJob = async () => {
      throw apiErrorFrom(errorFixture('rate-limit-concurrent-queries'));
    };
    const error = await warehouse(fake).query('SELECT 1').catch((e: unknown) => e);
    expect(classifyError(error)).toBe('transient');
  });

  it('quotaExceeded while reading results is a quota error', async () => {
    const fake = new FakeBigQuery(() => ({error: apiErrorFrom(errorFixture('quota-bytes-scanned'))}));
    const error = await warehouse(fake).query('SELECT 1').catch((e: unknown) => e);
    expect(classifyError(error)).toBe('quota');
    expect((error as Error).message).toMatch(/random_\d+/); // the service-assigned job id
  });
});

describe('dry runs', () => {
  it('carry dryRun: true, no job id, and return the bytes estimate', async () => {
    const fake = new FakeBigQuery(() => ({totalBytesProcessed: '5368709120'}));
    const result = await warehouse(fake).dryRun('SELECT @start_date', rangeParams('2022-01-03', '2022-01-09'), {job});
    expect(result.bytes).toBe(5368709120);
    expect(fake.requests).toHaveLength(0);
    expect(fake.dryRuns).toHaveLength(1);
    expect(fake.dryRuns[0]).toMatchObject({dryRun: true, labels: {purpose: 'dry_run', processor: 'player_game_summary'}});
    expect(fake.dryRuns[0].jobId).toBeUndefined();
    expect(fake.jobs.size).toBe(0);
  });
});

describe('coverage from INFORMATION_SCHEMA.PARTITIONS', () => {
  it('asks once per dataset, not per table and month, and reads partition ids as dates', async () => {
    const fake = new FakeBigQuery((request) => ({
      rows: request.query.includes('nba_analytics_v2.INFORMATION_SCHEMA')
        ? [
            {table_name: 'player_game_summary', partition_id: '20220103'},
            {table_name: 'player_game_summary', partition_id: '20220104'},
            {table_name: 'team_offense_game_summary', partition_id: '20220103'},
          ]
        : [{table_name: 'ml_feature_store', partition_id: '20220104'}],
    }));
    const w = warehouse(fake, {datasets: {nba_analytics: 'nba_analytics_v2'}});
    const covered = await coveredDates(w, DERIVED_TABLES, {start: '2022-01-01', end: '2022-01-31'});
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.map((r) => r.query.match(/FROM `([^`]+)`/)?.[1]).sort()).toEqual([
      `${PROJECT}.nba_analytics_v2.INFORMATION_SCHEMA.PARTITIONS`,
      `${PROJECT}.nba_precompute.INFORMATION_SCHEMA.PARTITIONS`,
    ]);
    for (const request of fake.requests) {
      expect(request.query).toContain('total_rows > 0');
      expect(FakeBigQuery.parameters(request)).toEqual({
        start_date: {type: 'DATE', value: '2022-01-01'},
        end_date: {type: 'DATE', value: '2022-01-31'},
      });
    }
    expect([...covered.get('player_game_summary')!].sort()).toEqual(['2022-01-03', '2022-01-04']);
    expect([...covered.get('team_offense_game_summary')!]).toEqual(['2022-01-03']);
    expect([...covered.get('ml_feature_store')!]).toEqual(['2022-01-04']);
    expect(covered.get('player_composite_factors')!.size).toBe(0);
  });
});

describe('creating datasets and tables', () => {
  it('creates only what is missing: datasets in the configured location, tables from the catalog DDL', async () => {
    const fake = new FakeBigQuery();
    fake.datasets.set('nba_orchestration', ['nba_schedule']);
    fake.datasets.set('nba_analytics', ['player_game_summary']);
    const w = warehouse(fake);
    const tables = [nbaSchedule, pgs, derivedTable('team_offense_game_summary'), derivedTable('ml_feature_store')];
    const missing = await w.missingObjects(tables);
    expect(missing.datasets).toEqual(['nba_precompute']);
    expect(missing.tables.map((t) => t.name)).toEqual(['team_offense_game_summary', 'ml_feature_store']);
    expect(fake.requests).toHaveLength(0); // listing is metadata calls, not jobs

    await w.ensureTables(tables);
    expect(fake.createdDatasets).toEqual([{id: 'nba_precompute', options: {location: 'US'}}]);
    const ddl = fake.requests.map((r) => r.query);
    expect(ddl).toHaveLength(2);
    expect(ddl[0]).toContain(`CREATE TABLE IF NOT EXISTS \`${PROJECT}.nba_analytics.team_offense_game_summary\``);
    for (const statement of ddl) {
      expect(statement).toContain('PARTITION BY game_date');
      expect(statement).toMatch(/CLUSTER BY `/);
      expect(statement).toContain('require_partition_filter = TRUE');
    }
    expect(fake.requests.every((r) => r.labels.purpose === 'ddl')).toBe(true);
  });
});
