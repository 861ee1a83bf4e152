// What a plan would cost on BigQuery before anything is written: one dry-run job per processor
// (free, nothing runs), scaled to the processor's batches, priced at the on-demand rate.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import {daysBetween, type IsoDate} from '../dates.js';
import {processorFor} from '../queries/processors/index.js';
import {replaceRangeStatements} from '../queries/write.js';
import {formatBytes} from './sizes.js';
import {rangeParams, type Warehouse} from './types.js';

export {formatBytes};

/** On-demand query pricing, US multi-region: $6.25 per TiB processed. */
export const ON_DEMAND_USD_PER_TIB = 6.25;
const TIB = 2 ** 40;

/** The part of a runner Plan this needs (src/runner/plan.ts `Plan` fits). */
export interface CostPlanInput {
  readonly processors: readonly {
    readonly name: DerivedTableName;
    readonly command?: readonly string[] | null;
    readonly batches: readonly {readonly start: IsoDate; readonly end: IsoDate}[];
  }[];
}

export interface ProcessorCost {
  readonly processor: DerivedTableName;
  readonly batches: number;
  /** The batch that was dry-run: the widest, the latest among equals (the most lookback to read). */
  readonly sample: {readonly start: IsoDate; readonly end: IsoDate};
  readonly bytesPerBatch: number;
  /** bytesPerBatch × batches: an estimate meant to err high (early batches read less history). */
  readonly bytes: number;
  readonly usd: number;
}

export interface PlanCost {
  readonly processors: readonly ProcessorCost[];
  /** External processors (a command instead of SQL) cannot be dry-run. */
  readonly skipped: readonly DerivedTableName[];
  readonly bytes: number;
  readonly usd: number;
}

export function usdFor(bytes: number): number {
  return (bytes / TIB) * ON_DEMAND_USD_PER_TIB;
}

/** The estimate, or null on an engine without dry runs (DuckDB costs nothing). */
export async function estimatePlanCost(warehouse: Warehouse, plan: CostPlanInput): Promise<PlanCost | null> {
  const dryRun = warehouse.dryRun?.bind(warehouse);
  if (!dryRun) return null;
  const planned = plan.processors.filter((p) => p.batches.length > 0);
  const skipped = planned.filter((p) => p.command).map((p) => p.name);
  const work = planned.filter((p) => !p.command);
  const processors = await Promise.all(
    work.map(async (p): Promise<ProcessorCost> => {
      const sample = widestLatest(p.batches);
      const table = derivedTable(p.name);
      const [merge] = replaceRangeStatements(warehouse.dialect, table, processorFor(table).select(warehouse.dialect));
      const {bytes} = await dryRun(merge, rangeParams(sample.start, sample.end, 'dry-run'), {
        job: {runId: 'dry-run', processor: p.name, step: `${sample.start}_${sample.end}`},
      });
      const total = bytes * p.batches.length;
      return {processor: p.name, batches: p.batches.length, sample, bytesPerBatch: bytes, bytes: total, usd: usdFor(total)};
    }),
  );
  const bytes = processors.reduce((sum, p) => sum + p.bytes, 0);
  return {processors, skipped, bytes, usd: usdFor(bytes)};
}

function widestLatest<T extends {readonly start: IsoDate; readonly end: IsoDate}>(batches: readonly T[]): T {
  const span = (b: T) => daysBetween(b.start, b.end);
  return batches.reduce((best, b) => (span(b) > span(best) || (span(b) === span(best) && b.end > best.end) ? b : best));
}

/** Lines for `run --dry-run`: one per processor, then the total. */
export function formatPlanCost(cost: PlanCost): string[] {
  const lines = cost.processors.map((p) => {
    const short = derivedTable(p.processor).short;
    return `  ${short.padEnd(5)} ${String(p.batches).padStart(4)} batches x ${formatBytes(p.bytesPerBatch).padStart(9)} = ${formatBytes(p.bytes).padStart(9)}  ~$${p.usd.toFixed(2)}`;
  });
  if (cost.skipped.length) lines.push(`  (external, not estimated: ${cost.skipped.map((n) => derivedTable(n).short).join(', ')})`);
  lines.push(`  total ${formatBytes(cost.bytes)} processed, ~$${cost.usd.toFixed(2)} on demand at $${ON_DEMAND_USD_PER_TIB}/TiB (dry-run estimate)`);
  return lines;
}
