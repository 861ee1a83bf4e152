// The completion report's spend section: what the runs in the history that touched the report's
// range billed on BigQuery, per run (against its estimate and budget) and per processor, from the
// batch statistics the runner journals (src/state). DuckDB runs bill nothing and leave no spend in
// their records: the section then says so in one line. The history keeps the last 20 runs.
import {derivedTable, DERIVED_TABLES} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {addSpend, NO_SPEND, spendOf} from '../runner/spend.js';
import type {RunSpend, Spend} from '../runner/types.js';
import {StateStore, type RunRecord} from '../state/store.js';
import {formatBytes} from '../warehouse/sizes.js';

/** A billed run of the history: which one, and its spend against its estimate and budget. */
export type RunSpendLine = Pick<RunRecord, 'runId' | 'range' | 'state' | 'startedAt'> & RunSpend;

export interface ProcessorSpendLine extends Spend {
  readonly processor: DerivedTableName;
  /** Batches with statistics (done on BigQuery). */
  readonly batches: number;
}

export interface SpendSummary {
  readonly runs: readonly RunSpendLine[];
  readonly processors: readonly ProcessorSpendLine[];
  readonly total: Spend;
}

function overlaps(a: DateRange, b: DateRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Null when no run of the history that touched the range billed anything (DuckDB, or no run yet). */
export function spendSummary(stateDir: string, warehouse: string, range: DateRange): SpendSummary | null {
  let history: RunRecord[];
  try {
    history = new StateStore(stateDir).history(warehouse);
  } catch {
    return null; // an unreadable state file: the report's other sections say what they can
  }
  const billed = history.filter((r) => r.spend && overlaps(r.range, range));
  if (billed.length === 0) return null;
  const runs = billed.map((r): RunSpendLine => ({runId: r.runId, range: r.range, state: r.state, startedAt: r.startedAt, ...r.spend!}));
  const processors = DERIVED_TABLES.flatMap((t): ProcessorSpendLine[] => {
    const batches = billed.flatMap((r) => r.batches).filter((b) => b.processor === t.name && b.bytesBilled !== undefined && b.bytesBilled !== null);
    if (batches.length === 0) return [];
    return [{processor: t.name, batches: batches.length, ...batches.reduce((sum, b) => addSpend(sum, spendOf(b)), NO_SPEND)}];
  });
  return {runs, processors, total: runs.reduce((sum, r) => addSpend(sum, spendOf(r)), NO_SPEND)};
}

const bytes = (n: number | null) => (n === null ? '-' : formatBytes(n));
const slotSeconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}`);

/** The section's lines, without its title. */
export function spendLines(summary: SpendSummary | null): string[] {
  if (!summary) return ['  nothing billed by the runs in the history for this range (DuckDB bills nothing; BigQuery runs record their job statistics)'];
  const lines = summary.runs.map((r) => {
    const against = [r.estimate !== null ? `estimate ${bytes(r.estimate)}` : null, r.budget !== null ? `budget ${bytes(r.budget)}${r.budgetReached ? ' (reached)' : ''}` : null].filter(Boolean).join(', ');
    return `  ${r.runId} ${r.range.start} .. ${r.range.end} ${r.state}: ${bytes(r.bytesBilled)} billed, ${bytes(r.bytesProcessed)} processed, ${slotSeconds(r.slotMs)} slot-s${against ? `; ${against}` : ''}`;
  });
  lines.push('  per processor:');
  for (const p of summary.processors) {
    lines.push(`    ${derivedTable(p.processor).short.padEnd(5)} ${String(p.batches).padStart(4)} batches  ${bytes(p.bytesBilled).padStart(10)} billed  ${bytes(p.bytesProcessed).padStart(10)} processed  ${slotSeconds(p.slotMs).padStart(10)} slot-s`);
  }
  const t = summary.total;
  lines.push(`  total: ${bytes(t.bytesBilled)} billed, ${bytes(t.bytesProcessed)} processed, ${slotSeconds(t.slotMs)} slot-s`);
  return lines;
}
