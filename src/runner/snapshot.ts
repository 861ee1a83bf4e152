// A run's snapshot: what front ends draw (per processor: status, dates, rows, throughput, ETA,
// the throughput series of the last minutes and, where the engine bills, spend), read from the
// graph's tallies, the scheduler's per-processor records and the spend meter. The ETA is the
// estimate's model (estimate.ts): remaining dates at this run's measured pace, or at this
// warehouse's past pace until a batch of this run finished.
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {etaSeconds} from './estimate.js';
import type {ChangeReport} from '../undo/changes.js';
import type {BatchGraph} from './graph.js';
import type {ProcessorRun} from './scheduler.js';
import type {SpendMeter} from './spend.js';
import {batchRef} from './transitions.js';
import type {ProcessorProgress, ProcessorStatus, RunSnapshot, RunState} from './types.js';

export interface RunView {
  readonly runId: string;
  readonly state: RunState;
  readonly range: DateRange | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly processors: readonly ProcessorRun[];
  readonly graph: BatchGraph;
  readonly attempt: (id: number) => number;
  /** Null where the engine bills nothing: the snapshot then has no spend at all. */
  readonly spend: SpendMeter | null;
  /** Past dates per second per processor, from the history (estimate.ts). */
  readonly pastRates?: ReadonlyMap<DerivedTableName, number>;
  readonly changes: ChangeReport | null;
}

export function runSnapshot(view: RunView, now = Date.now()): RunSnapshot {
  const processors = view.processors.map((proc) => progressOf(proc, view, now));
  return {
    runId: view.runId,
    state: view.state,
    range: view.range,
    startedAt: view.startedAt,
    finishedAt: view.finishedAt,
    processors,
    changes: view.changes,
    totals: {
      datesTotal: processors.reduce((s, p) => s + p.datesTotal, 0),
      datesDone: processors.reduce((s, p) => s + p.datesDone, 0),
      rowsWritten: processors.reduce((s, p) => s + p.rowsWritten, 0),
      batchesDone: view.graph.tally('done').batches,
      batchesFailed: view.graph.tally('failed').batches,
    },
    ...(view.spend ? {spend: view.spend.run()} : {}),
  };
}

function progressOf(proc: ProcessorRun, {graph, attempt, spend, pastRates}: RunView, now: number): ProcessorProgress {
  const name = proc.plan.name;
  const datesTotal = graph.dates(name);
  const datesDone = graph.tally('done', name).dates;
  const failed = graph.tally('failed', name);
  const open = graph.open(name) > 0;
  const status: ProcessorStatus = proc.cancelled ? 'cancelled'
    : proc.paused && open ? 'paused'
    : proc.running.size > 0 ? 'running'
    : open ? 'queued'
    : failed.batches > 0 ? 'failed'
    : 'done';
  const end = open ? now : (proc.lastFinishedAt ?? now);
  const seconds = proc.firstStartedAt !== null ? (end - proc.firstStartedAt) / 1000 : 0;
  const throughput = datesDone > 0 && seconds > 0 ? datesDone / seconds : null;
  const remaining = datesTotal - datesDone - failed.dates;
  return {
    name,
    short: proc.plan.short,
    phase: proc.plan.phase,
    status,
    paused: proc.paused,
    datesTotal,
    datesDone,
    datesFailed: failed.dates,
    rowsWritten: proc.rows,
    retries: proc.retries,
    running: [...proc.running].map((id) => batchRef(graph.batch(id), attempt(id))),
    concurrency: proc.control.current,
    maxConcurrency: proc.control.max,
    throughput,
    etaSeconds: open ? etaSeconds(remaining, throughput, pastRates?.get(name) ?? null) : 0,
    lastError: proc.lastError,
    ...(spend ? {spend: spend.processor(name)} : {}),
    rateSeries: proc.series.series(now),
    rateIntervalSeconds: proc.series.intervalSeconds,
  };
}
