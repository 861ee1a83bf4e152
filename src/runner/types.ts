// What a run publishes and accepts. Plain, JSON-serialisable data: the console, the headless
// printer and attached consoles (over a socket) all consume exactly these shapes. The run-state
// predicates live here too, so that every consumer asks "is it active / finished" the same way.
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange, IsoDate} from '../dates.js';
import type {RunOrder} from '../limits.js';
import type {JobStatistics} from '../warehouse/types.js';
import type {FreshnessSnapshot} from '../freshness/wire.js';
import type {ChangeReport} from '../undo/changes.js';

export type ProcessorStatus =
  | 'idle' // not part of the run
  | 'queued' // has batches, none can start yet (inputs not covered)
  | 'running' // at least one batch in flight
  | 'paused'
  | 'failed' // at least one batch failed permanently; others may have finished
  | 'done'
  | 'cancelled';

export interface BatchRef {
  readonly processor: DerivedTableName;
  readonly start: IsoDate;
  readonly end: IsoDate;
  /** Game dates in the batch. */
  readonly dates: number;
  /** 1 for the first try. */
  readonly attempt: number;
}

export interface ProcessorProgress {
  readonly name: DerivedTableName;
  readonly short: string;
  readonly phase: 3 | 4;
  readonly status: ProcessorStatus;
  readonly paused: boolean;
  readonly datesTotal: number;
  readonly datesDone: number;
  readonly datesFailed: number;
  readonly rowsWritten: number;
  readonly retries: number;
  readonly running: readonly BatchRef[];
  /** Current worker limit (lowered on quota errors) and the configured one. */
  readonly concurrency: number;
  readonly maxConcurrency: number;
  /** Measured game dates per second, null until a batch finished. */
  readonly throughput: number | null;
  readonly etaSeconds: number | null;
  readonly lastError: string | null;
  /** What its batches billed so far; absent where the engine bills nothing (DuckDB). */
  readonly spend?: Spend;
  /** Game dates per second over each of the last intervals, oldest first (the console's sparkline). */
  readonly rateSeries: readonly number[];
  readonly rateIntervalSeconds: number;
}

/** Job statistics summed over batches: null until a batch reported the figure (external commands do not). */
export interface Spend {
  readonly bytesProcessed: number | null;
  readonly bytesBilled: number | null;
  readonly slotMs: number | null;
}

/** A run's spend: its batches' totals (earlier segments of a resumed run included), against its estimate and budget. */
export interface RunSpend extends Spend {
  /** The plan's dry-run estimate in bytes (plus what was billed before a resume), null when it could not be made. */
  readonly estimate: number | null;
  /** Bytes billed at which the run pauses every processor (RunRequest.budget), null for none. */
  readonly budget: number | null;
  /** The billed bytes reached the budget during this run (the budget-paused event was sent). */
  readonly budgetReached: boolean;
}

export type RunState = 'idle' | 'running' | 'stopping' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

/** A run's state, or anything carrying one (a snapshot), or nothing (no run yet). */
type HasRunState = RunState | {readonly state: RunState} | null | undefined;

function stateOf(run: HasRunState): RunState | null {
  return run === null || run === undefined ? null : typeof run === 'string' ? run : run.state;
}

/** In flight: batches may still start or finish (running, or stopping after the in-flight ones). */
export function isRunActive(run: HasRunState): boolean {
  const state = stateOf(run);
  return state === 'running' || state === 'stopping';
}

/** Ended, one way or another (completed, failed, cancelled, interrupted); idle has not begun. */
export function isRunFinished(run: HasRunState): boolean {
  const state = stateOf(run);
  return state !== null && state !== 'idle' && !isRunActive(state);
}

export interface RunSnapshot {
  readonly runId: string | null;
  readonly state: RunState;
  readonly range: DateRange | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly processors: readonly ProcessorProgress[];
  /**
   * What the run's finished batches changed, per table (src/undo/changes.ts: rows added, removed and
   * changed, the feature store's features); null when the config keeps nothing (`undo.runs: 0`).
   */
  readonly changes: ChangeReport | null;
  readonly totals: {
    readonly datesTotal: number;
    readonly datesDone: number;
    readonly rowsWritten: number;
    readonly batchesDone: number;
    readonly batchesFailed: number;
  };
  /** Absent where the engine bills nothing (DuckDB). */
  readonly spend?: RunSpend;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

interface EventBase {
  /** ISO timestamp. */
  readonly time: string;
  readonly runId: string;
}

export type RunEvent = EventBase &
  (
    | {readonly type: 'run-started'; readonly range: DateRange; readonly processors: readonly DerivedTableName[]; readonly batches: number}
    | {readonly type: 'batch-started'; readonly batch: BatchRef}
    | {readonly type: 'batch-finished'; readonly batch: BatchRef; readonly rows: number; readonly durationMs: number; /** Its write job's (every figure null on DuckDB and for a command; absent from older hosts). */ readonly statistics?: JobStatistics}
    | {readonly type: 'batch-retry'; readonly batch: BatchRef; readonly error: string; readonly kind: 'transient' | 'quota'; readonly delayMs: number}
    | {readonly type: 'batch-failed'; readonly batch: BatchRef; readonly error: string}
    | {readonly type: 'concurrency-changed'; readonly processor: DerivedTableName; readonly from: number; readonly to: number; readonly reason: string}
    | {readonly type: 'processor-paused' | 'processor-resumed' | 'processor-cancelled'; readonly processor: DerivedTableName}
    | {readonly type: 'external-output'; readonly processor: DerivedTableName; readonly stream: 'stdout' | 'stderr'; readonly line: string}
    | {readonly type: 'log'; readonly level: LogLevel; readonly message: string; readonly processor?: DerivedTableName}
    /** The billed bytes reached the budget: every processor was paused (processor-paused events follow), resumably. */
    | {readonly type: 'budget-paused'; readonly budget: number; readonly billed: number; readonly estimate: number | null}
    | {readonly type: 'run-finished'; readonly state: RunState; readonly snapshot: RunSnapshot}
  );

/** What a front end asks of a run; `processor` absent means every processor. */
export type RunIntent =
  | {readonly type: 'pause'; readonly processor?: DerivedTableName}
  | {readonly type: 'resume'; readonly processor?: DerivedTableName}
  | {readonly type: 'cancel'; readonly processor?: DerivedTableName};

/** A run as front ends see it, whether it lives in this process or behind a socket. */
export interface RunHandle {
  getSnapshot(): RunSnapshot;
  subscribe(listener: (event: RunEvent) => void): () => void;
  send(intent: RunIntent): void;
  /** Resolves with the final snapshot when the run ends (completed, failed, cancelled or stopped). */
  readonly finished: Promise<RunSnapshot>;
}

/**
 * Which dates of the selected processors a run rebuilds: `missing` (not covered; the default),
 * `failed` (their last batch failed), `stale` (covered but out of date, src/freshness), `all`
 * (every date in the range: `force`).
 */
export type ReprocessMode = 'missing' | 'failed' | 'stale' | 'all';

/** What a run is asked to do (from the command line, the console's selection or a resumed plan). */
export interface RunRequest {
  readonly range: DateRange;
  readonly processors: readonly DerivedTableName[];
  /** The same as `reprocess: 'all'` (the older name, kept in state files and scripts). */
  readonly force?: boolean;
  /** Absent: `missing` (or `all` with force). */
  readonly reprocess?: ReprocessMode;
  /** Absent or true: the dates that read a rebuilt date are rebuilt too (src/runner/cascade.ts). */
  readonly cascade?: boolean;
  /** Overrides of the per-processor defaults. */
  readonly batchSize?: number;
  readonly workers?: number;
  /** Which batches start first (default oldest-first, or the config's `order`). */
  readonly order?: RunOrder;
  /** BigQuery: bytes billed at which every processor pauses (default the config's `budget`). */
  readonly budget?: number;
}

/** Coverage for the grid: JSON-friendly so that a live run can serve it to attached consoles. */
export interface CoverageSnapshot {
  readonly range: DateRange;
  readonly gameDates: readonly {readonly date: IsoDate; readonly season: string; readonly games: number}[];
  /** Per derived table, its covered game dates in the range, sorted. */
  readonly covered: Readonly<Record<string, readonly IsoDate[]>>;
  /** The stale dates of the range, with why (absent where staleness is not read). */
  readonly freshness?: FreshnessSnapshot;
  readonly takenAt: string;
}
