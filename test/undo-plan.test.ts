// Whether a run can be undone, from the index and the history alone: the steps (one per table and
// batch range, dependants first), and each refusal as one line that names what is in the way.
// Retention's choice of what to drop comes from the same entries.
import {describe, expect, it} from 'vitest';
import {derivedTable} from '../src/catalog/index.js';
import {UsageError} from '../src/errors.js';
import type {RunRecord} from '../src/state/schema.js';
import {undoPolicy} from '../src/undo/policy.js';
import type {ReplacedRange} from '../src/undo/ranges.js';
import {runsToPrune} from '../src/undo/retention.js';
import {planUndo, whyNotUndoable} from '../src/undo/undo-plan.js';

const policy = undoPolicy({}, 'duckdb');

function entry(runId: string, table: ReplacedRange['table'], start: string, end: string, keptAt: string, patch: Partial<ReplacedRange> = {}): ReplacedRange {
  return {runId, table, start, end, keptAt, keptRows: 100, undoneBy: null, undoneAt: null, prunedAt: null, ...patch};
}

function record(runId: string, patch: Partial<RunRecord> = {}): RunRecord {
  return {runId, range: {start: '2021-12-01', end: '2021-12-31'}, processors: ['player_game_summary'], startedAt: '2026-01-01T00:00:00Z', finishedAt: null, state: 'completed', jobs: 1, batches: [], ...patch};
}

const A = [
  entry('run-a', 'player_game_summary', '2021-12-01', '2021-12-15', '2026-01-01T00:00:01.000Z'),
  entry('run-a', 'player_game_summary', '2021-12-16', '2021-12-31', '2026-01-01T00:00:02.000Z'),
  entry('run-a', 'ml_feature_store', '2021-12-01', '2021-12-31', '2026-01-01T00:00:03.000Z', {keptRows: 40}),
];

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('not refused');
};

describe('planning an undo', () => {
  it('one step per table and batch range, dependants first, with what they put back', () => {
    const plan = planUndo({runId: 'run-a', entries: A, history: [record('run-a')], policy});
    expect(plan.steps.map((s) => `${s.table} ${s.start}`)).toEqual(['ml_feature_store 2021-12-01', 'player_game_summary 2021-12-01', 'player_game_summary 2021-12-16']);
    expect(plan).toMatchObject({keptRows: 240, tables: ['player_game_summary', 'ml_feature_store'], range: {start: '2021-12-01', end: '2021-12-31'}, alreadyUndone: 0});
    expect(planUndo({runId: 'run-a', tables: [derivedTable('ml_feature_store')], entries: A, history: [], policy}).steps).toHaveLength(1);
  });

  it('refuses, naming the later run, when a later run rewrote any of the same dates of a table', () => {
    const later = entry('run-b', 'player_game_summary', '2021-12-10', '2021-12-10', '2026-01-02T00:00:00.000Z');
    expect(refusal(() => planUndo({runId: 'run-a', entries: [...A, later], history: [], policy}))).toBe(
      'run "run-a" cannot be undone before run run-b, which rewrote PGS 2021-12-10..2021-12-10 after it: undo run run-b first',
    );
    // Other tables, other dates, an earlier run, or a later run since undone: nothing in the way.
    const harmless = [
      entry('run-b', 'team_offense_game_summary', '2021-12-10', '2021-12-10', '2026-01-02T00:00:00.000Z'),
      entry('run-b', 'player_game_summary', '2022-01-01', '2022-01-31', '2026-01-02T00:00:00.000Z'),
      entry('run-0', 'player_game_summary', '2021-12-01', '2021-12-31', '2025-12-31T00:00:00.000Z'),
      entry('run-c', 'player_game_summary', '2021-12-10', '2021-12-10', '2026-01-03T00:00:00.000Z', {undoneBy: 'undo-c'}),
    ];
    expect(planUndo({runId: 'run-a', entries: [...A, ...harmless], history: [], policy}).steps).toHaveLength(3);
    // Only the tables asked for count.
    expect(planUndo({runId: 'run-a', tables: [derivedTable('ml_feature_store')], entries: [...A, later], history: [], policy}).steps).toHaveLength(1);
  });

  it('an unknown run, a run that replaced nothing, a table it did not write: one line each', () => {
    expect(refusal(() => planUndo({runId: 'nope', entries: A, history: [], policy}))).toBe('no run "nope" in the run history or the warehouse\'s index: `backfill runs` lists the runs');
    const first = A.map((e) => ({...e, runId: 'run-f', keptRows: 0}));
    expect(refusal(() => planUndo({runId: 'run-f', entries: first, history: [], policy}))).toMatch(/^run "run-f" replaced nothing \(a first build of every range it wrote\): there is nothing to put back; `backfill rollback` deletes what it wrote$/);
    expect(refusal(() => planUndo({runId: 'run-a', tables: [derivedTable('team_offense_game_summary')], entries: A, history: [], policy}))).toBe(
      'run "run-a" did not write TOGS (it wrote PGS, MLFS): leave them out of --tables',
    );
    expect(refusal(() => planUndo({runId: 'run-x', entries: A, history: [record('run-x', {batches: [{processor: 'player_game_summary', start: '2021-12-01', end: '2021-12-01', dates: 1, rows: 5, durationMs: 1, attempts: 1, status: 'done'}]})], policy}))).toMatch(/^run "run-x" kept nothing to put back/);
    expect(refusal(() => planUndo({runId: 'undo-1', entries: A, history: [record('undo-1', {kind: 'undo', undoOf: 'run-a'})], policy}))).toMatch(/is an undo \(of run-a\): an undo is not undone/);
  });

  it('pruned, already undone, past time travel: why not; an interrupted undo goes on with the ranges left', () => {
    const pruned = A.map((e) => ({...e, prunedAt: '2026-01-05T00:00:00.000Z'}));
    expect(whyNotUndoable({runId: 'run-a', entries: pruned, history: [], policy})).toBe('can no longer be undone: retention dropped its replaced rows at 2026-01-05T00:00:00.000Z (undo keeps the last 3 runs: config undo.runs)');
    const undone = A.map((e) => ({...e, undoneBy: 'undo-1'}));
    expect(whyNotUndoable({runId: 'run-a', entries: undone, history: [], policy})).toBe('was already undone by undo-1');
    const travel = undoPolicy({undo: {timeTravelHours: 48}}, 'bigquery');
    const now = Date.parse('2026-01-04T00:00:00Z');
    expect(whyNotUndoable({runId: 'run-a', entries: A, history: [], policy: travel, now})).toMatch(/^can no longer be undone: its replaced rows \(2026-01-01T00:00:0\d\.000Z\) are past BigQuery's time-travel window of 48 hours/);
    expect(whyNotUndoable({runId: 'run-a', entries: A, history: [], policy: travel, now: Date.parse('2026-01-02T00:00:00Z')})).toBeNull();
    const half = [{...A[0], undoneBy: 'undo-1'}, A[1], A[2]];
    expect(planUndo({runId: 'run-a', entries: half, history: [], policy})).toMatchObject({alreadyUndone: 1, keptRows: 140});
  });
});

describe('retention', () => {
  const run = (id: string, at: string, patch: Partial<ReplacedRange> = {}) => entry(id, 'player_game_summary', '2021-12-01', '2021-12-31', at, patch);
  it('keeps the newest N runs that kept rows, drops the older ones and the fully undone ones', () => {
    const entries = [
      run('run-1', '2026-01-01T00:00:00.000Z'),
      run('run-2', '2026-01-02T00:00:00.000Z'),
      run('run-3', '2026-01-03T00:00:00.000Z', {keptRows: 0}), // a first build: nothing kept, nothing to drop
      run('run-4', '2026-01-04T00:00:00.000Z', {undoneBy: 'undo-1'}),
      run('run-5', '2026-01-05T00:00:00.000Z'),
      run('run-6', '2026-01-06T00:00:00.000Z'),
      run('run-0', '2025-12-01T00:00:00.000Z', {prunedAt: '2025-12-31T00:00:00.000Z'}),
    ];
    expect(runsToPrune(entries, {runs: 3})).toEqual(['run-1', 'run-4']);
    expect(runsToPrune(entries, {runs: 2})).toEqual(['run-1', 'run-2', 'run-4']);
    expect(runsToPrune(entries, {runs: 0})).toEqual(['run-1', 'run-2', 'run-4', 'run-5', 'run-6']);
  });
});
