// The supervisor: one run of a plan, as its owner sees it. It wires the pure batch graph (built
// from the plan's gates alone), the transition function and the scheduler loop; takes intents,
// publishes events and snapshots; knows nothing of any screen. A batch waits only for the planned
// batches building the input dates it reads (lookback included), so phase 4 trails phase 3 date
// by date.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {AttemptRecord} from '../state/attempts.js';
import type {BuildRecorder} from '../freshness/recorder.js';
import type {BatchKeeper} from '../undo/keeper.js';
import type {Warehouse} from '../warehouse/types.js';
import {BatchGraph} from './graph.js';
import type {Plan} from './plan.js';
import type {RetryPolicy} from './retry.js';
import {Scheduler, type ProcessorRun} from './scheduler.js';
import type {SpendMeter} from './spend.js';
import type {RunEventDraft, SettledBatch} from './transitions.js';
import type {LogLevel, RunEvent, RunIntent, RunSnapshot} from './types.js';

/** What the supervisor tells its owner (the journal of resume state). */
export interface SupervisorHooks {
  onBatchSettled?(batch: SettledBatch): void;
  onPausedChanged?(names: readonly DerivedTableName[], paused: boolean): void;
  /** Every batch attempt as it ends (the attempt history). */
  onAttempt?(attempt: AttemptRecord): void;
}

export interface SupervisorOptions {
  readonly runId: string;
  readonly plan: Plan;
  readonly warehouse: Warehouse;
  /** Writes each batch's build records with its rows. */
  readonly recorder?: BuildRecorder;
  /** Keeps what the batches replace (undo) and reports what they changed. */
  readonly keeper?: BatchKeeper;
  readonly retry: RetryPolicy;
  /** Processors paused before the run began (persisted flags). */
  readonly paused: readonly DerivedTableName[];
  /** End the run (state 'interrupted') when only paused processors' work is left. */
  readonly stopWhenOnlyPaused: boolean;
  /** What the batches bill, against the estimate and the budget; null where the engine bills nothing. */
  readonly spend?: SpendMeter | null;
  readonly hooks?: SupervisorHooks;
  readonly random?: () => number;
  /** Past dates per second per processor (the ETA before this run measured its own). */
  readonly pastRates?: ReadonlyMap<DerivedTableName, number>;
  readonly throughputIntervalMs?: number;
}

export class Supervisor {
  private readonly listeners = new Set<(event: RunEvent) => void>();
  private readonly scheduler: Scheduler;
  readonly finished: Promise<RunSnapshot>;

  constructor(private readonly options: SupervisorOptions) {
    let resolveFinished!: (snapshot: RunSnapshot) => void;
    this.finished = new Promise((resolve) => (resolveFinished = resolve));
    const {hooks} = options;
    this.scheduler = new Scheduler({
      runId: options.runId,
      plan: options.plan,
      graph: BatchGraph.fromPlan(options.plan),
      warehouse: options.warehouse,
      ...(options.recorder ? {recorder: options.recorder} : {}),
      ...(options.keeper ? {keeper: options.keeper} : {}),
      retry: options.retry,
      paused: new Set(options.paused),
      stopWhenOnlyPaused: options.stopWhenOnlyPaused,
      spend: options.spend ?? null,
      ...(options.random ? {random: options.random} : {}),
      emit: (event) => this.emit(event),
      onBatchSettled: (batch) => hooks?.onBatchSettled?.(batch),
      onPausedChanged: (names, paused) => hooks?.onPausedChanged?.(names, paused),
      onAttempt: (attempt) => hooks?.onAttempt?.(attempt),
      ...(options.pastRates ? {pastRates: options.pastRates} : {}),
      ...(options.throughputIntervalMs ? {throughputIntervalMs: options.throughputIntervalMs} : {}),
      onFinished: (snapshot) => resolveFinished(snapshot),
    });
  }

  get runId(): string {
    return this.options.runId;
  }

  subscribe(listener: (event: RunEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: RunEventDraft): void {
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

  /** Fails the batches whose inputs will never exist, then starts what can start. */
  start(): void {
    this.scheduler.start();
  }

  send(intent: RunIntent): void {
    const one = intent.processor ? this.scheduler.processor(intent.processor) : undefined;
    if (intent.processor && !one) {
      // Not in this run: still remember a pause, so that the next run holds it.
      if (intent.type !== 'cancel') this.options.hooks?.onPausedChanged?.([intent.processor], intent.type === 'pause');
      this.log('info', `${derivedTable(intent.processor).short} is not part of this run; its ${intent.type} flag is saved`, intent.processor);
      return;
    }
    const targets: readonly ProcessorRun[] = one ? [one] : this.scheduler.processors;
    const all = intent.processor === undefined;
    if (intent.type === 'pause') this.scheduler.pause(targets, all);
    else if (intent.type === 'resume') this.scheduler.resume(targets, all);
    else this.scheduler.cancel(targets, all);
  }

  /** Stops starting batches; in-flight ones finish; the run ends 'interrupted' (resumable). */
  stop(): Promise<RunSnapshot> {
    this.scheduler.stop();
    return this.finished;
  }

  getSnapshot(): RunSnapshot {
    return this.scheduler.snapshot();
  }
}
