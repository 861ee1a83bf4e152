// The supervisor: runs a plan's batches under each processor's worker limit and the global one,
// in dependency order per date. A batch waits only for the input dates it reads (lookback
// included), so phase 4 trails phase 3 date by date. Takes intents, publishes events; knows
// nothing of any screen.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {GameDate} from '../queries/coverage.js';
import type {Warehouse} from '../warehouse/types.js';
import {classifyError, describeError} from '../warehouse/errors.js';
import {executeBatch, type BatchWork} from './execute.js';
import type {ExternalRun} from './external.js';
import {requiredInputs} from './inputs.js';
import type {Plan, PlannedBatch, ProcessorPlan} from './plan.js';
import {ConcurrencyControl, mayRetry, retryDelay, type RetryPolicy} from './retry.js';
import type {BatchRef, LogLevel, ProcessorProgress, ProcessorStatus, RunEvent, RunIntent, RunSnapshot, RunState} from './types.js';

type BatchState = 'waiting' | 'ready' | 'backoff' | 'running' | 'done' | 'failed' | 'cancelled';

interface Batch {
  readonly plan: PlannedBatch;
  readonly proc: Proc;
  state: BatchState;
  attempt: number;
  /** Input dates (table|date) not built yet. */
  missing: number;
  rows: number;
  durationMs: number;
  error: string | null;
  abort: AbortController | null;
  /** Why the last attempt was aborted: a pause requeues the batch, a cancel ends it. */
  abortedBy: 'pause' | 'cancel' | null;
  external: ExternalRun | null;
  timer: NodeJS.Timeout | null;
}

interface Proc {
  readonly plan: ProcessorPlan;
  readonly batches: Batch[];
  readonly control: ConcurrencyControl;
  readonly running: Set<Batch>;
  paused: boolean;
  cancelled: boolean;
  retries: number;
  rows: number;
  datesDone: number;
  datesFailed: number;
  firstStartedAt: number | null;
  lastFinishedAt: number | null;
  lastError: string | null;
}

/** What the supervisor tells its owner (the journal of resume state). */
export interface SupervisorHooks {
  onBatchSettled?(batch: {processor: DerivedTableName; plan: PlannedBatch; status: 'done' | 'failed' | 'cancelled'; rows: number; durationMs: number; attempts: number; error: string | null}): void;
  onPausedChanged?(names: readonly DerivedTableName[], paused: boolean): void;
}

export interface SupervisorOptions {
  readonly runId: string;
  readonly plan: Plan;
  readonly warehouse: Warehouse;
  readonly retry: RetryPolicy;
  /** Processors paused before the run began (persisted flags). */
  readonly paused: readonly DerivedTableName[];
  /** End the run (state 'interrupted') when only paused processors' work is left. */
  readonly stopWhenOnlyPaused: boolean;
  readonly hooks?: SupervisorHooks;
  readonly random?: () => number;
}

const key = (table: DerivedTableName, date: IsoDate) => `${table}|${date}`;

export class Supervisor {
  private readonly procs: Proc[];
  private readonly byName = new Map<DerivedTableName, Proc>();
  /** Which batch of this run builds table|date. */
  private readonly provider = new Map<string, Batch>();
  /** Batches waiting for table|date. */
  private readonly waiters = new Map<string, Batch[]>();
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private state: RunState = 'idle';
  private startedAt: string | null = null;
  private finishedAt: string | null = null;
  private cancelAll = false;
  private stopping = false;
  private inFlight = 0;
  private resolveFinished!: (snapshot: RunSnapshot) => void;
  readonly finished: Promise<RunSnapshot>;

  constructor(private readonly options: SupervisorOptions) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    const paused = new Set(options.paused);
    this.procs = options.plan.processors.map((plan) => {
      const proc: Proc = {
        plan,
        batches: [],
        control: new ConcurrencyControl(plan.workers, options.retry.raiseAfter),
        running: new Set(),
        paused: paused.has(plan.name),
        cancelled: false,
        retries: 0,
        rows: 0,
        datesDone: 0,
        datesFailed: 0,
        firstStartedAt: null,
        lastFinishedAt: null,
        lastError: null,
      };
      for (const p of plan.batches) {
        proc.batches.push({plan: p, proc, state: 'waiting', attempt: 0, missing: 0, rows: 0, durationMs: 0, error: null, abort: null, abortedBy: null, external: null, timer: null});
      }
      this.byName.set(plan.name, proc);
      return proc;
    });
    for (const proc of this.procs) for (const b of proc.batches) for (const d of b.plan.dates) this.provider.set(key(proc.plan.name, d), b);
  }

  get runId(): string {
    return this.options.runId;
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: RunEvent extends infer E ? (E extends unknown ? Omit<E, 'time' | 'runId'> : never) : never): void {
    const full = {...event, time: new Date().toISOString(), runId: this.options.runId} as RunEvent;
    for (const listener of [...this.listeners]) {
      try {
        listener(full);
      } catch {
        // a broken subscriber must not break the run
      }
    }
  }

  log(level: LogLevel, message: string, processor?: DerivedTableName): void {
    this.emit({type: 'log', level, message, ...(processor ? {processor} : {})});
  }

  /** Wires the dependency gates, then starts what can start. */
  start(): void {
    this.state = 'running';
    this.startedAt = new Date().toISOString();
    const {plan} = this.options;
    const calendar = plan.calendar;
    const batches = this.procs.reduce((s, p) => s + p.batches.length, 0);
    this.emit({
      type: 'run-started',
      range: plan.range ?? plan.requested,
      processors: plan.processors.map((p) => p.name),
      batches,
    });
    for (const proc of this.procs) if (proc.paused) this.emit({type: 'processor-paused', processor: proc.plan.name});

    const byDate = new Map(calendar.map((g) => [g.date, g]));
    const missing = new Map<DerivedTableName, Map<DerivedTableName, Set<IsoDate>>>();
    for (const m of plan.missing) {
      if (!missing.has(m.processor)) missing.set(m.processor, new Map());
      missing.get(m.processor)!.set(m.input, new Set(m.dates));
    }
    const blocked: [Batch, string][] = [];
    for (const proc of this.procs) {
      const table = derivedTable(proc.plan.name);
      for (const batch of proc.batches) {
        const dates = batch.plan.dates.map((d) => byDate.get(d)).filter((g): g is GameDate => g !== undefined);
        const absent: string[] = [];
        for (const [input, needed] of requiredInputs(table, dates, calendar)) {
          const lacking = missing.get(proc.plan.name)?.get(input);
          let count = 0;
          for (const date of needed) {
            const source = this.provider.get(key(input, date));
            if (source && source !== batch) {
              batch.missing++;
              const k = key(input, date);
              if (!this.waiters.has(k)) this.waiters.set(k, []);
              this.waiters.get(k)!.push(batch);
            } else if (!source && lacking?.has(date)) count++;
          }
          if (count) absent.push(`${derivedTable(input).short} on ${count} date${count > 1 ? 's' : ''}`);
        }
        if (absent.length) blocked.push([batch, `inputs not covered and not planned: ${absent.join(', ')}`]);
        else if (batch.missing === 0) batch.state = 'ready';
      }
    }
    // Failed only once every gate is wired, so that their dependants learn it too.
    for (const [batch, why] of blocked) {
      this.emit({type: 'batch-failed', batch: this.ref(batch), error: why});
      this.settle(batch, 'failed', why);
    }
    this.schedule();
  }

  send(intent: RunIntent): void {
    const targets = intent.processor ? [this.byName.get(intent.processor)].filter((p): p is Proc => !!p) : this.procs;
    if (intent.processor && targets.length === 0) {
      // Not in this run: still remember a pause, so that the next run holds it.
      if (intent.type !== 'cancel') this.options.hooks?.onPausedChanged?.([intent.processor], intent.type === 'pause');
      this.log('info', `${derivedTable(intent.processor).short} is not part of this run; its ${intent.type} flag is saved`, intent.processor);
      return;
    }
    if (intent.type === 'pause') this.pause(targets, intent.processor === undefined);
    else if (intent.type === 'resume') this.resume(targets, intent.processor === undefined);
    else this.cancel(targets, intent.processor === undefined);
  }

  private pause(targets: Proc[], all: boolean): void {
    const changed: DerivedTableName[] = [];
    for (const proc of targets) {
      if (proc.paused || proc.cancelled) continue;
      proc.paused = true;
      changed.push(proc.plan.name);
      // External commands are stopped in place (SIGSTOP); a SQL query is cancelled and its batch
      // goes back to the queue, so that a pause takes effect now rather than after a season's batch.
      for (const b of proc.running) {
        if (proc.plan.command) b.external?.pause();
        else b.abort?.abort('pause');
      }
      this.emit({type: 'processor-paused', processor: proc.plan.name});
    }
    if (all) changed.splice(0, changed.length, ...this.procs.map((p) => p.plan.name));
    if (changed.length) this.options.hooks?.onPausedChanged?.(changed, true);
  }

  private resume(targets: Proc[], all: boolean): void {
    const changed: DerivedTableName[] = [];
    for (const proc of targets) {
      if (!proc.paused) continue;
      proc.paused = false;
      changed.push(proc.plan.name);
      for (const b of proc.running) b.external?.resume();
      this.emit({type: 'processor-resumed', processor: proc.plan.name});
    }
    if (all) changed.splice(0, changed.length, ...this.procs.map((p) => p.plan.name));
    if (changed.length) this.options.hooks?.onPausedChanged?.(changed, false);
    this.schedule();
  }

  private cancel(targets: Proc[], all: boolean): void {
    if (all) this.cancelAll = true;
    for (const proc of targets) {
      if (proc.cancelled) continue;
      proc.cancelled = true;
      this.emit({type: 'processor-cancelled', processor: proc.plan.name});
      for (const b of proc.batches) {
        if (b.state === 'running') b.abort?.abort();
        else if (b.state === 'waiting' || b.state === 'ready' || b.state === 'backoff') this.settle(b, 'cancelled', 'cancelled');
      }
    }
    this.schedule();
  }

  /** Stops starting batches; in-flight ones finish; the run ends 'interrupted' (resumable). */
  stop(): Promise<RunSnapshot> {
    if (this.state === 'idle') this.stopping = true; // start() will then end at once, resumable
    if (this.state === 'running') {
      this.stopping = true;
      this.state = 'stopping';
      for (const proc of this.procs) {
        for (const b of proc.batches) {
          if (b.state === 'backoff' && b.timer) {
            clearTimeout(b.timer);
            b.timer = null;
            b.state = 'ready';
          }
          b.external?.resume(); // a stopped child must run to the end of its batch
        }
      }
      this.schedule();
    }
    return this.finished;
  }

  private globalRunning(): number {
    return this.inFlight;
  }

  /** Starts ready batches, earliest dates first, within the limits; ends the run when nothing is left. */
  private schedule(): void {
    if (this.finishedAt) return;
    if (!this.stopping && !this.cancelAll) {
      for (;;) {
        if (this.globalRunning() >= this.options.plan.globalWorkers) break;
        let best: Batch | null = null;
        for (const proc of this.procs) {
          if (proc.paused || proc.cancelled || proc.running.size >= proc.control.current) continue;
          const next = proc.batches.find((b) => b.state === 'ready');
          if (next && (!best || next.plan.start < best.plan.start)) best = next;
        }
        if (!best) break;
        void this.run(best);
      }
    }
    this.maybeFinish();
  }

  private maybeFinish(): void {
    if (this.finishedAt || this.state === 'idle') return;
    if (this.inFlight > 0) return;
    const open = this.procs.flatMap((p) => p.batches).filter((b) => b.state !== 'done' && b.state !== 'failed' && b.state !== 'cancelled');
    if (open.some((b) => b.state === 'backoff')) return;
    let state: RunState;
    if (open.length === 0) {
      const failed = this.procs.some((p) => p.batches.some((b) => b.state === 'failed'));
      state = failed ? 'failed' : this.cancelAll ? 'cancelled' : 'completed';
    } else if (this.stopping) {
      state = 'interrupted';
    } else if (!this.procs.some((p) => p.paused) && !this.cancelAll && !open.some((b) => b.state === 'ready')) {
      // Nothing runs, nothing is held, nothing can start: the inputs these wait for will never
      // come (a safety net; the gates should have said so already). Fail them rather than hang.
      for (const b of open) {
        const why = 'its inputs can no longer be built in this run';
        this.emit({type: 'batch-failed', batch: this.ref(b), error: why});
        this.settle(b, 'failed', why);
      }
      this.maybeFinish();
      return;
    } else if (this.options.stopWhenOnlyPaused && this.procs.some((p) => p.paused)) {
      // Only held work is left and nobody may resume it here: keep it for the next run.
      const held = this.procs.filter((p) => p.paused).map((p) => p.plan.short).join(', ');
      this.log('warn', `${open.length} batches wait on paused processors (${held}); resume them to finish`);
      state = 'interrupted';
    } else {
      return; // paused work: wait for an intent
    }
    this.state = state;
    this.finishedAt = new Date().toISOString();
    const snapshot = this.getSnapshot();
    this.emit({type: 'run-finished', state, snapshot});
    this.resolveFinished(snapshot);
  }

  private ref(batch: Batch): BatchRef {
    return {processor: batch.proc.plan.name, start: batch.plan.start, end: batch.plan.end, dates: batch.plan.dates.length, attempt: batch.attempt};
  }

  private async run(batch: Batch): Promise<void> {
    const proc = batch.proc;
    batch.state = 'running';
    batch.attempt++;
    batch.abort = new AbortController();
    proc.running.add(batch);
    this.inFlight++;
    proc.firstStartedAt ??= Date.now();
    this.emit({type: 'batch-started', batch: this.ref(batch)});
    const work: BatchWork = {
      processor: proc.plan.name,
      start: batch.plan.start,
      end: batch.plan.end,
      dates: batch.plan.dates,
      attempt: batch.attempt,
      runId: this.options.runId,
    };
    const started = Date.now();
    let outcome: {rows: number} | {error: unknown};
    try {
      const rows = await executeBatch(work, {
        warehouse: this.options.warehouse,
        signal: batch.abort.signal,
        command: proc.plan.command,
        onOutput: (stream, line) => this.emit({type: 'external-output', processor: proc.plan.name, stream, line}),
        onExternal: (child) => {
          batch.external = child;
          if (child && proc.paused) child.pause();
        },
      });
      outcome = {rows};
    } catch (error) {
      outcome = {error};
    }
    const durationMs = Date.now() - started;
    batch.durationMs += durationMs;
    proc.running.delete(batch);
    this.inFlight--;
    const aborted = batch.abort.signal.aborted;
    batch.abortedBy = aborted ? (batch.abort.signal.reason === 'pause' ? 'pause' : 'cancel') : null;
    batch.abort = null;

    if ('rows' in outcome) {
      batch.rows = outcome.rows;
      proc.rows += outcome.rows;
      proc.lastFinishedAt = Date.now();
      this.emit({type: 'batch-finished', batch: this.ref(batch), rows: outcome.rows, durationMs});
      const raised = proc.control.onSuccess();
      if (raised) this.emit({type: 'concurrency-changed', processor: proc.plan.name, ...raised, reason: 'no quota error lately'});
      this.settle(batch, 'done', null);
    } else if (aborted && batch.abortedBy === 'pause' && !proc.cancelled) {
      // Rolled back by the engine (or committed just before: rerunning it is idempotent).
      batch.state = 'ready';
      batch.attempt--;
      this.log('info', `${proc.plan.short} ${batch.plan.start} → ${batch.plan.end}: query cancelled by the pause; it runs again on resume`, proc.plan.name);
    } else if (aborted) {
      this.settle(batch, 'cancelled', 'cancelled');
    } else {
      this.handleFailure(batch, outcome.error);
    }
    this.schedule();
  }

  private handleFailure(batch: Batch, error: unknown): void {
    const proc = batch.proc;
    const kind = classifyError(error);
    const message = describeError(error);
    proc.lastError = message;
    if (kind !== 'permanent' && mayRetry(this.options.retry, batch.attempt, kind) && !this.stopping) {
      if (kind === 'quota') {
        const lowered = proc.control.onQuota();
        if (lowered) this.emit({type: 'concurrency-changed', processor: proc.plan.name, ...lowered, reason: `quota: ${message}`});
      }
      const delayMs = retryDelay(this.options.retry, batch.attempt, kind, this.options.random);
      proc.retries++;
      batch.state = 'backoff';
      this.emit({type: 'batch-retry', batch: this.ref(batch), error: message, kind, delayMs});
      batch.timer = setTimeout(() => {
        batch.timer = null;
        if (batch.state !== 'backoff') return;
        batch.state = 'ready';
        this.schedule();
      }, delayMs);
      return;
    }
    if (kind !== 'permanent' && this.stopping) {
      // Stopping: leave it for the resumed run rather than failing it.
      batch.state = 'ready';
      return;
    }
    this.emit({type: 'batch-failed', batch: this.ref(batch), error: message});
    this.log('error', `${proc.plan.short} ${batch.plan.start} → ${batch.plan.end} failed (${kind}): ${message}`, proc.plan.name);
    this.settle(batch, 'failed', message);
  }

  /** A terminal state; dependants learn whether the dates they wait for will ever exist. */
  private settle(batch: Batch, state: 'done' | 'failed' | 'cancelled', error: string | null): void {
    if (batch.state === 'done' || batch.state === 'failed' || batch.state === 'cancelled') return;
    if (batch.timer) clearTimeout(batch.timer);
    batch.timer = null;
    batch.state = state;
    batch.error = error;
    const proc = batch.proc;
    if (state === 'done') proc.datesDone += batch.plan.dates.length;
    if (state === 'failed') proc.datesFailed += batch.plan.dates.length;
    this.options.hooks?.onBatchSettled?.({
      processor: proc.plan.name,
      plan: batch.plan,
      status: state,
      rows: batch.rows,
      durationMs: batch.durationMs,
      attempts: batch.attempt,
      error,
    });
    const downstream = new Set<Batch>();
    for (const date of batch.plan.dates) {
      const k = key(proc.plan.name, date);
      for (const waiter of this.waiters.get(k) ?? []) {
        if (state === 'done') {
          if (--waiter.missing === 0 && waiter.state === 'waiting') waiter.state = 'ready';
        } else downstream.add(waiter);
      }
      this.waiters.delete(k);
    }
    const why = `its input ${proc.plan.short} ${state === 'failed' ? 'failed' : 'was cancelled'} on ${batch.plan.start} → ${batch.plan.end}`;
    for (const waiter of downstream) {
      if (state === 'failed') {
        this.emit({type: 'batch-failed', batch: this.ref(waiter), error: why});
        this.settle(waiter, 'failed', why);
      } else this.settle(waiter, 'cancelled', why);
    }
  }

  getSnapshot(): RunSnapshot {
    const now = Date.now();
    const processors = this.procs.map((proc) => this.progressOf(proc, now));
    const all = this.procs.flatMap((p) => p.batches);
    return {
      runId: this.options.runId,
      state: this.state,
      range: this.options.plan.range,
      startedAt: this.startedAt,
      finishedAt: this.finishedAt,
      processors,
      totals: {
        datesTotal: processors.reduce((s, p) => s + p.datesTotal, 0),
        datesDone: processors.reduce((s, p) => s + p.datesDone, 0),
        rowsWritten: processors.reduce((s, p) => s + p.rowsWritten, 0),
        batchesDone: all.filter((b) => b.state === 'done').length,
        batchesFailed: all.filter((b) => b.state === 'failed').length,
      },
    };
  }

  private progressOf(proc: Proc, now: number): ProcessorProgress {
    const datesTotal = proc.batches.reduce((s, b) => s + b.plan.dates.length, 0);
    const open = proc.batches.some((b) => b.state !== 'done' && b.state !== 'failed' && b.state !== 'cancelled');
    const status: ProcessorStatus = proc.cancelled ? 'cancelled'
      : proc.paused && open ? 'paused'
      : proc.running.size > 0 ? 'running'
      : open ? 'queued'
      : proc.batches.some((b) => b.state === 'failed') ? 'failed'
      : 'done';
    const end = open ? now : (proc.lastFinishedAt ?? now);
    const seconds = proc.firstStartedAt !== null ? (end - proc.firstStartedAt) / 1000 : 0;
    const throughput = proc.datesDone > 0 && seconds > 0 ? proc.datesDone / seconds : null;
    const remaining = datesTotal - proc.datesDone - proc.datesFailed;
    return {
      name: proc.plan.name,
      short: proc.plan.short,
      phase: proc.plan.phase,
      status,
      paused: proc.paused,
      datesTotal,
      datesDone: proc.datesDone,
      datesFailed: proc.datesFailed,
      rowsWritten: proc.rows,
      retries: proc.retries,
      running: [...proc.running].map((b) => this.ref(b)),
      concurrency: proc.control.current,
      maxConcurrency: proc.control.max,
      throughput,
      etaSeconds: throughput && open ? Math.round(remaining / throughput) : open ? null : 0,
      lastError: proc.lastError,
    };
  }
}
