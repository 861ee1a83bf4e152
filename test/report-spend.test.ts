// The completion report's spend section, from the run history the runner journals: the runs that
// touched the range, each against its estimate and budget, per processor totals from the batch
// records, and one line when nothing was billed (DuckDB).
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {StateStore, type RunRecord} from '../src/state/store.js';
import {spendLines, spendSummary} from '../src/validation/spend-report.js';
import {tempDir} from './runner-support.js';

const GIB = 2 ** 30;
const KEY = 'bigquery:nba-data-warehouse-422817';
const tmp = tempDir('backfill-report-spend-');
afterAll(() => tmp.cleanup());

function record(runId: string, range: {start: string; end: string}, billed: number[], spend = true): RunRecord {
  const batches = billed.map((b, i) => ({
    processor: i % 2 ? ('team_offense_game_summary' as const) : ('player_game_summary' as const),
    start: range.start, end: range.end, dates: 1, rows: 10, durationMs: 100, attempts: 1, status: 'done' as const,
    jobId: `job_${runId}_${i}`, bytesProcessed: b, bytesBilled: b, slotMs: 1_000,
  }));
  const total = billed.reduce((a, b) => a + b, 0);
  return {
    runId, range, processors: ['player_game_summary', 'team_offense_game_summary'], startedAt: '2026-01-17T03:00:00Z', finishedAt: '2026-01-17T04:00:00Z',
    state: 'completed', jobs: billed.length, batches,
    ...(spend ? {spend: {bytesProcessed: total, bytesBilled: total, slotMs: 1_000 * billed.length, estimate: 3 * GIB, budget: 4 * GIB, budgetReached: false}} : {}),
  };
}

describe('the spend section', () => {
  it('sums the runs of the history that touched the range, per run and per processor', () => {
    const stateDir = join(tmp.dir, 'state');
    const store = new StateStore(stateDir);
    store.saveProgress(KEY, null, record('run-a', {start: '2021-11-01', end: '2021-11-30'}, [GIB, 2 * GIB]));
    store.saveProgress(KEY, null, record('run-b', {start: '2022-01-01', end: '2022-01-31'}, [5 * GIB]));
    const summary = spendSummary(stateDir, KEY, {start: '2021-10-19', end: '2021-12-31'})!;
    expect(summary.runs.map((r) => r.runId)).toEqual(['run-a']);
    expect(summary.total).toEqual({bytesProcessed: 3 * GIB, bytesBilled: 3 * GIB, slotMs: 2_000});
    expect(summary.processors).toEqual([
      {processor: 'player_game_summary', batches: 1, bytesProcessed: GIB, bytesBilled: GIB, slotMs: 1_000},
      {processor: 'team_offense_game_summary', batches: 1, bytesProcessed: 2 * GIB, bytesBilled: 2 * GIB, slotMs: 1_000},
    ]);
    const lines = spendLines(summary);
    expect(lines[0]).toBe('  run-a 2021-11-01 .. 2021-11-30 completed: 3.0 GiB billed, 3.0 GiB processed, 2.0 slot-s; estimate 3.0 GiB, budget 4.0 GiB');
    expect(lines).toContain('    PGS      1 batches     1.0 GiB billed     1.0 GiB processed         1.0 slot-s');
    expect(lines.at(-1)).toBe('  total: 3.0 GiB billed, 3.0 GiB processed, 2.0 slot-s');
  });

  it('says in one line when nothing in the range was billed (a DuckDB history has no spend)', () => {
    const stateDir = join(tmp.dir, 'duck');
    new StateStore(stateDir).saveProgress('/data/w.duckdb', null, record('run-d', {start: '2021-11-01', end: '2021-11-30'}, [], false));
    expect(spendSummary(stateDir, '/data/w.duckdb', {start: '2021-10-19', end: '2021-12-31'})).toBeNull();
    expect(spendSummary(join(tmp.dir, 'nowhere'), KEY, {start: '2021-10-19', end: '2021-12-31'})).toBeNull();
    expect(spendLines(null)).toEqual(['  nothing billed by the runs in the history for this range (DuckDB bills nothing; BigQuery runs record their job statistics)']);
  });
});
