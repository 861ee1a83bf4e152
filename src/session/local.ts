// The console's session when this process holds the warehouse: coverage for the grid (queried on
// refresh, then kept current from batch-finished events instead of re-querying), runs started
// through the runner (the plan a console approved, or none when the warehouse changed since),
// intents forwarded to it, validation, rollback and undo. One handler per request of the table
// (requests.ts); knows nothing of Ink or of the command line.
import {basename} from 'node:path';
import {DERIVED_TABLES, derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';
import {addDays, type DateRange, type IsoDate} from '../dates.js';
import {FreshnessReader} from '../freshness/reader.js';
import {withRebuilt} from '../freshness/wire.js';
import {
  abandonInterruptedRun,
  describeError,
  estimateRunCost,
  findInterruptedRun,
  pastRates,
  planRun,
  runHistory,
  setPaused,
  sameRequest,
  startRun,
  warehouseKey,
  type LocalRun,
  type Plan,
  type RetryPolicy,
} from '../runner/index.js';
import type {CoverageSnapshot, LogLevel, RunRequest} from '../runner/types.js';
import {readAttempts, selectAttempts} from '../state/attempts.js';
import {acquireLock} from '../state/lock.js';
import {undoPolicy} from '../undo/policy.js';
import {readRuns} from '../undo/runs-view.js';
import {rangeParams, type Warehouse} from '../warehouse/types.js';
import {Coalesced} from './coalesce.js';
import {planIdentity, previewOf} from './plan-preview.js';
import {statementOf} from './statement.js';
import {answersWithData, HISTORY_REPLY_MAX, type CallOptions, type PlanPreview, type RequestPayload, type RequestReply, type RequestType, type SessionHandlers, type StartReply} from './requests.js';
import {readGridCoverage} from './grid-coverage.js';
import {SessionStore} from './store.js';
import {undoInSession} from './undo-request.js';
import {validateInSession} from './validate-request.js';
import type {SessionActionContext} from './action-context.js';
import type {Session} from './types.js';

/** The one place state notifications are coalesced (see Session.subscribe): about 10 a second. */
const NOTIFY_INTERVAL_MS = 100;

export interface LocalSessionOptions {
  readonly warehouse: Warehouse;
  readonly stateDir: string;
  readonly config: Config;
  readonly boundary: IsoDate;
  /** The grid's range: the configured start through the day before the boundary. */
  readonly start: IsoDate;
  /** Shown in the status bar; default the file name or the project. */
  readonly label?: string;
  /** Close the warehouse when the session closes. */
  readonly ownsWarehouse?: boolean;
  readonly retry?: Partial<RetryPolicy>;
  /** End a run (resumable) when only paused processors' work is left, instead of waiting for a resume. */
  readonly stopWhenOnlyPaused?: boolean;
  /** Interval of the processors' throughput series (default 10 s). */
  readonly throughputIntervalMs?: number;
  /** Read staleness with the coverage (default true; false reads coverage only, as before it). */
  readonly staleness?: boolean;
}

export class LocalSession extends SessionStore implements Session {
  private run: LocalRun | null = null;
  /** A request waiting for the resumed interrupted run to complete. */
  private next: RunRequest | null = null;
  private runDone: Promise<unknown> = Promise.resolve();
  private snapshotDirty = false;
  private closed = false;
  /** Set by close(): nothing new starts, pending work is waited for. */
  private closing = false;
  /** A start is planning: a second one is refused, not queued behind the lock. */
  private starting = false;
  /** Requests in progress (they use the warehouse): close() waits for them. */
  private readonly pending = new Set<Promise<unknown>>();
  private readonly refreshes = new Coalesced(() => this.refreshCoverage().then(() => undefined, (error) => this.log('error', `coverage refresh failed: ${describeError(error)}`)));
  private readonly key: string;
  private readonly freshness: FreshnessReader | null;
  readonly range: DateRange;

  constructor(private readonly options: LocalSessionOptions) {
    super(
      {warehouse: options.label ?? defaultLabel(options.warehouse), boundary: options.boundary, coverage: null, run: null, validation: null, activity: null, attached: false},
      [],
      NOTIFY_INTERVAL_MS,
    );
    this.key = warehouseKey(options.warehouse);
    this.freshness = options.staleness === false ? null : new FreshnessReader(options.warehouse, options.config);
    this.range = {start: options.start, end: addDays(options.boundary, -1)};
  }

  /** Whether a run of this session is in flight. */
  get running(): boolean {
    return this.run !== null;
  }

  /** Stops the run after its in-flight batches, resumable (the host does when nobody can resume it). */
  async stopRun(): Promise<void> {
    await this.run?.stop();
  }

  /** A run, a queued request, or an action that may still write or start one. */
  get busy(): boolean {
    return this.run !== null || this.next !== null || this.pending.size > 0;
  }

  /** Every request passes here: tracked until it settles, and one without a reply never rejects. */
  call<K extends RequestType>(type: K, payload: RequestPayload<K>, options: CallOptions = {}): Promise<RequestReply<K>> {
    return this.track(async () => {
      try {
        return await this.handlers[type](payload, options);
      } catch (error) {
        if (answersWithData(type)) throw error;
        this.log('error', `${type} failed: ${describeError(error)}`);
        return undefined as RequestReply<K>;
      }
    });
  }

  private readonly handlers: SessionHandlers = {
    refresh: (_payload, {signal}) => this.refreshes.run(signal),
    preview: ({request}) => this.preview(request),
    start: ({request, planId}) => this.start(request, planId),
    intent: async ({intent}) => this.intent(intent),
    validate: ({range, tables}) => validateInSession(this.actionContext(), range, tables, (validation) => this.setState({validation})),
    rollback: ({range, tables, rerun}) => this.rollback(range, tables, rerun),
    history: async ({range, tables}) => ({attempts: selectAttempts(readAttempts(this.options.stateDir, this.key), {range, ...(tables ? {tables} : {})}).slice(-HISTORY_REPLY_MAX)}),
    statement: async ({processor, range}) => statementOf(this.options.warehouse.dialect, this.options.config, processor, range),
    runs: () => readRuns(this.options.warehouse, this.options.stateDir, undoPolicy(this.options.config, this.options.warehouse.engine)),
    undo: ({runId, tables}) => this.undo(runId, tables),
  };

  /** Counts an action as pending until it settles; close() waits for it. */
  private track<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.pending.add(promise);
    const settle = () => this.pending.delete(promise);
    promise.then(settle, settle);
    return promise;
  }

  /** The run's snapshot changes with every event: it is read once per notification, not per event. */
  protected override beforeNotify(): void {
    if (this.snapshotDirty && this.run) {
      this.snapshotDirty = false;
      this.state = {...this.state, run: this.run.getSnapshot()};
    }
  }

  private log(level: LogLevel, message: string, processor?: DerivedTableName): void {
    this.publish({type: 'log', level, message, time: new Date().toISOString(), runId: this.run?.runId ?? 'session', ...(processor ? {processor} : {})});
    this.changed(); // the job log shows its new lines on the next notification
  }

  /** A line in the log from outside a run (e.g. the offer to resume an interrupted run). */
  announce(message: string, level: LogLevel = 'info'): void {
    this.log(level, message);
  }

  /** Re-reads the schedule, every table's coverage and what of it is stale (grid-coverage.ts); throws on failure. */
  async refreshCoverage(): Promise<CoverageSnapshot> {
    const coverage = await readGridCoverage(this.options.warehouse, this.range, this.freshness);
    this.setState({coverage});
    return coverage;
  }

  /** A finished batch covers its game dates, fresh now: the grid moves without a query. */
  private coverBatch(processor: DerivedTableName, start: IsoDate, end: IsoDate): void {
    const coverage = this.state.coverage;
    if (!coverage) return;
    const added = coverage.gameDates.filter((g) => g.date >= start && g.date <= end).map((g) => g.date);
    if (added.length === 0) return;
    const merged = [...new Set([...(coverage.covered[processor] ?? []), ...added])].sort();
    const freshness = coverage.freshness && withRebuilt(coverage.freshness, processor, start, end, coverage.gameDates.map((g) => g.date));
    this.state = {...this.state, coverage: {...coverage, covered: {...coverage.covered, [processor]: merged}, ...(freshness ? {freshness} : {})}};
  }

  private async plan(request: RunRequest): Promise<Plan> {
    const {warehouse, config, boundary, stateDir} = this.options;
    return planRun({warehouse, config, boundary, request, history: runHistory(stateDir, this.key)});
  }

  private async preview(request: RunRequest): Promise<PlanPreview> {
    return this.previewPlan(await this.plan(request));
  }

  private async previewPlan(plan: Plan, replaces?: string): Promise<PlanPreview> {
    const interrupted = this.run ? null : findInterruptedRun(this.options.stateDir, this.key);
    const estimate = await estimateRunCost(this.options.warehouse, this.options.config, plan);
    const rates = pastRates(readAttempts(this.options.stateDir, this.key));
    return previewOf(plan, {resumesFirst: interrupted && {runId: interrupted.runId, range: interrupted.request.range}, estimate, pastRates: rates, ...(replaces ? {replaces} : {})});
  }

  /**
   * With `planId` (the plan the operator approved): plans again and runs that plan only if it is
   * still the one the warehouse gives; otherwise nothing starts and the new plan comes back.
   */
  private async start(request: RunRequest, planId: string | undefined): Promise<StartReply> {
    const refused = this.refusal();
    if (refused) {
      this.log('warn', refused);
      return {started: false, reason: refused, preview: null};
    }
    try {
      const plan = planId === undefined ? undefined : await this.plan(request);
      if (plan && planIdentity(plan) !== planId) {
        const reason = 'the warehouse changed since that plan was made: nothing started; here is the new plan';
        this.log('warn', reason);
        return {started: false, reason, preview: await this.previewPlan(plan, planId)};
      }
      const run = await this.startRun(request, plan);
      return run ? {started: true, runId: run.runId} : {started: false, reason: this.refusal() ?? 'not started', preview: null};
    } catch (error) {
      const reason = `cannot start the run: ${describeError(error)}`;
      this.log('error', reason);
      return {started: false, reason, preview: null};
    }
  }

  /** Why nothing new may start now, or null. */
  private refusal(): string | null {
    if (this.closing) return 'the session is closing: nothing new starts';
    if (this.run || this.starting) return 'a run is already in progress: pause, resume or cancel it first';
    return null;
  }

  /**
   * Starts a run (`plan`, or one planned now); resolves once it is running, null when refused. An
   * interrupted run of this warehouse is resumed first (planned from its own request), and the
   * request follows it when that run completes (planned then: the resumed run changed coverage).
   */
  startRun(request: RunRequest, plan?: Plan): Promise<LocalRun | null> {
    return this.track(() => this.startNow(request, plan));
  }

  private async startNow(request: RunRequest, plan: Plan | undefined): Promise<LocalRun | null> {
    const refused = this.refusal();
    if (refused) {
      this.log('warn', refused);
      return null;
    }
    this.starting = true;
    try {
      const {warehouse, stateDir, config, boundary, retry, stopWhenOnlyPaused, throughputIntervalMs} = this.options;
      const interrupted = findInterruptedRun(stateDir, this.key);
      const queueAfter = interrupted !== null && !sameRequest(interrupted.request, request);
      if (interrupted) {
        const r = interrupted.request.range;
        this.log('info', `resuming the interrupted run ${interrupted.runId} (${r.start} → ${r.end}) first${queueAfter ? '; the new selection runs when it completes' : ''}`);
      }
      const run = await startRun({
        warehouse, stateDir, config, boundary, request,
        ...(interrupted ? {resume: interrupted} : plan ? {plan} : {}),
        ...(retry ? {retry} : {}),
        ...(stopWhenOnlyPaused ? {stopWhenOnlyPaused} : {}),
        ...(throughputIntervalMs ? {throughputIntervalMs} : {}),
        onHistoryError: (error) => this.log('warn', `the attempt history is not kept: ${describeError(error)}`),
      });
      // Queued only once the run it follows exists: a start that failed leaves nothing behind.
      if (queueAfter) this.next = request;
      this.attachRun(run);
      return run;
    } finally {
      this.starting = false;
    }
  }

  private attachRun(run: LocalRun): void {
    this.run = run;
    const unsubscribe = run.subscribe((event) => {
      this.publish(event);
      if (event.type === 'batch-finished') this.coverBatch(event.batch.processor, event.batch.start, event.batch.end);
      this.snapshotDirty = true;
      this.changed();
    });
    this.setState({run: run.getSnapshot()});
    this.runDone = run.finished.then(async (snapshot) => {
      unsubscribe();
      this.run = null;
      this.snapshotDirty = false;
      this.setState({run: snapshot});
      const next = this.next;
      this.next = null;
      if (next && snapshot.state === 'completed' && !this.closed) {
        void this.startRun(next).catch((error) => this.log('error', `cannot start the run: ${describeError(error)}`));
        return;
      }
      // Reconcile once with the warehouse (rows written by anything else meanwhile).
      if (!this.closed) await this.refreshCoverage().catch(() => undefined);
    });
  }

  private intent(intent: RequestPayload<'intent'>['intent']): void {
    if (this.run) {
      this.run.send(intent);
      return;
    }
    const names = intent.processor ? [intent.processor] : DERIVED_TABLES.map((t) => t.name);
    const who = intent.processor ? derivedTable(intent.processor).short : 'every processor';
    if (intent.type === 'cancel') {
      const abandoned = abandonInterruptedRun(this.options.stateDir, this.key);
      this.log('info', abandoned ? `the interrupted run ${abandoned.runId} was abandoned` : 'no run to cancel');
      return;
    }
    // No run: the flag is saved and holds the processor in the next run.
    setPaused(this.options.stateDir, this.key, names, intent.type === 'pause');
    this.log('info', `${who} ${intent.type === 'pause' ? 'paused' : 'resumed'} for the next run`, intent.processor);
  }

  /** What validation and undo act with: this session's warehouse, log, status line and grid. */
  private actionContext(): SessionActionContext {
    const {warehouse, stateDir, config} = this.options;
    return {
      warehouse, stateDir, config, key: this.key,
      log: (level, message, processor) => this.log(level, message, processor),
      activity: (text) => this.setState({activity: text}),
      refreshCoverage: () => this.refreshCoverage(),
    };
  }

  /** Deletes the range of each table (dependants first), then optionally rebuilds it (planned now). */
  private async rollback(range: DateRange, tables: readonly DerivedTableName[], rerun: boolean): Promise<void> {
    if (this.run) {
      this.log('warn', 'a run is in progress: cancel it before rolling back');
      return;
    }
    const ordered = DERIVED_TABLES.filter((t) => tables.includes(t.name)).reverse();
    this.setState({activity: `rolling back ${ordered.map((t) => t.short).join(', ')} ${range.start} → ${range.end}`});
    try {
      const lock = acquireLock(this.options.stateDir, this.key, {range, runId: null});
      try {
        for (const table of ordered) {
          const rows = await this.options.warehouse.deleteRange(table, rangeParams(range.start, range.end));
          this.log('info', `rollback: deleted ${rows} rows of ${table.short} from ${range.start} to ${range.end}`, table.name);
        }
      } finally {
        lock.release();
      }
      await this.refreshCoverage();
    } catch (error) {
      this.log('error', `rollback failed: ${describeError(error)}`);
      return;
    } finally {
      this.setState({activity: null});
    }
    if (rerun) await this.startRun({range, processors: ordered.map((t) => t.name).reverse()}).catch((error) => this.log('error', `cannot start the rerun: ${describeError(error)}`));
  }

  /** Puts back what a run replaced (the CLI's `undo`, asked and confirmed in the console); never during a run. */
  private async undo(runId: string, tables: readonly DerivedTableName[] | undefined): Promise<void> {
    if (this.run) return this.log('warn', 'a run is in progress: let it finish or cancel it before undoing one');
    await undoInSession(this.actionContext(), runId, tables);
  }

  async close(mode: 'detach' | 'cancel'): Promise<void> {
    // A rollback mid-delete or a start mid-plan finishes before the warehouse closes under it.
    this.closing = true;
    this.next = null;
    await Promise.allSettled([...this.pending]);
    if (this.run) {
      if (mode === 'cancel') this.run.send({type: 'cancel'});
      else await this.run.stop();
    }
    await this.runDone;
    this.closed = true;
    this.flushNotifications();
    if (this.options.ownsWarehouse) await this.options.warehouse.close();
  }
}

function defaultLabel(warehouse: Warehouse): string {
  return warehouse.engine === 'duckdb' ? basename(warehouse.description) : warehouse.description;
}
