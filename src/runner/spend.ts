// What a run's batches billed, per processor and in all, against the plan's estimate and the
// run's budget. The scheduler adds each finished batch's job statistics here and learns when the
// billed bytes reach the budget: once per run, at the batch that crosses it, so that an operator
// who resumes after the budget pause goes on (the pause was the warning), and a resumed run whose
// earlier segments already reached it does not pause again at its first batch. Billed bytes are
// BigQuery's totalBytesBilled of each batch's write job; planning, coverage and dry runs are not
// counted (metadata and dry runs bill little or nothing), nor external commands (no statistics).
import type {DerivedTableName} from '../catalog/types.js';
import type {RunSpend, Spend} from './types.js';

export const NO_SPEND: Spend = Object.freeze({bytesProcessed: null, bytesBilled: null, slotMs: null});

function plus(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : a + b;
}

/** The spend figures of job statistics (or of a journal's batch record; missing figures are null). */
export function spendOf(figures: {readonly bytesProcessed?: number | null; readonly bytesBilled?: number | null; readonly slotMs?: number | null}): Spend {
  return {bytesProcessed: figures.bytesProcessed ?? null, bytesBilled: figures.bytesBilled ?? null, slotMs: figures.slotMs ?? null};
}

export function addSpend(a: Spend, b: Spend): Spend {
  return {bytesProcessed: plus(a.bytesProcessed, b.bytesProcessed), bytesBilled: plus(a.bytesBilled, b.bytesBilled), slotMs: plus(a.slotMs, b.slotMs)};
}

export interface SpendMeterOptions {
  readonly processors: readonly DerivedTableName[];
  /** Bytes billed at which every processor pauses; null for none. */
  readonly budget: number | null;
  /** The plan's dry-run estimate in bytes, null when none was made. */
  readonly estimate: number | null;
  /** What the run's earlier segments billed (a resumed run's journal), per batch. */
  readonly previous?: readonly (Partial<Spend> & {readonly processor: DerivedTableName})[];
}

export class SpendMeter {
  private readonly byProcessor = new Map<DerivedTableName, Spend>();
  private total: Spend = NO_SPEND;
  private reached: boolean;
  private readonly budget: number | null;
  private readonly estimate: number | null;

  constructor(options: SpendMeterOptions) {
    for (const name of options.processors) this.byProcessor.set(name, NO_SPEND);
    for (const batch of options.previous ?? []) this.add(batch.processor, spendOf(batch));
    this.budget = options.budget;
    // The estimate covers what is left; what was billed before counts toward the same run.
    this.estimate = options.estimate === null ? null : options.estimate + (this.total.bytesBilled ?? 0);
    this.reached = this.over();
  }

  /** Adds a finished batch's statistics; true when they took the billed bytes to the budget (once per run). */
  record(processor: DerivedTableName, statistics: Partial<Spend>): boolean {
    this.add(processor, spendOf(statistics));
    if (this.reached || !this.over()) return false;
    this.reached = true;
    return true;
  }

  processor(name: DerivedTableName): Spend {
    return this.byProcessor.get(name) ?? NO_SPEND;
  }

  run(): RunSpend {
    return {...this.total, estimate: this.estimate, budget: this.budget, budgetReached: this.reached};
  }

  private over(): boolean {
    return this.budget !== null && (this.total.bytesBilled ?? 0) >= this.budget;
  }

  private add(processor: DerivedTableName, spend: Spend): void {
    this.byProcessor.set(processor, addSpend(this.processor(processor), spend));
    this.total = addSpend(this.total, spend);
  }
}
