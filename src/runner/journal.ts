// The run's resume state in the store: what was asked, which dates each processor built, the
// per-batch history. Saved when the run starts and ends, and at most every `intervalMs` in between:
// losing the last instants to a crash only means rebuilding a batch, which is idempotent.
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange, IsoDate} from '../dates.js';
import type {ActiveRun, BatchRecord, RunRecord, StateStore} from '../state/store.js';
import type {PlannedBatch} from './plan.js';
import {addSpend, NO_SPEND, spendOf} from './spend.js';
import type {RunRequest, RunState} from './types.js';

export class RunJournal {
  private readonly active: ActiveRun;
  private readonly record: RunRecord;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly store: StateStore,
    private readonly warehouseKey: string,
    init: {
      runId: string;
      boundary: IsoDate;
      request: RunRequest;
      range: DateRange;
      batchesPlanned: number;
      done?: Record<string, IsoDate[]>;
      previous?: RunRecord;
      /** Where the engine bills: the estimate and budget the record's spend is kept against. */
      billing?: {readonly estimate: number | null; readonly budget: number | null} | null;
    },
    private readonly intervalMs = 250,
  ) {
    const startedAt = init.previous?.startedAt ?? new Date().toISOString();
    this.active = {
      runId: init.runId,
      pid: process.pid,
      startedAt,
      boundary: init.boundary,
      request: init.request,
      status: 'running',
      batchesPlanned: init.batchesPlanned,
      done: {...(init.done ?? {})},
    };
    this.record = {
      runId: init.runId,
      range: init.range,
      processors: [...init.request.processors],
      startedAt,
      finishedAt: null,
      state: 'running',
      request: init.request,
      jobs: init.previous?.jobs ?? 0,
      batches: [...(init.previous?.batches ?? [])],
    };
    this.billing = init.billing ?? null;
    this.updateSpend();
    this.flush();
  }

  private readonly billing: {readonly estimate: number | null; readonly budget: number | null} | null;

  /** The record's spend: its batches' totals (earlier segments included), where the engine bills. */
  private updateSpend(): void {
    if (!this.billing) return;
    const total = this.record.batches.reduce((sum, b) => addSpend(sum, spendOf(b)), NO_SPEND);
    const {estimate, budget} = this.billing;
    this.record.spend = {...total, estimate, budget, budgetReached: budget !== null && (total.bytesBilled ?? 0) >= budget};
  }

  batchSettled(processor: DerivedTableName, plan: PlannedBatch, outcome: Omit<BatchRecord, 'processor' | 'start' | 'end' | 'dates'>): void {
    this.record.batches.push({processor, start: plan.start, end: plan.end, dates: plan.dates.length, ...outcome});
    this.updateSpend();
    if (outcome.status === 'done') this.active.done[processor] = [...(this.active.done[processor] ?? []), ...plan.dates];
    this.later();
  }

  setJobs(jobs: number): void {
    this.record.jobs = jobs;
  }

  /** The run ended: completed/failed/cancelled forget the plan; interrupted keeps it to resume. */
  finish(state: RunState): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.record.state = state;
    this.record.finishedAt = new Date().toISOString();
    const keep = state === 'interrupted';
    this.store.saveProgress(this.warehouseKey, keep ? {...this.active, status: 'stopped'} : null, this.record);
    this.closed = true;
  }

  private later(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.intervalMs);
  }

  private flush(): void {
    if (this.closed) return;
    this.store.saveProgress(this.warehouseKey, this.active, this.record);
  }
}
