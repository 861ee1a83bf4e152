// The index of what runs replaced (nba_backfill.replaced_ranges) as data: one entry per batch range
// a run wrote, grouped into what each run kept. Undo plans from it, `runs` says from it what can be
// undone and why not, retention decides from it what to drop. Read whole: it holds one row per
// batch, and every reader needs most of it.
import {DERIVED_TABLE_NAMES, type DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {Warehouse} from '../warehouse/types.js';
import {indexStatement} from './restore-sql.js';

export interface ReplacedRange {
  readonly runId: string;
  readonly table: DerivedTableName;
  readonly start: IsoDate;
  readonly end: IsoDate;
  /** When the replaced rows were last current (time travel reads them as of then). */
  readonly keptAt: string;
  readonly keptRows: number;
  readonly undoneBy: string | null;
  readonly undoneAt: string | null;
  readonly prunedAt: string | null;
}

const isTable = (name: string): name is DerivedTableName => (DERIVED_TABLE_NAMES as readonly string[]).includes(name);
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

/** Every entry, oldest first; none when the index does not exist yet (nothing was ever kept). */
export async function readReplacedRanges(warehouse: Warehouse): Promise<ReplacedRange[]> {
  let rows;
  try {
    rows = await warehouse.query(indexStatement(warehouse.dialect));
  } catch (error) {
    if (isMissingTable(error)) return [];
    throw error;
  }
  return rows
    .filter((r) => isTable(String(r.table_name)))
    .map((r) => ({
      runId: String(r.run_id),
      table: String(r.table_name) as DerivedTableName,
      start: String(r.start_date),
      end: String(r.end_date),
      keptAt: String(r.kept_at),
      keptRows: Number(r.kept_rows ?? 0),
      undoneBy: text(r.undone_by),
      undoneAt: text(r.undone_at),
      prunedAt: text(r.pruned_at),
    }));
}

/** DuckDB's and BigQuery's words for a table that is not there (a warehouse no run kept anything in yet). */
function isMissingTable(error: unknown): boolean {
  const message = (error as Error)?.message ?? '';
  return /Table with name "?(nba_backfill\.)?replaced_ranges"? does not exist|schema "?nba_backfill"? does not exist|Not found: (Table|Dataset) [^ ]*(replaced_ranges|nba_backfill)/i.test(message);
}

/** What one run kept, from its entries. */
export interface KeptRun {
  readonly runId: string;
  readonly ranges: readonly ReplacedRange[];
  /** Its first entry's time: runs are ordered by it. */
  readonly firstKeptAt: string;
  readonly keptRows: number;
  readonly tables: readonly DerivedTableName[];
  /** Every range undone (by these undo runs). */
  readonly undoneBy: readonly string[];
  readonly fullyUndone: boolean;
  readonly prunedAt: string | null;
}

export function keptRuns(entries: readonly ReplacedRange[]): KeptRun[] {
  const byRun = new Map<string, ReplacedRange[]>();
  for (const e of entries) byRun.set(e.runId, [...(byRun.get(e.runId) ?? []), e]);
  return [...byRun].map(([runId, ranges]) => ({
    runId,
    ranges,
    firstKeptAt: ranges.reduce((min, r) => (r.keptAt < min ? r.keptAt : min), ranges[0].keptAt),
    keptRows: ranges.reduce((sum, r) => sum + r.keptRows, 0),
    tables: DERIVED_TABLE_NAMES.filter((t) => ranges.some((r) => r.table === t)),
    undoneBy: [...new Set(ranges.map((r) => r.undoneBy).filter((u): u is string => u !== null))],
    fullyUndone: ranges.every((r) => r.undoneBy !== null),
    prunedAt: ranges.find((r) => r.prunedAt !== null)?.prunedAt ?? null,
  }));
}

/** Runs whose kept rows can still be put back (not pruned, not all undone, something replaced), newest first. */
export function liveRuns(entries: readonly ReplacedRange[]): KeptRun[] {
  return keptRuns(entries)
    .filter((r) => r.prunedAt === null && !r.fullyUndone && r.keptRows > 0)
    .sort((a, b) => b.firstKeptAt.localeCompare(a.firstKeptAt));
}

const overlaps = (a: {start: IsoDate; end: IsoDate}, b: {start: IsoDate; end: IsoDate}) => a.start <= b.end && b.start <= a.end;

/**
 * The entries of other runs that rewrote a range of `entry`'s table after it and were not undone:
 * while one exists, putting `entry` back would overwrite that run's rows.
 */
export function laterRewrites(entry: ReplacedRange, entries: readonly ReplacedRange[]): ReplacedRange[] {
  return entries.filter((e) => e.runId !== entry.runId && e.table === entry.table && e.undoneBy === null && e.keptAt > entry.keptAt && overlaps(e, entry));
}
