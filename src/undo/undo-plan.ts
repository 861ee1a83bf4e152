// Whether a run can be undone and, if so, the steps: one per (table, batch range) it wrote, from
// the index. Pure: the index entries, the run history and the policy in, a plan or the one reason
// it is refused out (a UsageError: bad input, exit 2, nothing changed). `runs` asks the same
// question of every run, so the two always agree on why not.
import {DERIVED_TABLES, shortName} from '../catalog/index.js';
import type {DerivedTable, DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {UsageError} from '../errors.js';
import {quoted} from '../quote.js';
import type {RunRecord} from '../state/schema.js';
import {pastTimeTravel, type UndoPolicy} from './policy.js';
import {laterRewrites, type ReplacedRange} from './ranges.js';

export interface UndoPlan {
  /** The run whose replaced rows are put back. */
  readonly runId: string;
  /** One atomic step each, dependants first (what reads a table is put back before it). */
  readonly steps: readonly ReplacedRange[];
  readonly tables: readonly DerivedTableName[];
  /** Rows put back (the rows its steps replaced). */
  readonly keptRows: number;
  /** The span of the steps' ranges. */
  readonly range: DateRange;
  /** Ranges an earlier, interrupted undo of this run already put back (they are not redone). */
  readonly alreadyUndone: number;
}

export interface UndoQuestion {
  readonly runId: string;
  /** Only these tables of the run (default: every table it wrote). */
  readonly tables?: readonly DerivedTable[];
  readonly entries: readonly ReplacedRange[];
  readonly history: readonly RunRecord[];
  readonly policy: UndoPolicy;
  readonly now?: number;
}

const names = (tables: readonly DerivedTableName[]) => tables.map(shortName).join(', ');

/** Why a known run cannot be undone: `reason` reads after the run's id ("was already undone by ..."). */
export class UndoRefused extends UsageError {
  constructor(
    readonly runId: string,
    readonly reason: string,
  ) {
    super(`run ${quoted(runId)} ${reason}`);
  }
}

/** The plan, or a UsageError saying in one line why this run cannot be undone now. */
export function planUndo(question: UndoQuestion): UndoPlan {
  const {runId, entries, history, policy} = question;
  const record = history.find((r) => r.runId === runId);
  const own = entries.filter((e) => e.runId === runId);
  const refuse = (reason: string) => new UndoRefused(runId, reason);
  if (record?.kind === 'undo') throw refuse(`is an undo (of ${record.undoOf ?? 'another run'}): an undo is not undone; run that run's processors again to redo it`);
  if (own.length === 0) {
    if (!record) throw new UsageError(`no run ${quoted(runId)} in the run history or the warehouse's index: \`backfill runs\` lists the runs`);
    throw refuse(`kept nothing to put back: it wrote no batch${record.batches.length ? ' while replaced rows were kept (undo.runs was 0, or it ran before undo existed)' : ''}`);
  }
  const wrote = DERIVED_TABLES.filter((t) => own.some((e) => e.table === t.name)).map((t) => t.name);
  const asked = question.tables?.map((t) => t.name) ?? wrote;
  const untouched = asked.filter((t) => !wrote.includes(t));
  if (untouched.length) throw refuse(`did not write ${names(untouched)} (it wrote ${names(wrote)}): leave them out of --tables`);
  const chosen = own.filter((e) => asked.includes(e.table));
  const pruned = chosen.find((e) => e.prunedAt !== null && e.undoneBy === null);
  if (pruned) {
    throw refuse(`can no longer be undone: retention dropped its replaced rows at ${pruned.prunedAt} (undo keeps the last ${policy.runs} runs: config undo.runs)`);
  }
  const left = chosen.filter((e) => e.undoneBy === null);
  if (left.length === 0) throw refuse(`was already undone by ${[...new Set(chosen.map((e) => e.undoneBy))].join(', ')}`);
  const keptRows = left.reduce((sum, e) => sum + e.keptRows, 0);
  const alreadyUndone = chosen.length - left.length;
  if (keptRows === 0 && alreadyUndone === 0) {
    throw refuse(`replaced nothing${question.tables ? ` in ${names(asked)}` : ''} (a first build of every range it wrote): there is nothing to put back; \`backfill rollback\` deletes what it wrote`);
  }
  const expired = left.find((e) => pastTimeTravel(policy, e.keptAt, question.now));
  if (expired) {
    throw refuse(`can no longer be undone: its replaced rows (${expired.keptAt}) are past BigQuery's time-travel window of ${policy.timeTravelHours} hours (config undo.keep "copy" keeps them longer)`);
  }
  for (const e of left) {
    const [later] = laterRewrites(e, entries);
    if (later) {
      throw refuse(`cannot be undone before run ${later.runId}, which rewrote ${shortName(e.table)} ${later.start}..${later.end} after it: undo run ${later.runId} first`);
    }
  }
  const order = new Map(DERIVED_TABLES.map((t, i) => [t.name, i]));
  const steps = [...left].sort((a, b) => order.get(b.table)! - order.get(a.table)! || a.start.localeCompare(b.start));
  return {
    runId,
    steps,
    tables: DERIVED_TABLES.filter((t) => steps.some((s) => s.table === t.name)).map((t) => t.name),
    keptRows,
    range: {start: steps.reduce((m, s) => (s.start < m ? s.start : m), steps[0].start), end: steps.reduce((m, s) => (s.end > m ? s.end : m), steps[0].end)},
    alreadyUndone,
  };
}

/** Why a run cannot be undone now ("was already undone by ..."), or null when it can (what `runs` shows). */
export function whyNotUndoable(question: UndoQuestion): string | null {
  try {
    planUndo(question);
    return null;
  } catch (error) {
    if (error instanceof UndoRefused) return error.reason;
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}
