/**
 * The runner: plans a backfill and runs it, with no knowledge of any screen.
 *
 *   planRun({warehouse, config, boundary, request}) → Plan        what would run (`--dry-run`);
 *   formatPlan(plan) → string[]                                    the plan as text;
 *   startRun({warehouse, stateDir, config, boundary, request, resume?, plan?}) → LocalRun (a RunHandle):
 *       takes the warehouse's lock (WarehouseBusyError names the holder), plans (or takes the
 *       given plan as it is: what the operator approved is what runs), and runs on the next tick,
 *       so subscribing right after `await startRun(...)` sees every event.
 *       handle.subscribe(event => ...), handle.getSnapshot(), handle.send({type: 'pause', processor}),
 *       handle.stop() (after in-flight batches; resumable), handle.finished → final RunSnapshot;
 *   findInterruptedRun(stateDir, warehouseKey) → ActiveRun | null   a run a crash, kill or quit left
 *       unfinished, to offer for resumption: `startRun({..., resume: thatRun})`;
 *   abandonInterruptedRun(stateDir, key) → forgets it instead (the operator cancelled it);
 *   warehouseKey(warehouse) → the key the lock and the state store use for a warehouse.
 *
 * Paused flags live in the state store per warehouse and hold a processor across restarts
 * (`pausedProcessors`, `setPaused`). Errors are classified at the warehouse boundary (warehouse/errors.ts). Batches hold up to a
 * season of game dates by default (defaults.ts) and never span two seasons (plan.ts).
 * Run states: completed; failed (a batch failed permanently, the rest ran); cancelled (cancel of
 * all); interrupted (stop(), or `stopWhenOnlyPaused` with only paused work left: resumable);
 * isRunActive / isRunFinished (types.ts) are the one test of "in flight" and "over".
 */
import {randomBytes} from 'node:crypto';
import type {DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';
import {addDays, type IsoDate} from '../dates.js';
import {BuildRecorder} from '../freshness/recorder.js';
import {AttemptLog, readAttempts} from '../state/attempts.js';
import {acquireLock, lockHolder, type WarehouseLock} from '../state/lock.js';
import {StateStore, type ActiveRun, type RunRecord} from '../state/store.js';
import type {Warehouse} from '../warehouse/types.js';
import {describeError} from '../warehouse/errors.js';
import type {JobStatistics} from '../warehouse/types.js';
import {checkBudget, planEstimate} from './budget.js';
import {applyRetention, keeperFor} from '../undo/run-hooks.js';
import {CountingWarehouse} from './counting.js';
import {pastRates} from './estimate.js';
import {RunJournal} from './journal.js';
import {reprocessOf} from './request.js';
import {planBatchCount, planRun, type Plan} from './plan.js';
import {DEFAULT_RETRY, type RetryPolicy} from './retry.js';
import {SpendMeter} from './spend.js';
import {Supervisor} from './supervisor.js';
import type {RunEvent, RunHandle, RunIntent, RunRequest, RunSnapshot} from './types.js';

export {classifyError, describeError, type ErrorKind} from '../warehouse/errors.js';
export {DEFAULT_BATCH_SIZE, DEFAULT_GLOBAL_WORKERS, DEFAULT_PROCESSOR_WORKERS} from './defaults.js';
export {formatPlan, planBatchCount, planRun, planSummary, type MissingInput, type Plan, type PlannedBatch, type ProcessorPlan} from './plan.js';
export type {BatchIdRun, UnplannedInput} from './gates.js';
export {LookbackIndex, type CoverageLookback, type LookbackBlocker} from './lookback.js';
export {isRunActive, isRunFinished} from './types.js';
export {DEFAULT_RETRY, type RetryPolicy} from './retry.js';
export {BudgetError, budgetRefusal, checkBudget, checkRequestBudget, estimateRunCost, formatBudget} from './budget.js';
export {addSpend, NO_SPEND, spendOf} from './spend.js';
export {estimateDuration, estimateLines, pastRates, type DurationEstimate, type ProcessorEstimate} from './estimate.js';
export {cascadesOf, REPROCESS_MODES, reprocessOf, sameRequest, withRunDefaults} from './request.js';
export {cascadeLine, NEWEST_FIRST} from './plan.js';
export {acquireLock, describeHolder, lockHolder, type LockHolder, type WarehouseLock} from '../state/lock.js';
export type {ActiveRun, RunRecord} from '../state/store.js';
export type * from './types.js';

export interface StartRunOptions {
  readonly warehouse: Warehouse;
  readonly stateDir: string;
  readonly config: Config;
  readonly boundary: IsoDate;
  /** Ignored when `resume` or `plan` is given: the interrupted run's own request is continued. */
  readonly request: RunRequest;
  readonly resume?: ActiveRun;
  /**
   * Runs exactly this plan (from planRun, maybe shown to and approved by the operator) instead
   * of planning here: its request and boundary are the run's. With `resume`, the plan continues
   * that run (its id, its history, what it already built).
   */
  readonly plan?: Plan;
  readonly retry?: Partial<RetryPolicy>;
  /**
   * Headless runs nobody can resume from: end ('interrupted', resumable) when only paused
   * processors' work is left, instead of waiting for a resume intent.
   */
  readonly stopWhenOnlyPaused?: boolean;
  /** Interval of each processor's throughput series (default 10 s; tests shorten it). */
  readonly throughputIntervalMs?: number;
  /** Where a history write that failed is said (once): the run goes on without it. */
  readonly onHistoryError?: (error: unknown) => void;
}

/** A run in this process. */
export interface LocalRun extends RunHandle {
  readonly runId: string;
  readonly plan: Plan;
  /** Stops after the in-flight batches; the run stays resumable. */
  stop(): Promise<RunSnapshot>;
  /** Warehouse jobs issued so far (planning included). */
  jobs(): number;
}

export function warehouseKey(warehouse: Warehouse): string {
  return warehouse.description;
}

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** The run a crash, a kill or a quit left unfinished on this warehouse, if no live process holds it. */
export function findInterruptedRun(stateDir: string, key: string): ActiveRun | null {
  const active = new StateStore(stateDir).active(key);
  if (!active) return null;
  if (lockHolder(stateDir, key)) return null; // it is running right now
  return active;
}

export function pausedProcessors(stateDir: string, key: string): DerivedTableName[] {
  return new StateStore(stateDir).paused(key);
}

/** The warehouse's run history (what `--reprocess failed` plans from). */
export function runHistory(stateDir: string, key: string): RunRecord[] {
  return new StateStore(stateDir).history(key);
}

/** Pauses or resumes processors for future runs (a live run takes intents instead). */
export function setPaused(stateDir: string, key: string, names: readonly DerivedTableName[], paused: boolean): void {
  new StateStore(stateDir).setPaused(key, names, paused);
}

export async function startRun(options: StartRunOptions): Promise<LocalRun> {
  const store = new StateStore(options.stateDir);
  const key = warehouseKey(options.warehouse);
  const resume = options.resume;
  const request = options.plan?.request ?? resume?.request ?? options.request;
  const runId = resume?.runId ?? newRunId();
  const lock: WarehouseLock = acquireLock(options.stateDir, key, {range: request.range, runId});
  const warehouse = new CountingWarehouse(options.warehouse);
  const history = new AttemptLog(options.stateDir, key);
  let historyFailed = false;
  let supervisor: Supervisor;
  let plan: Plan;
  let journal: RunJournal;
  const notices: string[] = [];
  let keeper: Awaited<ReturnType<typeof keeperFor>>;
  try {
    // What the batches keep for undo (its tables created when missing) before anything is written.
    keeper = await keeperFor(warehouse, options.config);
    plan = options.plan ?? await planRun({
      warehouse,
      config: options.config,
      boundary: resume?.boundary ?? options.boundary,
      request,
      // A forced run rebuilds covered dates, so the warehouse cannot tell what it already did.
      alreadyDone: resume && reprocessOf(request) === 'all' ? (resume.done as Partial<Record<DerivedTableName, IsoDate[]>>) : {},
      history: store.history(key),
    });
    // Where the engine bills: the plan's estimate (for the status bar), which must fit a new run's budget.
    const cost = await planEstimate(warehouse, options.config, plan, (error) => notices.push(`no dry-run estimate of the plan (${describeError(error)}): spend is shown without one`));
    if (!resume) checkBudget(plan, cost);
    // What each batch records with its rows (read before the first batch: recorder.ts).
    const recorder = new BuildRecorder(warehouse, addDays(plan.boundary, -1));
    const previous = resume ? store.history(key).find((r) => r.runId === runId) : undefined;
    const spend = warehouse.engine === 'bigquery'
      ? new SpendMeter({processors: plan.processors.map((p) => p.name), budget: plan.request.budget ?? null, estimate: cost?.bytes ?? null, previous: previous?.batches})
      : null;
    journal = new RunJournal(store, key, {
      runId,
      boundary: plan.boundary,
      request: plan.request,
      billing: spend ? {estimate: spend.run().estimate, budget: spend.run().budget} : null,
      range: plan.range ?? plan.requested,
      batchesPlanned: planBatchCount(plan) + (resume?.batchesPlanned ?? 0),
      done: resume?.done,
      previous,
    });
    supervisor = new Supervisor({
      runId,
      plan,
      warehouse,
      recorder,
      keeper,
      retry: {...DEFAULT_RETRY, ...options.warehouse.retryDelays, ...options.retry},
      paused: store.paused(key),
      stopWhenOnlyPaused: options.stopWhenOnlyPaused ?? false,
      spend,
      pastRates: pastRates(readAttempts(options.stateDir, key)),
      ...(options.throughputIntervalMs ? {throughputIntervalMs: options.throughputIntervalMs} : {}),
      hooks: {
        // The history is a record, not the run: a state dir that stops taking writes is said once.
        onAttempt: (attempt) => {
          try {
            history.append(attempt);
          } catch (error) {
            if (!historyFailed) options.onHistoryError?.(error);
            historyFailed = true;
          }
        },
        onBatchSettled: (b) =>
          journal.batchSettled(b.processor, b.plan, {
            rows: b.rows,
            durationMs: b.durationMs,
            attempts: b.attempts,
            status: b.status,
            ...(b.error ? {error: b.error} : {}),
            ...statisticsFields(b.statistics),
            ...(b.changes ? {changes: b.changes} : {}),
          }),
        onPausedChanged: (names, paused) => store.setPaused(key, names, paused),
      },
    });
  } catch (error) {
    lock.release();
    throw error;
  }
  const done = supervisor.finished.then(async (snapshot) => {
    journal.setJobs(warehouse.jobs);
    journal.finish(snapshot.state);
    try {
      // Still under the lock: retention drops the kept rows of runs beyond the last N.
      await applyRetention(warehouse, keeper, (level, message) => supervisor.log(level, message));
    } finally {
      lock.release();
    }
    return snapshot;
  });
  setImmediate(() => {
    if (resume) supervisor.log('info', `resuming ${runId} (started ${resume.startedAt}): ${planBatchCount(plan)} batches left`);
    for (const notice of notices) supervisor.log('warn', notice);
    supervisor.start();
  });
  return {
    runId,
    plan,
    getSnapshot: () => supervisor.getSnapshot(),
    subscribe: (listener: (event: RunEvent) => void) => supervisor.subscribe(listener),
    send: (intent: RunIntent) => supervisor.send(intent),
    stop: async () => {
      await supervisor.stop();
      return done;
    },
    jobs: () => warehouse.jobs,
    finished: done,
  };
}

/** A batch's job statistics in its history record: only what the engine reported (nothing on DuckDB). */
function statisticsFields(statistics: JobStatistics | null): {bytesProcessed?: number | null; bytesBilled?: number | null; slotMs?: number | null; jobId?: string | null} {
  if (!statistics || (statistics.jobId === null && statistics.bytesBilled === null)) return {};
  const {jobId, bytesProcessed, bytesBilled, slotMs} = statistics;
  return {jobId, bytesProcessed, bytesBilled, slotMs};
}

/** Forgets an interrupted run (the operator chose not to resume it); returns what was forgotten. */
export function abandonInterruptedRun(stateDir: string, key: string): ActiveRun | null {
  const interrupted = findInterruptedRun(stateDir, key);
  if (interrupted) new StateStore(stateDir).setActive(key, null);
  return interrupted;
}
