// The duration model: a processor's past pace per run on the wall clock (its concurrency
// included), pooled over its recent runs; the plan takes as long as its slowest processor; the ETA
// uses this run's pace once measured, the past pace before.
import {describe, expect, it} from 'vitest';
import {estimateDuration, estimateLines, etaSeconds, pastRates, RECENT_RUNS} from '../src/runner/estimate.js';
import type {AttemptRecord} from '../src/state/attempts.js';
import {formatDuration} from '../src/figures.js';

function attempt(runId: string, processor: AttemptRecord['processor'], startSecond: number, durationS: number, dates: number, outcome: AttemptRecord['outcome'] = 'done'): AttemptRecord {
  return {
    runId, processor, start: '2021-11-01', end: '2021-11-05', dates, attempt: 1, startedAt: new Date(startSecond * 1000).toISOString(), durationMs: durationS * 1000,
    rows: 1, outcome, error: null, retryKind: null, jobId: null, bytesProcessed: null, bytesBilled: null, slotMs: null,
  };
}

describe('the duration estimate', () => {
  it('measures a run on the wall clock: two batches side by side count once', () => {
    // Two 10-date batches in parallel over the same 10 s, then a failed one that adds time only.
    const rates = pastRates([attempt('r1', 'player_game_summary', 0, 10, 10), attempt('r1', 'player_game_summary', 0, 10, 10), attempt('r1', 'player_game_summary', 10, 10, 10, 'failed')]);
    expect(rates.get('player_game_summary')).toBeCloseTo(20 / 20);
  });

  it(`pools the last ${RECENT_RUNS} runs of each processor`, () => {
    const old = attempt('r0', 'player_game_summary', 0, 100, 1); // very slow, too old to count
    const recent = [1, 2, 3].map((i) => attempt(`r${i}`, 'player_game_summary', 1000 * i, 10, 20));
    expect(pastRates([old, ...recent]).get('player_game_summary')).toBeCloseTo(2);
  });

  it('takes as long as the slowest processor; says which have no history', () => {
    const rates = new Map([['player_game_summary', 2], ['team_offense_game_summary', 10]] as const);
    const estimate = estimateDuration([{name: 'player_game_summary', dates: 100}, {name: 'team_offense_game_summary', dates: 100}, {name: 'ml_feature_store', dates: 50}], rates);
    expect(estimate.seconds).toBe(50);
    expect(estimateLines(estimate, formatDuration)).toEqual([
      "estimated duration: about 50s at this warehouse's past pace",
      'slowest: PGS at 2.00 dates/s; no history yet for MLFS (not in the estimate)',
    ]);
    expect(estimateLines(estimateDuration([{name: 'ml_feature_store', dates: 5}], rates, ), formatDuration)[0]).toMatch(/no history yet/);
  });

  it('the ETA follows this run once it has a pace, the past before', () => {
    expect(etaSeconds(100, null, 4)).toBe(25);
    expect(etaSeconds(100, 10, 4)).toBe(10);
    expect(etaSeconds(100, null, null)).toBeNull();
  });
});
