// The console's view of the world: an external store (read with useSyncExternalStore) plus the
// requests of src/session/requests.ts. Implemented in-process (local.ts: this process holds the
// warehouse) and over the run's socket (attach), so the UI never knows which one it renders.
import type {IsoDate} from '../dates.js';
import type {CoverageSnapshot, RunEvent, RunSnapshot} from '../runner/types.js';
import type {ValidationReport} from '../validation/types.js';
import type {CallOptions, RequestPayload, RequestReply, RequestType} from './requests.js';

export type {PlanPreview, StartReply} from './requests.js';

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
  /** Set while `coverage` is the last one a console saw (the state dir's snapshot), not yet the live one: its time. */
  readonly coverageAsOf?: string;
  /** Set when the console cannot reach the warehouse: who holds it and what reaches it. */
  readonly unavailable?: string;
}

export interface Session {
  getState(): SessionState;
  /**
   * Called when the state changed; read getState() then. The session that owns the state is the
   * one place updates are coalesced (LocalSession: the first at once, then at most one per 100 ms)
   * and it also notifies after every event. Nothing downstream adds a timer: the socket server
   * forwards each notification, an attached session passes the forwarded ones on at once, the
   * console's stores subscribe directly, and the job log publishes its buffered lines on this tick.
   */
  subscribe(listener: () => void): () => void;
  /** The run's events (and the session's own log lines) as they happen, never delayed. */
  subscribeEvents(listener: (event: RunEvent) => void): () => void;
  /** Events already emitted, oldest first (bounded), so that a new view can show a backlog. */
  backlog(): readonly RunEvent[];
  /**
   * A backlog that arrives after the view opened (a console drawn before it joined its host):
   * delivered once, as a backlog, not as events happening now (a past run's end is not news).
   */
  subscribeBacklog?(listener: (events: readonly RunEvent[]) => void): () => void;
  /**
   * One request of the table. A request with a reply rejects with a one-line reason when it cannot
   * answer; one without never rejects: its outcome (or why it was refused) shows in the state and
   * the log.
   */
  call<K extends RequestType>(type: K, payload: RequestPayload<K>, options?: CallOptions): Promise<RequestReply<K>>;
  /**
   * Leaves the console. With a run in flight: 'detach' keeps it resumable (in-process: stop after
   * in-flight batches; attached: leave the run going in its process), 'cancel' abandons it.
   */
  close(mode: 'detach' | 'cancel'): Promise<void>;
}
