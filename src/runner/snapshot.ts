// A run's snapshot: what front ends draw (per processor: status, dates, rows, throughput, ETA),
// read from the graph's tallies and the scheduler's per-processor records.
import type {DateRange} from '../dates.js';
import type {ChangeReport} from '../undo/changes.js';
import type {BatchGraph} from './graph.js';
import type {ProcessorRun} from './scheduler.js';
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
  };
}

function progressOf(proc: ProcessorRun, {graph, attempt}: RunView, now: number): ProcessorProgress {
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
    etaSeconds: throughput && open ? Math.round(remaining / throughput) : open ? null : 0,
    lastError: proc.lastError,
  };
}
