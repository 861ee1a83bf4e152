// The shape of the state file (`state.json` under --state-dir), one zod schema: per warehouse,
// the paused processors, the run in progress (what a resumed run continues) and the run history.
import {z} from 'zod';
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {derivedTableName, runRequestSchema} from '../runner/request.js';
import type {RunRequest, RunState} from '../runner/types.js';
import {tableChangesSchema} from '../undo/schemas.js';

const tableName = derivedTableName;
const range = z.object({start: z.string(), end: z.string()});

const batchRecord = z.object({
  processor: tableName,
  start: z.string(),
  end: z.string(),
  dates: z.number(),
  rows: z.number(),
  durationMs: z.number(),
  attempts: z.number(),
  status: z.enum(['done', 'failed', 'cancelled']),
  error: z.string().optional(),
  /** The write job's statistics, where the engine reports them (BigQuery); absent on DuckDB. */
  jobId: z.string().nullable().optional(),
  bytesProcessed: z.number().nullable().optional(),
  bytesBilled: z.number().nullable().optional(),
  slotMs: z.number().nullable().optional(),
  /** What the batch changed in its range (src/undo/changes.ts), when rows were kept. */
  changes: tableChangesSchema.optional(),
});

/** A run's spend where the engine bills: its batches' totals, the plan's estimate and the budget. */
const runSpend = z.object({
  bytesProcessed: z.number().nullable(),
  bytesBilled: z.number().nullable(),
  slotMs: z.number().nullable(),
  estimate: z.number().nullable(),
  budget: z.number().nullable(),
  budgetReached: z.boolean(),
});

const activeRun = z.object({
  runId: z.string(),
  pid: z.number(),
  startedAt: z.string(),
  boundary: z.string(),
  request: runRequestSchema,
  /** 'running' while a process works on it; 'stopped' after a quit that kept it resumable. */
  status: z.enum(['running', 'stopped']),
  batchesPlanned: z.number(),
  /** Game dates each processor has built in this run (what a resumed --force run skips). */
  done: z.record(z.string(), z.array(z.string())),
});

const runRecord = z.object({
  runId: z.string(),
  /** Absent for a run of processors (records written before undo existed too); `undo` puts back what `undoOf` replaced. */
  kind: z.enum(['run', 'undo']).optional(),
  undoOf: z.string().optional(),
  /** What was asked (absent in records written before it was kept). */
  request: runRequestSchema.optional(),
  range,
  processors: z.array(tableName),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  state: z.string(),
  jobs: z.number(),
  batches: z.array(batchRecord),
  spend: runSpend.optional(),
});

const warehouseState = z.object({
  paused: z.array(tableName),
  active: activeRun.nullable(),
  history: z.array(runRecord),
});

export const stateSchema = z.object({
  version: z.literal(1),
  warehouses: z.record(z.string(), warehouseState),
});

export type BatchRecord = z.infer<typeof batchRecord>;
export type RunSpendRecord = z.infer<typeof runSpend>;
export type ActiveRun = Omit<z.infer<typeof activeRun>, 'request'> & {request: RunRequest};
export type RunRecord = Omit<z.infer<typeof runRecord>, 'state' | 'range' | 'request'> & {state: RunState; range: DateRange; request?: RunRequest};
export type WarehouseState = {paused: DerivedTableName[]; active: ActiveRun | null; history: RunRecord[]};
export type StateFile = {version: 1; warehouses: Record<string, WarehouseState>};

export const EMPTY_STATE: StateFile = {version: 1, warehouses: {}};
