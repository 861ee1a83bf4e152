// The scheduler loop: starts ready batches of the graph within each processor's worker limit
// (lowered on quota errors by its ConcurrencyControl) and the global one, earliest dates first
// (latest first for a newest-first plan); retries with backoff timers; applies pause, cancel and
// stop to the batches in flight; pauses every processor when the billed bytes reach the budget
// (spend.ts); ends the run when nothing left may start. It decides when a batch moves and moves it only through the
// transition function; what follows from a move (readiness, failures downstream) is the graph's.
import type {DerivedTableName} from '../catalog/types.js';
import type {AttemptOutcome, AttemptRecord} from '../state/attempts.js';
import type {JobStatistics, Warehouse} from '../warehouse/types.js';
import {classifyError, describeError} from '../warehouse/errors.js';
import {attemptRecord} from './attempt-record.js';
import type {BuildRecorder} from '../freshness/recorder.js';
import {addChanges, type ChangeReport, type TableChanges} from '../undo/changes.js';
import type {BatchKeeper} from '../undo/keeper.js';
import {executeBatch, type BatchResult} from './execute.js';
import type {ExternalRun} from './external.js';
import type {BatchGraph} from './graph.js';
import type {Plan, ProcessorPlan} from './plan.js';
import {ConcurrencyControl, mayRetry, retryDelay, type RetryPolicy} from './retry.js';
import {runSnapshot} from './snapshot.js';
import type {SpendMeter} from './spend.js';
import {ThroughputSeries} from './throughput.js';
import {transitions, type Attempts, type RunEventDraft, type SettledBatch, type Transit} from './transitions.js';
import {isRunActive, type RunSnapshot, type RunState} from './types.js';

/** One processor of the run: its limits, its intents, what it did. */
export interface ProcessorRun {
  readonly plan: ProcessorPlan;
  readonly control: ConcurrencyControl;
  /** Ids of its batches in flight. */
  readonly running: Set<number>;
  paused: boolean;
  cancelled: boolean;
  retries: number;
  rows: number;
  /** What its batches changed so far (null until one finished with a keeper). */
  changes: TableChanges | null;
  firstStartedAt: number | null;
  lastFinishedAt: number | null;
  lastError: string | null;
  /** Dates per second over the last minutes (the console's sparkline). */
  readonly series: ThroughputSeries;
}

/** A batch's attempts and what is in flight for it. */
interface BatchRun extends Attempts {
  attempt: number;
  rows: number;
  changes: TableChanges | null;
  durationMs: number;
  statistics: JobStatistics | null;
  abort: AbortController | null;
  external: ExternalRun | null;
  timer: NodeJS.Timeout | null;
}

export interface SchedulerOptions {
  readonly runId: string;
  readonly plan: Plan;
  readonly graph: BatchGraph;
  readonly warehouse: Warehouse;
  /** Writes each batch's build records with its rows. */
  readonly recorder?: BuildRecorder;
  /** Keeps what batches replace and reports what they changed (src/undo); absent: neither. */
  readonly keeper?: BatchKeeper;
  readonly retry: RetryPolicy;
  readonly paused: ReadonlySet<DerivedTableName>;
  readonly stopWhenOnlyPaused: boolean;
  /** What the batches billed and the budget; null where the engine bills nothing. */
  readonly spend: SpendMeter | null;
  readonly random?: () => number;
  readonly emit: (event: RunEventDraft) => void;
  readonly onBatchSettled?: (batch: SettledBatch) => void;
  readonly onPausedChanged?: (names: readonly DerivedTableName[], paused: boolean) => void;
  /** Every attempt as it ends, for the history (src/state/attempts.ts). */
  readonly onAttempt?: (attempt: AttemptRecord) => void;
  /** Past dates per second per processor (the history): the ETA before this run measured its own. */
  readonly pastRates?: ReadonlyMap<DerivedTableName, number>;
  /** Interval of the throughput series (default 10 s). */
  readonly throughputIntervalMs?: number;
  readonly onFinished: (snapshot: RunSnapshot) => void;
}

export class Scheduler {
  readonly processors: readonly ProcessorRun[];
  private readonly byName = new Map<DerivedTableName, ProcessorRun>();
  private readonly batches: BatchRun[];
  private readonly graph: BatchGraph;
  private readonly transit: Transit;
  private state: RunState = 'idle';
  private startedAt: string | null = null;
  private finishedAt: string | null = null;
  private cancelAll = false;
  private stopping = false;
  private inFlight = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.graph = options.graph;
    this.processors = options.plan.processors.map((plan) => {
      const proc: ProcessorRun = {
        plan,
        control: new ConcurrencyControl(plan.workers, options.retry.raiseAfter),
        running: new Set(),
        paused: options.paused.has(plan.name),
        cancelled: false,
        retries: 0,
        rows: 0,
        changes: null,
        firstStartedAt: null,
        lastFinishedAt: null,
        lastError: null,
        series: new ThroughputSeries(options.throughputIntervalMs),
      };
      this.byName.set(plan.name, proc);
      return proc;
    });
    this.batches = Array.from({length: this.graph.size}, () => ({attempt: 0, rows: 0, changes: null, durationMs: 0, statistics: null, abort: null, external: null, timer: null}));
    this.transit = transitions({graph: this.graph, attempts: (id) => this.batches[id], emit: options.emit, onBatchSettled: options.onBatchSettled});
  }

  processor(name: DerivedTableName): ProcessorRun | undefined {
    return this.byName.get(name);
  }

  snapshot(): RunSnapshot {
    return runSnapshot({
      runId: this.options.runId,
      state: this.state,
      range: this.options.plan.range,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      processors: this.processors,
      graph: this.graph,
      attempt: (id) => this.batches[id].attempt,
      spend: this.options.spend,
      pastRates: this.options.pastRates,
      changes: this.changes(),
    });
  }

  /** Per processor, what its finished batches changed; null when nothing is kept (no report). */
  private changes(): ChangeReport | null {
    if (!this.options.keeper?.active) return null;
    return Object.fromEntries(this.processors.filter((p) => p.changes).map((p) => [p.plan.name, p.changes]));
  }

  /** Fails what can never run (its inputs neither covered nor planned), then starts what can start. */
  start(): void {
    this.state = 'running';
    this.startedAt = new Date().toISOString();
    const {plan} = this.options;
    this.options.emit({type: 'run-started', range: plan.range ?? plan.requested, processors: plan.processors.map((p) => p.name), batches: this.graph.size});
    for (const proc of this.processors) if (proc.paused) this.options.emit({type: 'processor-paused', processor: proc.plan.name});
    for (const {id, reason} of this.graph.blocked()) if (this.graph.state(id) === 'waiting') this.transit(id, {to: 'failed', error: reason});
    this.schedule();
  }

  pause(targets: readonly ProcessorRun[], all: boolean): void {
    const changed: DerivedTableName[] = [];
    for (const proc of targets) {
      if (proc.paused || proc.cancelled) continue;
      proc.paused = true;
      changed.push(proc.plan.name);
      // External commands are stopped in place (SIGSTOP); a SQL query is cancelled and its batch
      // goes back to the queue, so that a pause takes effect now rather than after a season's batch.
      for (const id of proc.running) {
        if (proc.plan.command) this.batches[id].external?.pause();
        else this.batches[id].abort?.abort('pause');
      }
      this.options.emit({type: 'processor-paused', processor: proc.plan.name});
    }
    this.pausedChanged(changed, all, true);
  }

  resume(targets: readonly ProcessorRun[], all: boolean): void {
    const changed: DerivedTableName[] = [];
    for (const proc of targets) {
      if (!proc.paused) continue;
      proc.paused = false;
      changed.push(proc.plan.name);
      for (const id of proc.running) this.batches[id].external?.resume();
      this.options.emit({type: 'processor-resumed', processor: proc.plan.name});
    }
    this.pausedChanged(changed, all, false);
    this.schedule();
  }

  private pausedChanged(changed: DerivedTableName[], all: boolean, paused: boolean): void {
    const names = all ? this.processors.map((p) => p.plan.name) : changed;
    if (names.length) this.options.onPausedChanged?.(names, paused);
  }

  cancel(targets: readonly ProcessorRun[], all: boolean): void {
    if (all) this.cancelAll = true;
    for (const proc of targets) {
      if (proc.cancelled) continue;
      proc.cancelled = true;
      this.options.emit({type: 'processor-cancelled', processor: proc.plan.name});
      for (const id of this.graph.idsOf(proc.plan.name)) {
        const state = this.graph.state(id);
        if (state === 'running') this.batches[id].abort?.abort();
        else if (state === 'waiting' || state === 'ready' || state === 'backoff') {
          this.clearTimer(id);
          this.transit(id, {to: 'cancelled', reason: 'cancelled'});
        }
      }
    }
    this.schedule();
  }

  /** Stops starting batches; in-flight ones finish; the run ends 'interrupted' (resumable). */
  stop(): void {
    if (this.state === 'idle') this.stopping = true; // start() will then end at once, resumable
    if (this.state !== 'running') return;
    this.stopping = true;
    this.state = 'stopping';
    for (const [id, batch] of this.batches.entries()) {
      if (this.graph.state(id) === 'backoff' && batch.timer) {
        this.clearTimer(id);
        this.transit(id, {to: 'ready'});
      }
      batch.external?.resume(); // a stopped child must run to the end of its batch
    }
    this.schedule();
  }

  private clearTimer(id: number): void {
    const batch = this.batches[id];
    if (batch.timer) clearTimeout(batch.timer);
    batch.timer = null;
  }

  /** Starts ready batches, earliest dates first (or latest), within the limits; ends the run when nothing is left. */
  private schedule(): void {
    if (!isRunActive(this.state)) return; // not started yet, or over
    if (!this.stopping && !this.cancelAll) {
      const newest = this.options.plan.order === 'newest-first';
      // Ties go to the processor first in plan order (upstream first) either way.
      const before = (a: number, b: number) => (newest ? this.graph.batch(a).end > this.graph.batch(b).end : this.graph.batch(a).start < this.graph.batch(b).start);
      while (this.inFlight < this.options.plan.globalWorkers) {
        let best: number | undefined;
        for (const proc of this.processors) {
          if (proc.paused || proc.cancelled || proc.running.size >= proc.control.current) continue;
          const next = newest ? this.graph.lastReady(proc.plan.name) : this.graph.firstReady(proc.plan.name);
          if (next !== undefined && (best === undefined || before(next, best))) best = next;
        }
        if (best === undefined) break;
        void this.run(best);
      }
    }
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (!isRunActive(this.state)) return;
    if (this.inFlight > 0 || this.graph.tally('backoff').batches > 0) return;
    const open = this.graph.open();
    const anyPaused = this.processors.some((p) => p.paused);
    let state: RunState;
    if (open === 0) {
      state = this.graph.tally('failed').batches > 0 ? 'failed' : this.cancelAll ? 'cancelled' : 'completed';
    } else if (this.stopping) {
      state = 'interrupted';
    } else if (!anyPaused && !this.cancelAll && this.graph.tally('ready').batches === 0) {
      // Nothing runs, nothing is held, nothing can start: the inputs these wait for will never
      // come (a safety net; the gates should have said so already). Fail them rather than hang.
      for (const id of this.graph.idsIn('waiting')) {
        if (this.graph.state(id) === 'waiting') this.transit(id, {to: 'failed', error: 'its inputs can no longer be built in this run'});
      }
      this.maybeFinish();
      return;
    } else if (this.options.stopWhenOnlyPaused && anyPaused) {
      // Only held work is left and nobody may resume it here: keep it for the next run.
      const held = this.processors.filter((p) => p.paused).map((p) => p.plan.short).join(', ');
      this.options.emit({type: 'log', level: 'warn', message: `${open} batches wait on paused processors (${held}); resume them to finish`});
      state = 'interrupted';
    } else {
      return; // paused work: wait for an intent
    }
    this.state = state;
    this.finishedAt = new Date().toISOString();
    const snapshot = this.snapshot();
    this.options.emit({type: 'run-finished', state, snapshot});
    this.options.onFinished(snapshot);
  }

  private async run(id: number): Promise<void> {
    const plan = this.graph.batch(id);
    const proc = this.byName.get(plan.processor)!;
    const batch = this.batches[id];
    batch.attempt++;
    const abort = (batch.abort = new AbortController());
    proc.running.add(id);
    this.inFlight++;
    proc.firstStartedAt ??= Date.now();
    proc.series.start(proc.firstStartedAt);
    this.transit(id, {to: 'running'});
    const started = Date.now();
    let outcome: BatchResult | {error: unknown};
    try {
      const work = {processor: plan.processor, start: plan.start, end: plan.end, dates: plan.dates, attempt: batch.attempt, runId: this.options.runId};
      outcome = await executeBatch(work, {
        warehouse: this.options.warehouse,
        ...(this.options.keeper ? {keeper: this.options.keeper} : {}),
        signal: abort.signal,
        command: proc.plan.command,
        ...(this.options.recorder ? {recorder: this.options.recorder} : {}),
        onOutput: (stream, line) => this.options.emit({type: 'external-output', processor: plan.processor, stream, line}),
        onExternal: (child) => {
          batch.external = child;
          if (child && proc.paused) child.pause();
        },
      });
    } catch (error) {
      outcome = {error};
    }
    const durationMs = Date.now() - started;
    batch.durationMs += durationMs;
    proc.running.delete(id);
    this.inFlight--;
    batch.abort = null;
    const abortedBy = abort.signal.aborted ? (abort.signal.reason === 'pause' ? 'pause' : 'cancel') : null;
    const attempt = batch.attempt;
    const report = (ended: AttemptOutcome, extra: {rows?: number; statistics?: JobStatistics; error?: unknown} = {}) =>
      this.options.onAttempt?.(attemptRecord({runId: this.options.runId, batch: plan, attempt, startedAt: started, durationMs, outcome: ended, ...extra, ...(extra.error !== undefined ? {kind: classifyError(extra.error)} : {})}));

    if ('rows' in outcome) {
      batch.rows = outcome.rows;
      batch.statistics = outcome.statistics;
      batch.changes = outcome.changes;
      proc.rows += outcome.rows;
      if (outcome.changes) proc.changes = addChanges(proc.changes, outcome.changes);
      proc.lastFinishedAt = Date.now();
      proc.series.record(plan.dates.length, proc.lastFinishedAt);
      report('done', outcome);
      this.transit(id, {to: 'done', rows: outcome.rows, durationMs, statistics: outcome.statistics});
      const raised = proc.control.onSuccess();
      if (raised) this.options.emit({type: 'concurrency-changed', processor: plan.processor, ...raised, reason: 'no quota error lately'});
      if (this.options.spend?.record(plan.processor, outcome.statistics)) this.budgetReached();
    } else if (abortedBy === 'pause' && !proc.cancelled) {
      // Rolled back by the engine (or committed just before: rerunning it is idempotent).
      batch.attempt--;
      report('requeued');
      this.transit(id, {to: 'ready'});
      this.log(plan.processor, `${proc.plan.short} ${plan.start} → ${plan.end}: query cancelled by the pause; it runs again on resume`);
    } else if (abortedBy) {
      report('cancelled');
      this.transit(id, {to: 'cancelled', reason: 'cancelled'});
    } else {
      report(this.failed(id, proc, outcome.error), {error: outcome.error});
    }
    this.schedule();
  }

  /** The billed bytes reached the budget: every processor pauses, resumably (the operator resumes past it). */
  private budgetReached(): void {
    const spend = this.options.spend!.run();
    this.options.emit({type: 'budget-paused', budget: spend.budget!, billed: spend.bytesBilled ?? 0, estimate: spend.estimate});
    this.pause(this.processors, true);
  }

  private log(processor: DerivedTableName, message: string): void {
    this.options.emit({type: 'log', level: 'info', message, processor});
  }

  /** An attempt failed: retry after a delay, requeue when stopping, or fail the batch for good (what it did). */
  private failed(id: number, proc: ProcessorRun, error: unknown): AttemptOutcome {
    const batch = this.batches[id];
    const plan = this.graph.batch(id);
    const kind = classifyError(error);
    const message = describeError(error);
    proc.lastError = message;
    const {retry} = this.options;
    if (kind !== 'permanent' && mayRetry(retry, batch.attempt, kind) && !this.stopping) {
      if (kind === 'quota') {
        const lowered = proc.control.onQuota();
        if (lowered) this.options.emit({type: 'concurrency-changed', processor: plan.processor, ...lowered, reason: `quota: ${message}`});
      }
      const delayMs = retryDelay(retry, batch.attempt, kind, this.options.random);
      proc.retries++;
      this.transit(id, {to: 'backoff', error: message, kind, delayMs});
      batch.timer = setTimeout(() => {
        batch.timer = null;
        if (this.graph.state(id) !== 'backoff') return;
        this.transit(id, {to: 'ready'});
        this.schedule();
      }, delayMs);
      return 'retry';
    }
    if (kind !== 'permanent' && this.stopping) {
      this.transit(id, {to: 'ready'}); // stopping: left for the resumed run rather than failed
      return 'requeued';
    }
    const log = `${proc.plan.short} ${plan.start} → ${plan.end} failed (${kind}): ${message}`;
    this.transit(id, {to: 'failed', error: message, log});
    return 'failed';
  }
}
