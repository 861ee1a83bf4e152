// A Session over plain state the test sets: the console's boundary, simulated. It records every
// request (and close) so a test can assert what a key asked of the run, answers previews and
// starts as the test says, and emits events on demand, each followed by a state tick like the
// sessions it stands for (see Session.subscribe).
import {DERIVED_TABLES} from '../../src/catalog/index.js';
import type {DerivedTableName} from '../../src/catalog/types.js';
import {addDays, seasonOf, type DateRange, type IsoDate} from '../../src/dates.js';
import type {CoverageSnapshot, ProcessorProgress, RunEvent, RunSnapshot} from '../../src/runner/types.js';
import type {RequestPayload, RequestReply, RequestType} from '../../src/session/requests.js';
import type {PlanPreview, Session, SessionState, StartReply} from '../../src/session/types.js';
import type {BatchStatement} from '../../src/session/requests.js';
import type {AttemptRecord} from '../../src/state/attempts.js';
import type {RunListing} from '../../src/undo/runs-view.js';
import {usdFor, type PlanCost} from '../../src/warehouse/cost-format.js';
import type {Stale} from '../../src/freshness/types.js';
import {encodeStale} from '../../src/freshness/wire.js';

/** What a request asked, flat: `{method: 'rollback', range, tables, rerun}`; and the console leaving. */
export type Call = {[K in RequestType]: {readonly method: K} & RequestPayload<K>}[RequestType] | {readonly method: 'close'; readonly mode: 'detach' | 'cancel'};

export class FakeSession implements Session {
  /** The requests that act or plan (what a key asked of the run). */
  readonly calls: Call[] = [];
  /** The read-only requests (the day view's history, the detail pane's statement), apart: reading is not acting. */
  readonly reads: Call[] = [];
  private state: SessionState;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: RunEvent) => void>();
  private readonly events: RunEvent[] = [];
  /** What a preview answers: a plan (DuckDB: no estimate), an error, or a promise the test settles. */
  previewResult: PlanPreview | Error | Promise<PlanPreview> = planPreviewOf({batches: 62, dates: 310, workers: 10});
  /** What a start answers: started, or refused (with the new plan when the warehouse changed). */
  startResult: StartReply = {started: true, runId: 'run-1'};
  /** The attempt history the session holds: a history request answers those touching its range. */
  attempts: AttemptRecord[] = [];
  /** What a statement request answers. */
  statementResult: BatchStatement = {kind: 'sql', text: '-- statement 1 of 1\nSELECT 1;'};
  /** What the runs view lists (newest first). */
  runsResult: RunListing[] = [];

  constructor(initial: Partial<SessionState> = {}) {
    this.state = {warehouse: 'test.duckdb', boundary: '2022-03-01', coverage: null, run: null, validation: null, activity: null, attached: false, ...initial};
  }

  set(patch: Partial<SessionState>): void {
    this.state = {...this.state, ...patch};
    this.tick();
  }

  emit(event: RunEvent): void {
    this.events.push(event);
    for (const listener of this.eventListeners) listener(event);
    this.tick();
  }

  private tick(): void {
    for (const listener of this.listeners) listener();
  }

  getState = (): SessionState => this.state;
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  subscribeEvents(listener: (event: RunEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }
  backlog(): readonly RunEvent[] {
    return this.events;
  }
  async call<K extends RequestType>(type: K, payload: RequestPayload<K>): Promise<RequestReply<K>> {
    (type === 'history' || type === 'statement' ? this.reads : this.calls).push({method: type, ...payload} as Call);
    if (type === 'start') return this.startResult as RequestReply<K>;
    if (type === 'statement') return this.statementResult as RequestReply<K>;
    if (type === 'history') {
      const {range, tables} = payload as RequestPayload<'history'>;
      return {attempts: this.attempts.filter((a) => a.end >= range.start && a.start <= range.end && (!tables || tables.includes(a.processor)))} as RequestReply<K>;
    }
    if (type === 'runs') return this.runsResult as RequestReply<K>;
    if (type !== 'preview') return undefined as RequestReply<K>;
    if (this.previewResult instanceof Error) throw this.previewResult;
    return (await this.previewResult) as RequestReply<K>;
  }
  async close(mode: 'detach' | 'cancel'): Promise<void> {
    this.calls.push({method: 'close', mode});
  }
}

/** A plan preview with these totals (nothing blocked, no estimate unless given); `planId` 'plan-test'. */
export function planPreviewOf(totals: {batches: number; dates: number; workers: number; lookbackDates?: number; cascadeDates?: number}, patch: Partial<PlanPreview> = {}): PlanPreview {
  const range = {start: '2021-12-01', end: '2021-12-31'};
  return {
    planId: 'plan-test',
    requested: range,
    range,
    boundary: '2022-03-01',
    processors: [],
    totals: {lookbackDates: 0, ...totals},
    blocked: [],
    resumesFirst: null,
    estimate: null,
    order: 'oldest-first',
    budget: null,
    hasWork: totals.batches > 0,
    replaces: null,
    ...patch,
  };
}

/** A BigQuery estimate: per processor, its batches and the GiB one batch reads. */
export function estimateOf(perBatch: Partial<Record<DerivedTableName, {batches: number; gib: number}>>): PlanCost {
  const processors = Object.entries(perBatch).map(([processor, {batches, gib}]) => {
    const bytes = batches * gib * 2 ** 30;
    return {processor: processor as DerivedTableName, batches, sample: {start: '2021-12-01', end: '2021-12-31'}, bytesPerBatch: gib * 2 ** 30, bytes, usd: usdFor(bytes)};
  });
  const bytes = processors.reduce((sum, p) => sum + p.bytes, 0);
  return {processors, skipped: [], bytes, usd: usdFor(bytes)};
}

/**
 * A schedule like the real one, deterministic: game dates from the 2021-22 opener, every day
 * except the 3rd, 10th, 17th and 24th of each month and the All-Star break, until the boundary.
 */
export function fakeGameDates(from: IsoDate, to: IsoDate): {date: IsoDate; season: string; games: number}[] {
  const out = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const day = Number(d.slice(8));
    const month = Number(d.slice(5, 7));
    if ([3, 10, 17, 24].includes(day) || (month >= 7 && month <= 9) || (d >= '2022-02-18' && d <= '2022-02-23')) continue;
    out.push({date: d, season: seasonOf(d), games: 5 + (day % 7)});
  }
  return out;
}

/** Coverage over `range`; `covered` maps a table to its covered dates, or 'all' / a predicate. */
export function coverageOf(
  range: DateRange,
  covered: Partial<Record<DerivedTableName, 'all' | ((date: IsoDate) => boolean)>> = {},
): CoverageSnapshot {
  const gameDates = fakeGameDates(range.start, range.end);
  const byTable: Record<string, IsoDate[]> = {};
  for (const t of DERIVED_TABLES) {
    const rule = covered[t.name];
    byTable[t.name] = rule === undefined ? [] : gameDates.map((g) => g.date).filter((d) => rule === 'all' || rule(d));
  }
  // Nothing stale unless a test says so (withStale).
  return {range, gameDates, covered: byTable, freshness: {unavailable: null, details: [], stale: {}}, takenAt: '2022-03-01T00:00:00Z'};
}

/** The coverage with these (covered) dates stale, as the session sends them. */
export function withStale(coverage: CoverageSnapshot, stale: Partial<Record<DerivedTableName, Record<IsoDate, Stale>>>): CoverageSnapshot {
  const map = new Map(Object.entries(stale).map(([table, dates]) => [table as DerivedTableName, new Map(Object.entries(dates ?? {}))]));
  return {...coverage, freshness: encodeStale(map, coverage.gameDates.map((g) => g.date))};
}

export function progressOf(name: DerivedTableName, patch: Partial<ProcessorProgress> = {}): ProcessorProgress {
  const table = DERIVED_TABLES.find((t) => t.name === name)!;
  return {
    name,
    short: table.short,
    phase: table.phase,
    status: 'queued',
    paused: false,
    datesTotal: 27,
    datesDone: 0,
    datesFailed: 0,
    rowsWritten: 0,
    retries: 0,
    running: [],
    concurrency: 2,
    maxConcurrency: 2,
    throughput: null,
    etaSeconds: null,
    lastError: null,
    rateSeries: [],
    rateIntervalSeconds: 10,
    ...patch,
  };
}

export function runOf(patch: Partial<RunSnapshot> = {}, processors: readonly ProcessorProgress[] = DERIVED_TABLES.map((t) => progressOf(t.name))): RunSnapshot {
  return {
    runId: 'run-1',
    state: 'running',
    range: {start: '2021-12-01', end: '2021-12-31'},
    startedAt: '2022-03-01T10:00:00Z',
    finishedAt: null,
    processors,
    changes: null,
    totals: {
      datesTotal: processors.reduce((n, p) => n + p.datesTotal, 0),
      datesDone: processors.reduce((n, p) => n + p.datesDone, 0),
      rowsWritten: processors.reduce((n, p) => n + p.rowsWritten, 0),
      batchesDone: 0,
      batchesFailed: 0,
    },
    ...patch,
  };
}

export function logEvent(message: string, level: 'info' | 'warn' | 'error' = 'info', time = '2022-03-01T10:00:00.000Z'): RunEvent {
  return {type: 'log', level, message, time, runId: 'run-1'};
}
