// The console's spend and order, rendered with ink-testing-library from a session's state: the
// status bar shows what a BigQuery run billed so far against the estimate and the budget (and
// nothing on DuckDB), the run summary the totals and per processor, and the start confirmation
// says newest-first and whether the estimate fits the budget.
import {describe, expect, test} from 'vitest';
import {planPreviewLines} from '../src/ui/plan-preview.js';
import {summaryLines} from '../src/ui/components/RunSummary.js';
import {coverageOf, estimateOf, FakeSession, planPreviewOf, progressOf, runOf} from './support/fake-session.js';
import {renderConsole} from './support/render.js';

const RANGE = {start: '2021-11-01', end: '2022-02-28'};
const GIB = 2 ** 30;

function billedRun(billed: number, patch: {budget?: number | null; estimate?: number | null; reached?: boolean} = {}) {
  const pgs = progressOf('player_game_summary', {status: 'running', datesDone: 9, datesTotal: 27, rowsWritten: 1500, etaSeconds: 30, spend: {bytesProcessed: billed, bytesBilled: billed, slotMs: 90_000}});
  return runOf({
    spend: {bytesProcessed: billed, bytesBilled: billed, slotMs: 90_000, estimate: patch.estimate === undefined ? 3 * GIB : patch.estimate, budget: patch.budget === undefined ? 4 * GIB : patch.budget, budgetReached: patch.reached ?? false},
  }, [pgs]);
}

describe('the status bar', () => {
  test('on BigQuery: billed so far against the estimate and the budget', async () => {
    const session = new FakeSession({warehouse: 'bigquery:nba-data-warehouse-422817', coverage: coverageOf(RANGE), run: billedRun(1.5 * GIB)});
    const ui = await renderConsole(session, {columns: 160});
    expect(ui.lines()[0]).toContain('backfill bigquery:nba-data-warehouse-422817 | run running 33% 9/27 dates 1,500 rows ETA 30s | billed 1.5 GiB of est 3.0 GiB, budget 4.0 GiB');
    // It follows the run: the budget reached is said in words.
    session.set({run: billedRun(4.2 * GIB, {reached: true})});
    await ui.waitFor('billed 4.2 GiB of est 3.0 GiB, budget 4.0 GiB reached');
    // Without a budget or an estimate: only what is known.
    session.set({run: billedRun(0.5 * GIB, {budget: null, estimate: null})});
    await ui.waitFor('| billed 512.0 MiB');
    expect(ui.lines()[0]).not.toContain('budget');
    ui.unmount();
  });

  test('on DuckDB: no spend at all', async () => {
    const run = runOf({}, [progressOf('player_game_summary', {status: 'running', datesDone: 9, datesTotal: 27, rowsWritten: 1500, etaSeconds: 30})]);
    const session = new FakeSession({warehouse: 'demo.duckdb', coverage: coverageOf(RANGE), run});
    const ui = await renderConsole(session, {columns: 160});
    expect(ui.lines()[0]).toContain('backfill demo.duckdb | run running 33% 9/27 dates 1,500 rows ETA 30s');
    expect(ui.lines()[0]).not.toMatch(/billed|budget/);
    ui.unmount();
  });
});

describe('the run summary', () => {
  test('says what the run billed, in all and per processor; nothing on DuckDB', () => {
    const run = billedRun(4.2 * GIB, {reached: true});
    const lines = summaryLines({...run, state: 'interrupted'});
    expect(lines).toContain('4.2 GiB billed, 4.2 GiB processed, 90.0 slot-s; billed 4.2 GiB of est 3.0 GiB, budget 4.0 GiB reached');
    expect(lines).toContain('PGS  4.2 GiB billed, 4.2 GiB processed, 90.0 slot-s');
    expect(summaryLines(runOf({}, [progressOf('player_game_summary', {status: 'done'})])).join('\n')).not.toMatch(/billed/);
  });
});

describe('the start confirmation', () => {
  test('says newest-first, and whether the estimate fits the budget', () => {
    const estimate = estimateOf({player_game_summary: {batches: 6, gib: 1}});
    const fits = planPreviewLines(planPreviewOf({batches: 6, dates: 30, workers: 4}, {order: 'newest-first', estimate, budget: 8 * GIB}));
    expect(fits).toEqual([
      '6 batches, 30 processor-dates, at most 4 at once',
      'newest first: the latest ready batch starts first; a phase 4 batch still waits for its inputs (lookback)',
      'BigQuery 6.0 GiB processed, ~$0.04 on demand at $6.25/TiB (dry-run estimate)',
      'budget 8.0 GiB: the estimate fits; every processor pauses if the billed bytes reach it',
      'PGS      6 batches x   1.0 GiB =   6.0 GiB  ~$0.04',
    ]);
    const over = planPreviewLines(planPreviewOf({batches: 6, dates: 30, workers: 4}, {estimate, budget: 5 * GIB}));
    expect(over).toContain('over the budget of 5.0 GiB: the run will not start; raise the budget or select less');
    expect(over.join('\n')).not.toContain('newest first');
  });
});
