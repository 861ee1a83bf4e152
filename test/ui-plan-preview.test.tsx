// The start confirmation from a plan sent as data: the pure renderer's lines (what blocks, what
// runs first, BigQuery's estimate total first), and in the console, y approving the plan on screen
// by its id; when the warehouse changed since, the dialog comes back with the new plan.
import {describe, expect, test} from 'vitest';
import {planPreviewLines} from '../src/ui/plan-preview.js';
import {coverageOf, estimateOf, FakeSession, planPreviewOf} from './support/fake-session.js';
import {renderConsole} from './support/render.js';

describe('the plan preview renderer', () => {
  test('total, blocked inputs, the run resumed first, then the estimate: its total before the detail', () => {
    const preview = planPreviewOf(
      {batches: 12, dates: 62, lookbackDates: 7, workers: 10},
      {
        blocked: [
          {processor: 'ml_feature_store', input: 'player_composite_factors', dates: ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-05']},
          {processor: 'player_defensive_context', input: 'team_defense_game_summary', dates: ['2021-11-01']},
        ],
        resumesFirst: {runId: 'run-20211101T000000-abcdef', range: {start: '2021-10-19', end: '2021-10-31'}},
        estimate: {...estimateOf({player_game_summary: {batches: 6, gib: 1.2}}), skipped: ['ml_feature_store']},
      },
    );
    expect(planPreviewLines(preview)).toEqual([
      '12 batches, 62 processor-dates (7 for lookback), at most 10 at once',
      'blocked: MLFS needs PCF on 2021-11-01 … 2021-11-05 (4 dates), which is not covered and not in the plan',
      'blocked: PDC needs TDGS on 2021-11-01, which is not covered and not in the plan',
      'the interrupted run run-20211101T000000-abcdef (2021-10-19 → 2021-10-31) is resumed first',
      'BigQuery 7.2 GiB processed, ~$0.04 on demand at $6.25/TiB (dry-run estimate)',
      'PGS      6 batches x   1.2 GiB =   7.2 GiB  ~$0.04',
      '(external, not estimated: MLFS)',
    ]);
  });

  test('says when the plan replaces one the warehouse no longer gives, and when there is nothing to build', () => {
    expect(planPreviewLines(planPreviewOf({batches: 3, dates: 9, workers: 4}, {replaces: 'plan-old'}))).toEqual([
      'the warehouse changed since the plan you approved: this is the new plan',
      '3 batches, 9 processor-dates, at most 4 at once',
    ]);
    expect(planPreviewLines(planPreviewOf({batches: 0, dates: 0, workers: 4}))).toEqual(['nothing to build: every game date of the selection is covered']);
  });
});

describe('y approves the plan on screen', () => {
  test('starts it by its id; a warehouse changed since brings the dialog back with the new plan, and y starts that one', async () => {
    const session = new FakeSession({coverage: coverageOf({start: '2021-11-01', end: '2022-02-28'}, {player_game_summary: 'all'})});
    const fresh = planPreviewOf({batches: 50, dates: 250, workers: 10}, {planId: 'plan-new', replaces: 'plan-test'});
    session.startResult = {started: false, reason: 'the warehouse changed since that plan was made: nothing started; here is the new plan', preview: fresh};
    const ui = await renderConsole(session, {rows: 30});
    await ui.press('s');
    await ui.waitFor('62 batches, 310 processor-dates, at most 10 at once');
    await ui.press('y');
    await ui.waitFor('the warehouse changed since the plan you approved: this is the new plan');
    expect(ui.frame()).toContain('50 batches, 250 processor-dates, at most 10 at once');
    expect(ui.frame()).toContain('y: start');
    session.startResult = {started: true, runId: 'run-2'};
    await ui.press('y');
    const starts = session.calls.filter((c) => c.method === 'start');
    expect(starts.map((c) => c.method === 'start' && c.planId)).toEqual(['plan-test', 'plan-new']);
    expect(ui.frame()).not.toContain('the warehouse changed since');
    ui.unmount();
  });
});
