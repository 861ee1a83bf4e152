// The run history as `backfill runs` and the console's runs view show it: the state store's
// records (what was asked, when, how it ended, what it wrote and changed) joined with the
// warehouse's index (what each run kept), and for each run whether it can be undone now and, if
// not, why (the same answer `undo` would give: undo-plan.ts). Newest first.
import {shortName} from '../catalog/index.js';
import type {DateRange} from '../dates.js';
import type {RunRecord} from '../state/schema.js';
import {lockHolder} from '../state/lock.js';
import {StateStore} from '../state/store.js';
import type {Warehouse} from '../warehouse/types.js';
import {changesJson, reportOf, type ChangeReport} from './changes.js';
import type {UndoPolicy} from './policy.js';
import {keptRuns, readReplacedRanges, type ReplacedRange} from './ranges.js';
import {whyNotUndoable} from './undo-plan.js';

export interface RunListing {
  readonly id: string;
  readonly kind: 'run' | 'undo';
  /** The run an undo put back. */
  readonly undoOf: string | null;
  readonly started: string;
  readonly finished: string | null;
  /** completed, failed, cancelled, interrupted, running; `unknown` for a run only the warehouse's index knows. */
  readonly outcome: string;
  readonly range: DateRange | null;
  readonly processors: readonly string[];
  readonly force: boolean;
  /** Game dates its batches built, and the rows they wrote (put back, for an undo). */
  readonly dates: number;
  readonly rows: number;
  readonly batches: number;
  /** Rows it replaced and kept, from the index (null when the index does not know the run). */
  readonly replaced: number | null;
  readonly changes: ChangeReport;
  readonly undoable: boolean;
  /** Why it cannot be undone now (null when it can). */
  readonly why: string | null;
}

function listing(record: RunRecord | undefined, runId: string, entries: readonly ReplacedRange[], history: readonly RunRecord[], policy: UndoPolicy, liveRunId: string | null): RunListing {
  const own = entries.filter((e) => e.runId === runId);
  const kept = keptRuns(own)[0];
  const done = record?.batches.filter((b) => b.status === 'done') ?? [];
  const why = whyNotUndoable({runId, entries, history, policy});
  return {
    id: runId,
    kind: record?.kind ?? 'run',
    undoOf: record?.undoOf ?? null,
    started: record?.startedAt ?? kept?.firstKeptAt ?? '',
    finished: record?.finishedAt ?? null,
    // A record still "running" that no live process holds was cut short (a kill, a crash).
    outcome: record?.state === 'running' && record.runId !== liveRunId ? 'interrupted' : (record?.state ?? 'unknown'),
    range: record?.range ?? null,
    processors: record?.processors ?? kept?.tables ?? [],
    force: record?.request?.force === true,
    dates: done.reduce((sum, b) => sum + b.dates, 0),
    rows: done.reduce((sum, b) => sum + b.rows, 0),
    batches: record?.batches.length ?? own.length,
    replaced: kept ? kept.keptRows : null,
    changes: reportOf(done),
    undoable: why === null,
    why,
  };
}

/** Every run of the history and of the index, newest first (`liveRunId`: the run a live process holds the warehouse for). */
export function listRuns(history: readonly RunRecord[], entries: readonly ReplacedRange[], policy: UndoPolicy, liveRunId: string | null = null): RunListing[] {
  const ids = [...new Set([...history.map((r) => r.runId), ...entries.map((e) => e.runId)])];
  return ids
    .map((id) => listing(history.find((r) => r.runId === id), id, entries, history, policy, liveRunId))
    .sort((a, b) => b.started.localeCompare(a.started));
}

/** The listing, reading the warehouse's index and the state store. */
export async function readRuns(warehouse: Warehouse, stateDir: string, policy: UndoPolicy): Promise<RunListing[]> {
  const history = new StateStore(stateDir).history(warehouse.description);
  return listRuns(history, await readReplacedRanges(warehouse), policy, lockHolder(stateDir, warehouse.description)?.runId ?? null);
}

/** The JSON of `runs --json`: `{"runs": [...]}` with `changes` as the summary event writes it. */
export function runsJson(runs: readonly RunListing[]): {runs: object[]} {
  return {
    runs: runs.map((r) => ({
      id: r.id,
      kind: r.kind,
      undo_of: r.undoOf,
      started: r.started,
      finished: r.finished,
      outcome: r.outcome,
      range: r.range,
      processors: r.processors,
      force: r.force,
      dates: r.dates,
      rows: r.rows,
      batches: r.batches,
      replaced: r.replaced,
      ...changesJson(r.changes),
      undoable: r.undoable,
      why_not_undoable: r.why,
    })),
  };
}

/** What it did, in one line: "force 2021-12-01..2021-12-31 PGS,TOGS: 24 game dates, 5123 rows". */
export function requestText(r: RunListing): string {
  if (r.kind === 'undo') return `undo of ${r.undoOf ?? '?'}: ${r.rows} rows put back in ${r.batches} ranges`;
  const range = r.range ? `${r.range.start}..${r.range.end}` : 'range unknown';
  const what = r.processors.length === 10 ? 'all processors' : r.processors.map(shortName).join(',');
  return `${r.force ? 'force ' : ''}${range} ${what}: ${r.dates} game dates, ${r.rows} rows`;
}
