// An undo as a run: it takes the warehouse's lock, is a record in the run history (kind `undo`,
// `undoOf` the run it undoes, one batch record per step) and puts each (table, batch range) back
// in one atomic step: the write path's own replace, its rows the kept ones with their lineage
// (DuckDB: one transaction with the index's note and the drop of the kept rows; BigQuery: one
// MERGE, the bookkeeping as jobs after it). A step either happened or not: a kill between steps
// leaves some ranges back and the others as the run left them, and `undo` of the same run again
// does only the ranges left (the index says which are back).
import {randomBytes} from 'node:crypto';
import {derivedTable, shortName} from '../catalog/index.js';
import type {DerivedTable} from '../catalog/types.js';
import {acquireLock} from '../state/lock.js';
import type {BatchRecord, RunRecord} from '../state/schema.js';
import {StateStore} from '../state/store.js';
import {describeError} from '../warehouse/errors.js';
import {rangeParams, stringParam, timestampParam, type Companion, type Params, type Warehouse} from '../warehouse/types.js';
import type {UndoPolicy} from './policy.js';
import type {ReplacedRange} from './ranges.js';
import {compactable} from './keep-sql.js';
import {dropNotesStatement, dropRestoredStatement, expandNotesStatement, markUndoneStatement, restoredRows, restoreSliceStatements} from './restore-sql.js';
import {pruneKeptRows} from './retention.js';
import {dataSlice, sliceParams, slicesFor} from './slices.js';
import type {UndoPlan} from './undo-plan.js';

export interface UndoStepOutcome {
  readonly step: ReplacedRange;
  /** 1-based, of `total`. */
  readonly index: number;
  readonly total: number;
  readonly rows: number;
  readonly durationMs: number;
}

export interface UndoOptions {
  readonly warehouse: Warehouse;
  readonly stateDir: string;
  readonly policy: UndoPolicy;
  readonly plan: UndoPlan;
  /** Stops after the steps in flight, which are let finish (the undo ends `interrupted`; `undo` again finishes it). */
  readonly signal?: AbortSignal;
  /** Steps at once (default DEFAULT_UNDO_WORKERS); each is atomic by itself, in any order. */
  readonly workers?: number;
  readonly onStep?: (outcome: UndoStepOutcome) => void;
}

export interface UndoOutcome {
  readonly undoRunId: string;
  readonly state: 'completed' | 'failed' | 'interrupted';
  readonly stepsDone: number;
  readonly rows: number;
  readonly error: string | null;
}

/**
 * Steps at once, as many as a run's batches by default (config `workers`, 4): each step is its own
 * transaction (or MERGE) on its own table range, so they do not wait for each other.
 */
export const DEFAULT_UNDO_WORKERS = 4;

function newUndoId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `undo-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Before a step's replace (copy mode): the noted dates' kept rows, back from their notes. */
function expansions(warehouse: Warehouse, table: DerivedTable, policy: UndoPolicy): Companion[] {
  if (policy.mode !== 'copy') return [];
  return slicesFor(table).filter((s) => compactable(s.table)).map((s, i): Companion => ({name: `undo_expand_${i}`, sql: expandNotesStatement(warehouse.dialect, s), params: sliceParams(s)}));
}

/** After a step's replace: the table's other slices back, the index's note, the kept rows and notes dropped. */
function stepCompanions(warehouse: Warehouse, table: DerivedTable, policy: UndoPolicy): Companion[] {
  const d = warehouse.dialect;
  const [, ...others] = slicesFor(table);
  const restored = others.flatMap((s) => restoreSliceStatements(d, s, policy.mode).map((sql, i): Companion => ({name: `undo_restore_${s.table.name}_${i}`, sql, params: sliceParams(s)})));
  const drops = policy.mode === 'copy'
    ? slicesFor(table).flatMap((s, i): Companion[] => [
        {name: `undo_drop_${i}`, sql: dropRestoredStatement(d, s), params: sliceParams(s)},
        ...(compactable(s.table) ? [{name: `undo_drop_notes_${i}`, sql: dropNotesStatement(d, s), params: sliceParams(s)}] : []),
      ])
    : [];
  // The index's note before the drops: a crash between two BigQuery jobs leaves kept rows of a range
  // marked back (retention drops them), never a range not marked back whose kept rows are gone.
  return [...restored, {name: 'undo_mark', sql: markUndoneStatement(d)}, ...drops];
}

async function putBack(options: UndoOptions, step: ReplacedRange, undoRunId: string): Promise<number> {
  const {warehouse, policy} = options;
  const table = derivedTable(step.table);
  const params: Params = {
    ...rangeParams(step.start, step.end, undoRunId),
    undo_of: stringParam(step.runId),
    table_name: stringParam(step.table),
    ...(policy.mode === 'time-travel' ? {kept_at: timestampParam(step.keptAt)} : {}),
  };
  const result = await warehouse.replaceRange(table, restoredRows(warehouse.dialect, dataSlice(table), policy.mode), params, {
    lineage: 'keep',
    before: expansions(warehouse, table, policy),
    after: stepCompanions(warehouse, table, policy),
    job: {runId: undoRunId, processor: step.table, step: `${step.start}_${step.end}_undo`},
  });
  return result.rowsWritten;
}

/** Runs the plan's steps, dependants first, several at once, under the warehouse's lock; the history records it as a run. */
export async function executeUndo(options: UndoOptions): Promise<UndoOutcome> {
  const {warehouse, stateDir, plan} = options;
  const key = warehouse.description;
  const undoRunId = newUndoId();
  const lock = acquireLock(stateDir, key, {range: plan.range, runId: undoRunId});
  const store = new StateStore(stateDir);
  const record: RunRecord = {
    runId: undoRunId,
    kind: 'undo',
    undoOf: plan.runId,
    range: plan.range,
    processors: [...plan.tables],
    startedAt: new Date().toISOString(),
    finishedAt: null,
    state: 'running',
    jobs: 0,
    batches: [],
  };
  let stepsDone = 0;
  let rows = 0;
  let error: string | null = null;
  let next = 0;
  /** One worker: takes the next step until none is left, the undo is stopped, or a step failed. */
  const work = async () => {
    while (next < plan.steps.length && !options.signal?.aborted && error === null) {
      const step = plan.steps[next++];
      const started = Date.now();
      const batch = (status: BatchRecord['status'], written: number, failure?: string): BatchRecord => ({
        processor: step.table, start: step.start, end: step.end, dates: 0, rows: written, durationMs: Date.now() - started, attempts: 1, status, ...(failure ? {error: failure} : {}),
      });
      try {
        const written = await putBack(options, step, undoRunId);
        stepsDone++;
        rows += written;
        record.batches.push(batch('done', written));
        options.onStep?.({step, index: stepsDone, total: plan.steps.length, rows: written, durationMs: Date.now() - started});
      } catch (failure) {
        // The step rolled back (or, on BigQuery, its MERGE never ran or its note is still to write:
        // `undo` again redoes it); no new step starts, the ones in flight finish.
        error ??= `${shortName(step.table)} ${step.start}..${step.end}: ${describeError(failure)}`;
        record.batches.push(batch('failed', 0, error));
      } finally {
        record.jobs = record.batches.length;
        store.saveRecord(key, record);
      }
    }
  };
  try {
    store.saveRecord(key, record);
    // An interrupted run being undone must not resume afterwards and write its ranges again.
    if (store.active(key)?.runId === plan.runId) store.setActive(key, null);
    await Promise.all(Array.from({length: Math.max(1, Math.min(options.workers ?? DEFAULT_UNDO_WORKERS, plan.steps.length))}, work));
    const state = error ? 'failed' : stepsDone === plan.steps.length ? 'completed' : 'interrupted';
    record.state = state;
    record.finishedAt = new Date().toISOString();
    store.saveRecord(key, record);
    if (state === 'completed') await pruneKeptRows(warehouse, options.policy).catch(() => undefined);
    return {undoRunId, state, stepsDone, rows, error};
  } finally {
    lock.release();
  }
}
