// The run-state predicates every front end shares: active (batches may still start or finish)
// and finished (ended one way or another), on a state, on a snapshot, or on no run at all.
import {describe, expect, it} from 'vitest';
import {isRunActive, isRunFinished, type RunState} from '../src/runner/index.js';
import {runOf} from './support/fake-session.js';

const STATES: RunState[] = ['idle', 'running', 'stopping', 'completed', 'failed', 'cancelled', 'interrupted'];

describe('run-state predicates', () => {
  it('say which states are active and which are finished; idle is neither', () => {
    expect(STATES.filter((s) => isRunActive(s))).toEqual(['running', 'stopping']);
    expect(STATES.filter((s) => isRunFinished(s))).toEqual(['completed', 'failed', 'cancelled', 'interrupted']);
  });

  it('read a snapshot as its state, and no run as neither', () => {
    for (const state of STATES) {
      expect(isRunActive(runOf({state}))).toBe(isRunActive(state));
      expect(isRunFinished(runOf({state}))).toBe(isRunFinished(state));
    }
    for (const none of [null, undefined]) {
      expect(isRunActive(none)).toBe(false);
      expect(isRunFinished(none)).toBe(false);
    }
  });
});
