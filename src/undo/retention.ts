// Retention: the replaced rows of the last N runs stay (config `undo.runs`, default 3); after each
// run (and each undo) the older ones are dropped. A run's entries are marked pruned first, then its
// kept rows deleted: a crash in between leaves rows nothing points to (the next pruning deletes
// them: it deletes every pruned run's rows), never a run that looks undoable without its rows.
// Runs whose ranges were all undone are pruned at once: their rows are back in their tables.
// Time travel keeps no rows of its own: pruning only marks, and the undo window ends there.
import type {Warehouse} from '../warehouse/types.js';
import {stringParam} from '../warehouse/types.js';
import type {UndoPolicy} from './policy.js';
import {keptRuns, liveRuns, readReplacedRanges} from './ranges.js';
import {dropPrunedNotesStatement, dropPrunedStatement, markPrunedStatement} from './restore-sql.js';
import {keptSources} from './tables.js';

export interface Pruned {
  /** Runs whose kept rows were dropped now, oldest first. */
  readonly runs: readonly string[];
}

/** Runs whose rows are no longer kept after this: beyond the newest `policy.runs`, or fully undone. */
export function runsToPrune(entries: Awaited<ReturnType<typeof readReplacedRanges>>, policy: Pick<UndoPolicy, 'runs'>): string[] {
  const beyond = liveRuns(entries).slice(policy.runs).map((r) => r.runId);
  const undone = keptRuns(entries).filter((r) => r.prunedAt === null && r.fullyUndone && r.keptRows > 0).map((r) => r.runId);
  const order = new Map(keptRuns(entries).map((r) => [r.runId, r.firstKeptAt]));
  return [...new Set([...beyond, ...undone])].sort((a, b) => order.get(a)!.localeCompare(order.get(b)!));
}

/** After a run or an undo: drops what retention no longer keeps (everything with `undo.runs: 0`). */
export async function pruneKeptRows(warehouse: Warehouse, policy: UndoPolicy): Promise<Pruned> {
  const runs = runsToPrune(await readReplacedRanges(warehouse), policy);
  if (runs.length === 0) return {runs};
  const d = warehouse.dialect;
  for (const runId of runs) await warehouse.query(markPrunedStatement(d), {run_id: stringParam(runId)});
  if (policy.mode === 'copy') {
    for (const source of keptSources()) await warehouse.query(dropPrunedStatement(d, source));
    await warehouse.query(dropPrunedNotesStatement(d));
  }
  return {runs};
}
