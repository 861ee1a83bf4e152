// The console's view of the world: an external store (read with useSyncExternalStore) plus the
// intents the console may send. Implemented in-process (local.ts: this process holds the
// warehouse) and over the run's socket (attach), so the UI never knows which one it renders.
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange, IsoDate} from '../dates.js';
import type {CoverageSnapshot, RunEvent, RunIntent, RunRequest, RunSnapshot} from '../runner/types.js';
import type {ValidationReport} from '../validation/types.js';

export interface SessionState {
  /** "demo.duckdb", "bigquery:project", shown in the status bar. */
  readonly warehouse: string;
  /** Never written on or after this date (the daily pipeline owns it). */
  readonly boundary: IsoDate;
  readonly coverage: CoverageSnapshot | null;
  /** The current or last run, null before the first. */
  readonly run: RunSnapshot | null;
  readonly validation: ValidationReport | null;
  /** A long action in progress ("validating Dec 2021", "rolling back"), or null. */
  readonly activity: string | null;
  /** True when joined to a run a headless `run` owns: it can be steered, not replaced. */
  readonly attached: boolean;
}

/** What starting a request would do, for the start confirmation (computed where the warehouse is). */
export interface StartPreview {
  /** Headline and notes: batches and dates to build, inputs that block, an interrupted run resumed first. */
  readonly summary: readonly string[];
  /** BigQuery's dry-run estimate (one line per processor, then the total); null on DuckDB. */
  readonly cost: readonly string[] | null;
  /** False when the plan has nothing to build (every date covered). */
  readonly hasWork: boolean;
}

export interface Session {
  getState(): SessionState;
  /** Called on any change of state; read getState() then. */
  subscribe(listener: () => void): () => void;
  /** The run's events (and the session's own log lines) as they happen. */
  subscribeEvents(listener: (event: RunEvent) => void): () => void;
  /** Events already emitted, oldest first (bounded), so that a new view can show a backlog. */
  backlog(): readonly RunEvent[];

  refresh(): void;
  /** The plan and, on BigQuery, its cost: shown before `start`. Rejects with a one-line reason. */
  preview(request: RunRequest): Promise<StartPreview>;
  start(request: RunRequest): void;
  send(intent: RunIntent): void;
  validate(range: DateRange, tables: readonly DerivedTableName[]): void;
  rollback(range: DateRange, tables: readonly DerivedTableName[], rerun: boolean): void;
  /**
   * Leaves the console. With a run in flight: 'detach' keeps it resumable (in-process: stop after
   * in-flight batches; attached: leave the run going in its process), 'cancel' abandons it.
   */
  close(mode: 'detach' | 'cancel'): Promise<void>;
}
