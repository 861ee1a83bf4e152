// Building one batch: the processor's SELECT through the warehouse's atomic range replace, or an
// external command followed by a check that the warehouse now covers the batch's dates.
import {randomBytes} from 'node:crypto';
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import {processorFor} from '../queries/processors/index.js';
import {rangePredicate} from '../queries/write.js';
import {dateParam, rangeParams, type Warehouse} from '../warehouse/types.js';
import type {ClassifiedError} from '../warehouse/errors.js';
import {runExternal, type ExternalRun} from './external.js';

export interface BatchWork {
  readonly processor: DerivedTableName;
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly dates: readonly IsoDate[];
  readonly attempt: number;
  readonly runId: string;
}

export interface BatchContext {
  readonly warehouse: Warehouse;
  readonly signal: AbortSignal;
  readonly command: readonly string[] | null;
  readonly onOutput: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Called with the child while an external batch runs, so that pause can stop it. */
  readonly onExternal: (run: ExternalRun | null) => void;
}

/** Rows written by the batch. */
export async function executeBatch(work: BatchWork, context: BatchContext): Promise<number> {
  return context.command ? executeExternal(work, context, context.command) : executeSql(work, context);
}

async function executeSql(work: BatchWork, {warehouse, signal}: BatchContext): Promise<number> {
  const table = derivedTable(work.processor);
  const select = processorFor(table).select(warehouse.dialect);
  const result = await warehouse.replaceRange(table, select, rangeParams(work.start, work.end, work.runId), {
    signal,
    // One id per submission: the adapter's own resubmissions of it (a lost reply) reuse the job,
    // while a retry, a requeue after pause or a resumed run is a new job, never an old one's result.
    job: {runId: work.runId, processor: work.processor, step: `${work.start}_${work.end}_a${work.attempt}_${randomBytes(3).toString('hex')}`},
  });
  return result.rowsWritten;
}

async function executeExternal(work: BatchWork, context: BatchContext, command: readonly string[]): Promise<number> {
  const {warehouse, signal} = context;
  signal.throwIfAborted();
  const child = runExternal({
    template: command,
    start: work.start,
    end: work.end,
    env: {
      BACKFILL_START: work.start,
      BACKFILL_END: work.end,
      BACKFILL_RUN_ID: work.runId,
      BACKFILL_PROCESSOR: work.processor,
      BACKFILL_WAREHOUSE: warehouse.description,
    },
    onLine: context.onOutput,
  });
  const kill = () => child.kill();
  signal.addEventListener('abort', kill, {once: true});
  context.onExternal(child);
  try {
    await child.done;
  } finally {
    context.onExternal(null);
    signal.removeEventListener('abort', kill);
  }
  signal.throwIfAborted();
  return verifyCoverage(work, warehouse);
}

/** After a zero exit: every game date of the batch must now have rows. Returns the rows there. */
async function verifyCoverage(work: BatchWork, warehouse: Warehouse): Promise<number> {
  const d = warehouse.dialect;
  const table = derivedTable(work.processor);
  const rows = await warehouse.query(
    `SELECT game_date, COUNT(*) AS n FROM ${d.table(table)} WHERE ${rangePredicate(d)} GROUP BY game_date`,
    {start_date: dateParam(work.start), end_date: dateParam(work.end)},
    {job: {runId: work.runId, processor: work.processor, step: `${work.start}_${work.end}_check${work.attempt}`}},
  );
  const present = new Set(rows.map((r) => r.game_date as string));
  const absent = work.dates.filter((date) => !present.has(date));
  if (absent.length) {
    const sample = absent.slice(0, 3).join(', ') + (absent.length > 3 ? ', …' : '');
    const error: ClassifiedError = Object.assign(
      new Error(`the command exited 0 but ${table.short} has no rows on ${absent.length} of its ${work.dates.length} game dates (${sample})`),
      {retryKind: 'permanent' as const},
    );
    throw error;
  }
  return rows.reduce((sum, r) => sum + Number(r.n), 0);
}
