// What a console may ask of a session, written once: each request's payload schema and, where it
// answers with data, its reply schema. The Session interface, the socket's messages, the server's
// dispatch and the attached client's calls are all derived from this table, so adding a request
// is one entry here and one handler in LocalSession (see src/attach/protocol.ts for the wire).
import {z} from 'zod';
import {isoDate} from '../config.js';
import {RUN_ORDERS} from '../limits.js';
import type {DateRange} from '../dates.js';
import {dateRangeSchema, derivedTableName, reprocessMode, runRequestSchema} from '../runner/request.js';
import type {RunIntent, RunRequest} from '../runner/types.js';
import type {PlanCost} from '../warehouse/cost-format.js';
import {runListingSchema} from '../undo/schemas.js';

const tableName = derivedTableName;
const count = z.number().int().min(0);
const dateRange: z.ZodType<DateRange> = dateRangeSchema;
const tables = z.array(tableName).min(1).readonly();

const runRequest: z.ZodType<RunRequest> = runRequestSchema;

const runIntent: z.ZodType<RunIntent> = z.object({type: z.enum(['pause', 'resume', 'cancel']), processor: tableName.optional()});

/** BigQuery's dry-run estimate, as numbers (src/warehouse/bigquery-cost.ts computes and formats it). */
const planCost: z.ZodType<PlanCost> = z.object({
  processors: z.array(z.object({processor: tableName, batches: count, sample: dateRange, bytesPerBatch: z.number(), bytes: z.number(), usd: z.number()})),
  skipped: z.array(tableName),
  bytes: z.number(),
  usd: z.number(),
});

/** How long the plan should take from this warehouse's past pace (src/runner/estimate.ts). */
const durationEstimate = z.object({
  seconds: z.number().nullable(),
  processors: z.array(z.object({name: tableName, dates: count, datesPerSecond: z.number().nullable(), seconds: z.number().nullable()})),
});

/** What starting a request would do, computed where the warehouse is; src/ui/plan-preview.ts renders it. */
const planPreview = z.object({
  /** The plan's identity (its batches, gates and boundary): `start` runs it only while it still holds. */
  planId: z.string(),
  requested: dateRange,
  /** The range planned: the request cut at the day before the boundary; null when nothing is left. */
  range: dateRange.nullable(),
  boundary: isoDate,
  /** `cascadeDates`: dates added because they read what the plan rebuilds (a processor not selected may have only these). */
  processors: z.array(z.object({name: tableName, batches: count, dates: count, lookbackDates: count, skipped: count, cascadeDates: count.optional()})),
  /** Processor-dates include the lookback and cascade dates; `workers` batches at most run at once. */
  totals: z.object({batches: count, dates: count, lookbackDates: count, workers: count, cascadeDates: count.optional()}),
  /** Which dates the selection's processors rebuild (absent: missing). */
  reprocess: reprocessMode.optional(),
  /** Input dates that no batch of the plan builds and the warehouse does not hold. */
  blocked: z.array(z.object({processor: tableName, input: tableName, dates: z.array(isoDate)})),
  /** The interrupted run that runs before this plan, if any. */
  resumesFirst: z.object({runId: z.string(), range: dateRange}).nullable(),
  /** Null where the engine does not bill (DuckDB). */
  estimate: planCost.nullable(),
  /** Which batches start first. */
  order: z.enum(RUN_ORDERS),
  /** Bytes billed at which the run pauses (BigQuery), null for none: the estimate must fit it. */
  budget: z.number().nullable(),
  /** The duration estimate; absent from a host older than the history. */
  duration: durationEstimate.optional(),
  /** False when every date is covered: nothing to start. */
  hasWork: z.boolean(),
  /** The plan id this one replaces: the operator approved that one, and the warehouse changed since. */
  replaces: z.string().nullable(),
});
export type PlanPreview = z.infer<typeof planPreview>;

/** One batch attempt of the history (src/state/attempts.ts). */
const attempt = z.object({
  runId: z.string(),
  processor: tableName,
  start: isoDate,
  end: isoDate,
  dates: count,
  attempt: count,
  startedAt: z.string(),
  durationMs: z.number(),
  rows: z.number().nullable(),
  outcome: z.enum(['done', 'retry', 'failed', 'cancelled', 'requeued']),
  error: z.string().nullable(),
  retryKind: z.enum(['transient', 'quota', 'permanent']).nullable(),
  jobId: z.string().nullable(),
  bytesProcessed: z.number().nullable(),
  bytesBilled: z.number().nullable(),
  slotMs: z.number().nullable(),
});

/** What a batch runs: the statements `backfill sql` prints for its range, or its external command. */
const statement = z.object({kind: z.enum(['sql', 'command']), text: z.string()});

const startReply = z.discriminatedUnion('started', [
  z.object({started: z.literal(true), runId: z.string()}),
  /** Not started: why, and the new plan when the approved one no longer matches the warehouse. */
  z.object({started: z.literal(false), reason: z.string(), preview: planPreview.nullable()}),
]);
export type StartReply = z.infer<typeof startReply>;
export type BatchStatement = z.infer<typeof statement>;

/** Attempts in one history reply at most: a month of one-date batches retried many times fits. */
export const HISTORY_REPLY_MAX = 2000;

interface RequestSpec {
  readonly payload: z.ZodObject;
  readonly reply?: z.ZodType;
  /** Only a console's host takes it (a headless run is steered, never replaced). */
  readonly control?: boolean;
}

export const SESSION_REQUESTS = {
  /** Re-read the coverage; coalesced per session (one in flight, one waiting). */
  refresh: {payload: z.object({})},
  /** The plan of a request and, on BigQuery, its cost: shown before `start`. */
  preview: {payload: z.object({request: runRequest}), reply: planPreview},
  /** With `planId` (from a preview): runs that plan, or refuses with the new one if the warehouse changed. */
  start: {payload: z.object({request: runRequest, planId: z.string().optional()}), reply: startReply, control: true},
  intent: {payload: z.object({intent: runIntent})},
  validate: {payload: z.object({range: dateRange, tables})},
  /** Deletes the range of those tables (dependants first), then optionally rebuilds it. */
  rollback: {payload: z.object({range: dateRange, tables, rerun: z.boolean()}), control: true},
  /** The attempts of batches touching the range (the newest HISTORY_REPLY_MAX), oldest first. */
  history: {payload: z.object({range: dateRange, tables: tables.optional()}), reply: z.object({attempts: z.array(attempt)})},
  /** The statement a batch of that range runs, rendered by the warehouse's own dialect. */
  statement: {payload: z.object({processor: tableName, range: dateRange}), reply: statement},
  /** The run history, newest first, each run with whether it can be undone and why not (src/undo/runs-view.ts). */
  runs: {payload: z.object({}), reply: z.array(runListingSchema)},
  /** Puts back what the run replaced (only those tables, when given); refused in the log when it cannot be undone. */
  undo: {payload: z.object({runId: z.string().min(1).max(200), tables: tables.optional()}), control: true},
} as const satisfies Record<string, RequestSpec>;

type Requests = typeof SESSION_REQUESTS;
export type RequestType = keyof Requests;
export type RequestPayload<K extends RequestType> = z.infer<Requests[K]['payload']>;
/** The reply's data; void for a request that only acts (its outcome shows in the state and the log). */
export type RequestReply<K extends RequestType> = Requests[K] extends {readonly reply: infer R extends z.ZodType} ? z.infer<R> : void;

export interface CallOptions {
  /** Aborted when the caller is gone (a client disconnected): work still queued for it is dropped. */
  readonly signal?: AbortSignal;
}

type RequestHandler<K extends RequestType> = (payload: RequestPayload<K>, options: CallOptions) => Promise<RequestReply<K>>;
/** One handler per request: what LocalSession implements. */
export type SessionHandlers = {readonly [K in RequestType]: RequestHandler<K>};

/** A request as one value (parsed from the wire); `callRequest` hands it to a session. */
export type SessionRequest<K extends RequestType = RequestType> = {[P in K]: {readonly type: P; readonly payload: RequestPayload<P>}}[K];

export function isRequestType(type: unknown): type is RequestType {
  return typeof type === 'string' && Object.hasOwn(SESSION_REQUESTS, type);
}

/** True for a request whose caller waits for data (a failure is its caller's to show). */
export function answersWithData(type: RequestType): boolean {
  return 'reply' in SESSION_REQUESTS[type];
}

export function needsControl(type: RequestType): boolean {
  return 'control' in SESSION_REQUESTS[type];
}
