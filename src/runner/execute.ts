// Building one batch: the processor's SELECT through the warehouse's atomic range replace, or an
// external command followed by a check that the warehouse now covers the batch's dates and that
// the command wrote nothing outside them. The keeper (src/undo) adds what travels with the write:
// the rows it replaces, kept for undo, and the report of what it changed.
import {randomBytes} from 'node:crypto';
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import {addDays, type IsoDate} from '../dates.js';
import {processorFor} from '../queries/processors/index.js';
import type {BuildRecorder} from '../freshness/recorder.js';
import {dateParam, NO_STATISTICS, rangeParams, type JobStatistics, type Warehouse} from '../warehouse/types.js';
import type {ClassifiedError} from '../warehouse/errors.js';
import type {TableChanges} from '../undo/changes.js';
import type {BatchKeeper, WriteCompanions} from '../undo/keeper.js';
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
  /** The run's build records: written with the batch's rows (absent: none are written). */
  readonly recorder?: BuildRecorder;
  /** Keeps what the batch replaces and reports what it changed; absent: neither (the write alone). */
  readonly keeper?: BatchKeeper;
}

/** What a batch did: the rows it wrote and, on BigQuery, what its write job cost. */
export interface BatchResult {
  readonly rows: number;
  /** The write's job statistics; NO_STATISTICS on DuckDB and for an external command. */
  readonly statistics: JobStatistics;
  /** What it changed in its range (added, removed, changed rows); null without a keeper. */
  readonly changes: TableChanges | null;
}

export async function executeBatch(work: BatchWork, context: BatchContext): Promise<BatchResult> {
  if (context.command) return {...(await executeExternal(work, context, context.command)), statistics: NO_STATISTICS};
  return executeSql(work, context);
}

async function executeSql(work: BatchWork, {warehouse, signal, keeper, recorder}: BatchContext): Promise<BatchResult> {
  const table = derivedTable(work.processor);
  const select = processorFor(table).select(warehouse.dialect);
  const params = rangeParams(work.start, work.end, work.runId);
  // One id per submission: the adapter's own resubmissions of it (a lost reply) reuse the job,
  // while a retry, a requeue after pause or a resumed run is a new job, never an old one's result.
  const job = {runId: work.runId, processor: work.processor, step: `${work.start}_${work.end}_a${work.attempt}_${randomBytes(3).toString('hex')}`};
  // The build records of the batch's dates travel with its rows (same transaction on DuckDB),
  // after what the keeper keeps of the records they replace.
  const records = await recorder?.forSql(work);
  const write = ({before, after}: WriteCompanions = {before: [], after: []}) =>
    warehouse.replaceRange(table, select, params, {signal, job, before, after: [...after, ...(records?.companions ?? [])]});
  const {result, changes} = keeper?.active ? await keeper.write(table, warehouse, params, {signal, job}, write) : {result: await write(), changes: null};
  if (records) await recorder!.wrote(records, result);
  return {rows: result.rowsWritten, statistics: result.statistics, changes};
}

async function executeExternal(work: BatchWork, context: BatchContext, command: readonly string[]): Promise<{rows: number; changes: TableChanges | null}> {
  const {warehouse, signal} = context;
  signal.throwIfAborted();
  // The warehouse's own clock, read before the command starts: rows it stamps from now on are its.
  const since = await warehouseNow(work, warehouse);
  const table = derivedTable(work.processor);
  const job = {runId: work.runId, processor: work.processor, step: `${work.start}_${work.end}_a${work.attempt}`};
  // Kept before the command is spawned: what it replaces is what the range holds now.
  const report = (await context.keeper?.forCommand(table, warehouse, rangeParams(work.start, work.end, work.runId), {signal, job}, since)) ?? null;
  const batch = enterBatch(warehouse, work);
  try {
    await runCommand(work, context, command);
    const rows = await verifyCoverage(work, warehouse, since, batch);
    await context.recorder?.recordCommand(work, command, since, {job: {runId: work.runId, processor: work.processor, step: `${work.start}_${work.end}_records${work.attempt}`}});
    return {rows, changes: report ? await report(rows) : null};
  } finally {
    IN_FLIGHT.delete(batch);
  }
}

async function runCommand(work: BatchWork, context: BatchContext, command: readonly string[]): Promise<void> {
  const {warehouse, signal} = context;
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
}

// ------------------------------------------------------------ what the command wrote
// "Written by this batch's command" = stamped (processed_at, the lineage column every derived
// table carries) at or after the warehouse's clock read before the command started. Batches of
// the same processor running at the same time write their own ranges meanwhile: each batch
// remembers the siblings it overlapped with, and their ranges are theirs, not strays.

/** Rows stamped this far from the batch, either side, are looked at (a season and then some). */
export const STRAY_WINDOW_DAYS = 800;

interface InFlightBatch {
  readonly key: string;
  readonly start: IsoDate;
  readonly end: IsoDate;
  readonly overlapped: Set<InFlightBatch>;
}

const IN_FLIGHT = new Set<InFlightBatch>();

function enterBatch(warehouse: Warehouse, work: BatchWork): InFlightBatch {
  const batch: InFlightBatch = {key: `${warehouse.description}\0${work.processor}`, start: work.start, end: work.end, overlapped: new Set()};
  for (const other of IN_FLIGHT) {
    if (other.key !== batch.key) continue;
    other.overlapped.add(batch);
    batch.overlapped.add(other);
  }
  IN_FLIGHT.add(batch);
  return batch;
}

async function warehouseNow(work: BatchWork, warehouse: Warehouse): Promise<string> {
  const [row] = await warehouse.query(`SELECT ${warehouse.dialect.currentTimestamp()} AS now`, {}, {
    job: {runId: work.runId, processor: work.processor, step: `${work.start}_${work.end}_clock${work.attempt}`},
  });
  return String(row.now);
}

function permanent(message: string): ClassifiedError {
  return Object.assign(new Error(message), {retryKind: 'permanent' as const});
}

/**
 * After a zero exit: every game date of the batch must now have rows, and no row the command
 * stamped may lie outside the batch's game dates (another date of the range, or beyond it), where
 * nothing replaces it: both are permanent failures. Returns the rows on the batch's range.
 */
async function verifyCoverage(work: BatchWork, warehouse: Warehouse, since: string, batch: InFlightBatch): Promise<number> {
  const d = warehouse.dialect;
  const table = derivedTable(work.processor);
  const rows = await warehouse.query(
    `SELECT game_date, COUNT(*) AS n, SUM(CASE WHEN processed_at >= ${d.param('since', 'TIMESTAMP')} THEN 1 ELSE 0 END) AS stamped\n` +
      `FROM ${d.table(table)}\nWHERE game_date BETWEEN ${d.param('window_start', 'DATE')} AND ${d.param('window_end', 'DATE')}\nGROUP BY game_date`,
    {
      since: {type: 'TIMESTAMP', value: since},
      window_start: dateParam(addDays(work.start, -STRAY_WINDOW_DAYS)),
      window_end: dateParam(addDays(work.end, STRAY_WINDOW_DAYS)),
    },
    {job: {runId: work.runId, processor: work.processor, step: `${work.start}_${work.end}_check${work.attempt}`}},
  );
  const inRange = rows.filter((r) => String(r.game_date) >= work.start && String(r.game_date) <= work.end);
  const own = new Set(work.dates);
  const siblings = [...batch.overlapped];
  const strays = rows
    .filter((r) => Number(r.stamped) > 0 && !own.has(String(r.game_date)))
    .filter((r) => !siblings.some((s) => String(r.game_date) >= s.start && String(r.game_date) <= s.end))
    .sort((a, b) => String(a.game_date).localeCompare(String(b.game_date)));
  if (strays.length) {
    const listed = strays.slice(0, 5).map((r) => `${r.game_date} (${r.stamped} ${Number(r.stamped) === 1 ? 'row' : 'rows'})`).join(', ') + (strays.length > 5 ? `, and ${strays.length - 5} more dates` : '');
    throw permanent(
      `the command exited 0 but also wrote ${table.short} rows outside its batch's game dates ${work.start}..${work.end}: ${listed}; ` +
        'nothing replaces them there (fix the command: a batch writes only its own dates)',
    );
  }
  const present = new Set(inRange.map((r) => String(r.game_date)));
  const absent = work.dates.filter((date) => !present.has(date));
  if (absent.length) {
    const sample = absent.slice(0, 3).join(', ') + (absent.length > 3 ? ', …' : '');
    throw permanent(`the command exited 0 but ${table.short} has no rows on ${absent.length} of its ${work.dates.length} game dates (${sample})`);
  }
  return inRange.reduce((sum, r) => sum + Number(r.n), 0);
}
