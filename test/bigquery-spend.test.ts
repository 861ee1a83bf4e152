// Spend caps, priority and actual statistics, on the real @google-cloud/bigquery client talking HTTP
// to a local server that answers as BigQuery does (test/support/bigquery-http.ts): what lands in
// configuration.query of every jobs.insert, what a job its cap stopped fails with, and the job
// statistics read back for the caller.
import {afterEach, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable} from '../src/catalog/index.js';
import {processorFor} from '../src/queries/processors/index.js';
import {classifyError} from '../src/warehouse/errors.js';
import {BigQueryJobError} from '../src/warehouse/bigquery-errors.js';
import {MIN_BILLED_PER_TABLE, referencedTables} from '../src/warehouse/bigquery-spend.js';
import {BigQueryWarehouse, type BigQueryWarehouseOptions} from '../src/warehouse/bigquery.js';
import {rangeParams, type JobStatistics} from '../src/warehouse/types.js';
import {PROJECT, localBigQuery, type LocalBigQuery, type SimulatedService} from './support/bigquery-http.js';

const GIB = 2 ** 30;
const pgs = derivedTable('player_game_summary');
const job = {runId: 'run1', processor: pgs.name, step: '2022-01-03_2022-01-09_a1'};
const params = rangeParams('2022-01-03', '2022-01-09', 'run1');

let service: LocalBigQuery | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function warehouse(simulated: SimulatedService, options: Partial<BigQueryWarehouseOptions> = {}) {
  service = await localBigQuery(simulated);
  return new BigQueryWarehouse(service.client, {project: PROJECT, location: 'US', ...options});
}

/** One of each job the adapter sends: a read, a batch's MERGE, a rollback's DELETE, the grid's coverage. */
async function everyKindOfJob(w: BigQueryWarehouse): Promise<void> {
  await w.query('SELECT COUNT(*) AS n FROM `p.nba_raw.boxscore_traditional` WHERE game_date = @start_date', {start_date: params.start_date}, {job});
  await w.replaceRange(pgs, processorFor(pgs).select(w.dialect), params, {job});
  await w.deleteRange(pgs, params, {job: {...job, step: 'rollback'}});
  await w.coveredDates(DERIVED_TABLES, {start: '2022-01-03', end: '2022-01-09'});
}

describe('maximumBytesBilled on every job', () => {
  it("is the job's own dry-run estimate × 1.5 by default, each job dry-run just before it; priority INTERACTIVE", async () => {
    const w = await warehouse({estimate: () => 100 * GIB});
    await everyKindOfJob(w);
    const jobs = service!.jobs();
    expect(jobs).toHaveLength(5); // query, MERGE, DELETE, one coverage query per dataset (2)
    for (const insert of jobs) {
      expect(insert.body.configuration.query.maximumBytesBilled).toBe(String(Math.ceil(100 * GIB * 1.5)));
      expect(insert.body.configuration.query.priority).toBe('INTERACTIVE');
      expect(insert.body.configuration.dryRun).toBeUndefined();
    }
    const dryRuns = service!.dryRuns();
    expect(dryRuns.map((d) => d.body.configuration.query.query).sort()).toEqual(jobs.map((j) => j.body.configuration.query.query).sort());
    expect(dryRuns.every((d) => d.body.configuration.query.maximumBytesBilled === undefined)).toBe(true);
    expect(dryRuns.every((d) => d.body.configuration.labels.purpose === 'estimate')).toBe(true);
    // The dry run comes first, the job it caps right after it (for the MERGE: the same statement).
    const order = service!.calls.filter((c) => c.method === 'POST' && c.path === '/jobs').map((c) => (c.body.configuration.dryRun ? 'dry' : 'job'));
    expect(order).toEqual(['dry', 'job', 'dry', 'job', 'dry', 'job', 'dry', 'dry', 'job', 'job']);
  });

  it('scales with the margin option, and never goes below BigQuery minimum bill (10 MB per table referenced)', async () => {
    const w = await warehouse({estimate: (q) => (q.startsWith('MERGE') ? 40 * GIB : 1_000)}, {bytesMargin: 2});
    await w.replaceRange(pgs, processorFor(pgs).select(w.dialect), params, {job});
    await w.query('SELECT 1 FROM `p.nba_raw.shot_chart` AS s JOIN `p.nba_raw.boxscore_traditional` AS b USING (game_id)', {}, {job});
    const [merge, read] = service!.jobs();
    expect(merge.body.configuration.query.maximumBytesBilled).toBe(String(80 * GIB));
    expect(read.body.configuration.query.maximumBytesBilled).toBe(String(2 * MIN_BILLED_PER_TABLE));
    expect(referencedTables(merge.body.configuration.query.query)).toBeGreaterThan(2);
  });

  it('is the fixed per-job cap when one is configured, without a dry run before each job', async () => {
    const w = await warehouse({estimate: () => GIB}, {maxBytesPerJob: 5 * GIB});
    await everyKindOfJob(w);
    expect(service!.dryRuns()).toHaveLength(0);
    expect(service!.jobs().map((j) => j.body.configuration.query.maximumBytesBilled)).toEqual(Array(5).fill(String(5 * GIB)));
  });

  it('refuses a margin below 1 or a cap that is not a positive number of bytes, in one line', async () => {
    service = await localBigQuery();
    expect(() => new BigQueryWarehouse(service!.client, {project: PROJECT, bytesMargin: 0.5})).toThrow(/^the bytes margin must be a number of at least 1 .*got 0\.5$/);
    expect(() => new BigQueryWarehouse(service!.client, {project: PROJECT, maxBytesPerJob: 0})).toThrow(/^--max-bytes-per-job must be a positive number of bytes, got 0$/);
  });
});

describe('priority', () => {
  it('BATCH, when asked, on every job', async () => {
    const w = await warehouse({estimate: () => GIB}, {priority: 'BATCH'});
    await everyKindOfJob(w);
    expect(service!.jobs().map((j) => j.body.configuration.query.priority)).toEqual(Array(5).fill('BATCH'));
  });
});

describe('a job its cap stopped', () => {
  it.each([400, 500])('(HTTP %i) fails permanently with one line: the cap, the estimate, what BigQuery wanted, how to raise it', async (status) => {
    const w = await warehouse({estimate: () => GIB, billed: () => 2 * GIB, capStatus: status});
    const error = await w.replaceRange(pgs, processorFor(pgs).select(w.dialect), params, {job}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BigQueryJobError);
    expect(classifyError(error)).toBe('permanent');
    const jobId = service!.jobs()[0].body.jobReference.jobId;
    expect((error as Error).message).toBe(
      `BigQuery job ${jobId} failed (bytesBilledLimitExceeded): stopped by its cap of 1.5 GiB (maximumBytesBilled, from 1.5 × the dry-run estimate; dry-run estimate 1.0 GiB); ` +
        'BigQuery would bill at least 2.0 GiB; nothing was billed or written - raise the per-job cap with --max-bytes-per-job SIZE (e.g. --max-bytes-per-job 50GB), or lower --batch-size',
    );
  });

  it('under a fixed cap, the line still gives the estimate (a dry run after the failure)', async () => {
    const w = await warehouse({estimate: () => 3 * GIB}, {maxBytesPerJob: GIB});
    const error = (await w.query('SELECT 1', {}, {job}).catch((e: unknown) => e)) as Error;
    expect(classifyError(error)).toBe('permanent');
    expect(error.message).toMatch(/stopped by its cap of 1\.0 GiB \(maximumBytesBilled, from --max-bytes-per-job; dry-run estimate 3\.0 GiB\); BigQuery would bill at least 3\.0 GiB/);
    expect(service!.dryRuns()).toHaveLength(1);
  });
});

describe('statistics read from the job', () => {
  it('come back with a write (WriteResult.statistics) and with a read (onStatistics)', async () => {
    const w = await warehouse({estimate: () => 3 * GIB, billed: () => 3 * GIB + 2 ** 20, slotMs: 45_000});
    const written = await w.replaceRange(pgs, processorFor(pgs).select(w.dialect), params, {job});
    const merge = service!.jobs()[0].body.jobReference.jobId;
    expect(written).toEqual({
      rowsWritten: 12,
      statistics: {jobId: merge, bytesProcessed: 3 * GIB, bytesBilled: 3 * GIB + 2 ** 20, slotMs: 45_000, estimatedBytes: 3 * GIB, bytesCap: Math.ceil(4.5 * GIB)},
      // The local service gives no statistics.startTime: the adapter's own clock then.
      replacedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      companions: {},
    });
    const seen: JobStatistics[] = [];
    await w.query('SELECT 1', {}, {job, onStatistics: (s) => seen.push(s)});
    expect(seen).toEqual([{jobId: service!.jobs()[1].body.jobReference.jobId, bytesProcessed: 3 * GIB, bytesBilled: 3 * GIB + 2 ** 20, slotMs: 45_000, estimatedBytes: 3 * GIB, bytesCap: Math.ceil(4.5 * GIB)}]);
    // Asked only when wanted: a plain read does not call jobs.get.
    const gets = () => service!.calls.filter((c) => c.method === 'GET' && c.path.startsWith('/jobs/')).length;
    const before = gets();
    await w.query('SELECT 1', {}, {job});
    expect(gets()).toBe(before);
  });
});
