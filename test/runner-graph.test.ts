// The batch graph on its own: no timers, no warehouse, no scheduler. Batches are gated the way the
// planner gates them (gatesOf over a lookback index of a small calendar), then moved by hand:
// readiness through lookback chains, failure and cancel propagation with their reasons, a batch
// blocked by inputs nobody builds, illegal moves refused; and the transition function on top,
// one event and one journal record per batch whatever the path that settled it.
import {describe, expect, it} from 'vitest';
import type {DerivedTableName} from '../src/catalog/types.js';
import type {IsoDate} from '../src/dates.js';
import {gatesOf, toRuns} from '../src/runner/gates.js';
import {BATCH_STATES, BatchGraph, IllegalMoveError, LEGAL_MOVES, type BatchState} from '../src/runner/graph.js';
import {LookbackIndex} from '../src/runner/lookback.js';
import type {PlannedBatch} from '../src/runner/plan.js';
import {transitions, type RunEventDraft, type SettledBatch} from '../src/runner/transitions.js';

const OCTOBER = ['2021-10-19', '2021-10-20', '2021-10-22'];
const NOVEMBER = ['2021-11-01', '2021-11-02', '2021-11-03', '2021-11-05'];
const lookback = new LookbackIndex([...OCTOBER, ...NOVEMBER].map((date) => ({date, season: '2021-22', games: 1})));

const TDGS = 'team_defense_game_summary';
const TDZA = 'team_defensive_zone_analytics';
const PDC = 'player_defensive_context';
const MLFS = 'ml_feature_store';

/** Batches as the planner cuts and gates them; `covered`: the inputs the warehouse already holds. */
function planned(cuts: readonly [DerivedTableName, IsoDate[]][], covered: readonly DerivedTableName[] = []): PlannedBatch[] {
  const ungated = cuts.map(([processor, dates]) => ({processor, dates}));
  const gates = gatesOf(ungated, lookback, (table) => covered.includes(table));
  return cuts.map(([processor, dates], id) => ({id, processor, start: dates[0], end: dates[dates.length - 1], dates, games: dates.length, ...gates[id]}));
}

// TDGS in four batches; TDZA (season lookback on TDGS) in two; PDC (TDZA on the date) in one;
// MLFS reads PDC on the date (and TDZA only through it: catalog/reads.ts). Everything else they
// read is covered.
const CHAIN: [DerivedTableName, IsoDate[]][] = [
  [TDGS, ['2021-10-19', '2021-10-20']], // 0
  [TDGS, ['2021-10-22', '2021-11-01']], // 1
  [TDGS, ['2021-11-02', '2021-11-03']], // 2
  [TDGS, ['2021-11-05']], // 3
  [TDZA, ['2021-11-01', '2021-11-02']], // 4
  [TDZA, ['2021-11-03', '2021-11-05']], // 5
  [PDC, NOVEMBER], // 6
  [MLFS, NOVEMBER], // 7
];
const COVERED: DerivedTableName[] = ['upcoming_player_game_context', 'upcoming_team_game_context', 'player_game_summary', 'player_shot_zone_analytics', 'player_composite_factors'];

function chain(): BatchGraph {
  return new BatchGraph(planned(CHAIN, COVERED));
}

function states(graph: BatchGraph): BatchState[] {
  return Array.from({length: graph.size}, (_, id) => graph.state(id));
}

function finish(graph: BatchGraph, id: number) {
  graph.move(id, 'running');
  return graph.move(id, 'done');
}

describe('gates', () => {
  it('wait for the planned batches that build the dates each batch reads, as runs of ids', () => {
    const batches = planned(CHAIN, COVERED);
    expect(batches.map((b) => b.waitsFor)).toEqual([[], [], [], [], [[0, 2]], [[0, 3]], [[4, 5]], [[6, 6]]]);
    expect(batches.every((b) => b.blockedBy.length === 0)).toBe(true);
    expect(toRuns([7, 1, 2, 3, 9, 2])).toEqual([[1, 3], [7, 7], [9, 9]]);
  });
});

describe('batch graph', () => {
  it('makes a batch ready once every batch building its inputs is done, through lookback chains', () => {
    const graph = chain();
    expect(states(graph)).toEqual(['ready', 'ready', 'ready', 'ready', 'waiting', 'waiting', 'waiting', 'waiting']);
    finish(graph, 0);
    finish(graph, 1);
    expect(graph.state(4)).toBe('waiting'); // TDZA on Nov 2 reads TDGS up to Nov 2, season lookback
    expect(finish(graph, 2).map((m) => [m.id, m.to])).toEqual([[2, 'done'], [4, 'ready']]);
    expect(graph.firstReady(TDZA)).toBe(4);
    finish(graph, 4);
    expect(graph.state(6)).toBe('waiting'); // PDC reads TDZA on every date of its batch
    expect(finish(graph, 3).map((m) => [m.id, m.to])).toEqual([[3, 'done'], [5, 'ready']]);
    expect(finish(graph, 5).map((m) => [m.id, m.to])).toEqual([[5, 'done'], [6, 'ready']]);
    expect(finish(graph, 6).map((m) => [m.id, m.to])).toEqual([[6, 'done'], [7, 'ready']]);
    finish(graph, 7);
    expect(graph.open()).toBe(0);
    expect(graph.tally('done', TDGS)).toEqual({batches: 4, dates: 7});
    expect(graph.tally('done')).toEqual({batches: 8, dates: 7 + 4 + 4 + 4});
  });

  it('fails the dependants of a failed batch transitively, once each, naming the input that failed', () => {
    const graph = chain();
    graph.move(1, 'running');
    const moves = graph.move(1, 'failed', 'Binder Error: no such column');
    expect(moves.map((m) => [m.id, m.from, m.to, m.reason])).toEqual([
      [1, 'running', 'failed', 'Binder Error: no such column'],
      [4, 'waiting', 'failed', 'its input TDGS failed on 2021-10-22 → 2021-11-01'],
      [6, 'waiting', 'failed', 'its input TDZA failed on 2021-11-01 → 2021-11-02'],
      [7, 'waiting', 'failed', 'its input PDC failed on 2021-11-01 → 2021-11-05'],
      [5, 'waiting', 'failed', 'its input TDGS failed on 2021-10-22 → 2021-11-01'],
    ]);
    expect(states(graph)).toEqual(['ready', 'failed', 'ready', 'ready', 'failed', 'failed', 'failed', 'failed']);
    expect(graph.tally('failed', TDZA)).toEqual({batches: 2, dates: 4});
    expect(graph.open()).toBe(3); // the other TDGS batches still run
  });

  it('cancels the dependants of a cancelled batch, and leaves those that do not read it', () => {
    const graph = chain();
    const moves = graph.move(3, 'cancelled', 'cancelled');
    expect(moves.map((m) => [m.id, m.to, m.reason])).toEqual([
      [3, 'cancelled', 'cancelled'],
      [5, 'cancelled', 'its input TDGS was cancelled on 2021-11-05 → 2021-11-05'],
      [6, 'cancelled', 'its input TDZA was cancelled on 2021-11-03 → 2021-11-05'],
      [7, 'cancelled', 'its input PDC was cancelled on 2021-11-01 → 2021-11-05'],
    ]);
    // TDZA on Nov 1-2 does not read Nov 5: it still becomes ready.
    finish(graph, 0);
    finish(graph, 1);
    finish(graph, 2);
    expect(graph.state(4)).toBe('ready');
  });

  it('holds a batch whose inputs are neither covered nor planned, and says why', () => {
    const graph = new BatchGraph(planned([[TDZA, NOVEMBER], [PDC, NOVEMBER]], ['upcoming_player_game_context']));
    expect(graph.batch(0).blockedBy).toEqual([{input: TDGS, dates: 7}]);
    expect(graph.blocked()).toEqual([{id: 0, reason: 'inputs not covered and not planned: TDGS on 7 dates'}]);
    expect(states(graph)).toEqual(['waiting', 'waiting']);
    expect(graph.firstReady(TDZA)).toBeUndefined();
    const moves = graph.move(0, 'failed', graph.blocked()[0].reason);
    expect(moves.map((m) => [m.id, m.reason])).toEqual([
      [0, 'inputs not covered and not planned: TDGS on 7 dates'],
      [1, 'its input TDZA failed on 2021-11-01 → 2021-11-05'],
    ]);
  });

  it('keeps a blocked batch waiting even when its planned inputs are done', () => {
    // PDC reads UPGC (neither covered nor planned) and TDZA (planned).
    const graph = new BatchGraph(planned([[TDZA, NOVEMBER], [PDC, NOVEMBER]], [TDGS]));
    expect(graph.batch(1).blockedBy).toEqual([{input: 'upcoming_player_game_context', dates: 4}]);
    finish(graph, 0);
    expect(graph.state(1)).toBe('waiting');
  });

  it('refuses every move the state machine does not allow, and changes nothing', () => {
    // TDGS's batch 0 (no inputs: ready at once) driven into each state along legal moves; TDZA's
    // batch 1 waits for it.
    const paths: Record<BatchState, [number, BatchState[]]> = {
      waiting: [1, []],
      ready: [0, []],
      running: [0, ['running']],
      backoff: [0, ['running', 'backoff']],
      done: [0, ['running', 'done']],
      failed: [0, ['running', 'failed']],
      cancelled: [0, ['cancelled']],
    };
    let refused = 0;
    for (const from of BATCH_STATES) {
      for (const to of BATCH_STATES) {
        const graph = new BatchGraph(planned([[TDGS, OCTOBER], [TDZA, NOVEMBER]]));
        const [id, path] = paths[from];
        for (const step of path) graph.move(id, step, 'why');
        expect(graph.state(id)).toBe(from);
        if (LEGAL_MOVES[from].includes(to) && !(from === 'waiting' && to === 'ready')) {
          expect(graph.move(id, to, 'why')[0]).toMatchObject({id, from, to});
        } else {
          expect(() => graph.move(id, to), `${from} → ${to}`).toThrow(IllegalMoveError);
          expect(graph.state(id)).toBe(from);
          refused++;
        }
      }
    }
    expect(refused).toBe(49 - 11);
    const graph = chain();
    expect(() => graph.move(4, 'running')).toThrow(`batch 4 (TDZA 2021-11-01 → 2021-11-02) cannot move waiting → running (from waiting: ready, failed, cancelled)`);
    // Only its inputs make a waiting batch ready.
    expect(() => graph.move(4, 'ready')).toThrow('cannot move waiting → ready (3 of the batches it waits for are not done)');
    finish(graph, 0);
    expect(() => graph.move(0, 'failed')).toThrow('cannot move done → failed (from done: nothing: it is settled)');
    const blocked = new BatchGraph(planned([[TDZA, NOVEMBER]]));
    expect(() => blocked.move(0, 'ready')).toThrow('(its inputs are neither covered nor planned)');
  });

  it('refuses a plan whose ids or gates do not hold together', () => {
    const [a, b] = planned([[TDGS, OCTOBER], [TDZA, NOVEMBER]]);
    expect(() => new BatchGraph([b, a])).toThrow(/plan batch 0 has id 1/);
    expect(() => new BatchGraph([a, {...b, waitsFor: [[0, 0], [2, 5]]}])).toThrow(/waits for batch 2, which is not another batch/);
    expect(() => new BatchGraph([a, {...b, waitsFor: [[1, 1]]}])).toThrow(/waits for batch 1/);
    expect(() => chain().move(8, 'running')).toThrow(/no batch 8/);
  });
});

describe('transition function', () => {
  function wired() {
    const graph = chain();
    const events: RunEventDraft[] = [];
    const journal: SettledBatch[] = [];
    const attempts = new Map<number, number>();
    const transit = transitions({
      graph,
      attempts: (id) => ({attempt: attempts.get(id) ?? 0, rows: 10 * id, changes: null, durationMs: 5}),
      emit: (event) => events.push(event),
      onBatchSettled: (batch) => journal.push(batch),
    });
    return {graph, events, journal, transit, attempts};
  }

  it('emits the event of each move and journals each settled batch, once per batch', () => {
    const {events, journal, transit, attempts} = wired();
    attempts.set(1, 2);
    transit(1, {to: 'running'});
    transit(1, {to: 'backoff', error: 'rate limited', kind: 'quota', delayMs: 40});
    transit(1, {to: 'ready'});
    transit(1, {to: 'running'});
    transit(1, {to: 'failed', error: 'Binder Error', log: 'TDGS 2021-10-22 → 2021-11-01 failed (permanent): Binder Error'});
    const ref = (processor: string, start: string, end: string, attempt = 0) => expect.objectContaining({processor, start, end, attempt});
    expect(events).toEqual([
      {type: 'batch-started', batch: ref(TDGS, '2021-10-22', '2021-11-01', 2)},
      {type: 'batch-retry', batch: ref(TDGS, '2021-10-22', '2021-11-01', 2), error: 'rate limited', kind: 'quota', delayMs: 40},
      {type: 'batch-started', batch: ref(TDGS, '2021-10-22', '2021-11-01', 2)},
      {type: 'batch-failed', batch: ref(TDGS, '2021-10-22', '2021-11-01', 2), error: 'Binder Error'},
      {type: 'log', level: 'error', message: 'TDGS 2021-10-22 → 2021-11-01 failed (permanent): Binder Error', processor: TDGS},
      {type: 'batch-failed', batch: ref(TDZA, '2021-11-01', '2021-11-02'), error: 'its input TDGS failed on 2021-10-22 → 2021-11-01'},
      {type: 'batch-failed', batch: ref(PDC, '2021-11-01', '2021-11-05'), error: 'its input TDZA failed on 2021-11-01 → 2021-11-02'},
      {type: 'batch-failed', batch: ref(MLFS, '2021-11-01', '2021-11-05'), error: 'its input PDC failed on 2021-11-01 → 2021-11-05'},
      {type: 'batch-failed', batch: ref(TDZA, '2021-11-03', '2021-11-05'), error: 'its input TDGS failed on 2021-10-22 → 2021-11-01'},
    ]);
    expect(journal.map((b) => [b.plan.id, b.status, b.attempts, b.error])).toEqual([
      [1, 'failed', 2, 'Binder Error'],
      [4, 'failed', 0, 'its input TDGS failed on 2021-10-22 → 2021-11-01'],
      [6, 'failed', 0, 'its input TDZA failed on 2021-11-01 → 2021-11-02'],
      [7, 'failed', 0, 'its input PDC failed on 2021-11-01 → 2021-11-05'],
      [5, 'failed', 0, 'its input TDGS failed on 2021-10-22 → 2021-11-01'],
    ]);
  });

  it('says a batch finished with its rows, and journals a cancel without an event', () => {
    const {events, journal, transit, attempts} = wired();
    attempts.set(0, 1);
    transit(0, {to: 'running'});
    transit(0, {to: 'done', rows: 123, durationMs: 7});
    transit(3, {to: 'cancelled', reason: 'cancelled'});
    expect(events.map((e) => e.type)).toEqual(['batch-started', 'batch-finished']);
    expect(events[1]).toMatchObject({rows: 123, durationMs: 7});
    expect(journal.map((b) => [b.plan.id, b.status, b.rows, b.durationMs, b.error])).toEqual([
      [0, 'done', 0, 5, null],
      [3, 'cancelled', 30, 5, 'cancelled'],
      [5, 'cancelled', 50, 5, 'its input TDGS was cancelled on 2021-11-05 → 2021-11-05'],
      [6, 'cancelled', 60, 5, 'its input TDZA was cancelled on 2021-11-03 → 2021-11-05'],
      [7, 'cancelled', 70, 5, 'its input PDC was cancelled on 2021-11-01 → 2021-11-05'],
    ]);
  });

  it('refuses an illegal move before emitting or journaling anything', () => {
    const {events, journal, transit} = wired();
    expect(() => transit(4, {to: 'done', rows: 1, durationMs: 1})).toThrow(IllegalMoveError);
    expect(events).toEqual([]);
    expect(journal).toEqual([]);
  });
});
