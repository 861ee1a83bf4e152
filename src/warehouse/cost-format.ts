// What a BigQuery estimate is and how it reads: plain numbers and their text, without the queries
// that produce them (bigquery-cost.ts), so that the console can render an estimate it received
// over the socket without loading the processors' SQL.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import {formatBytes} from './sizes.js';

/** On-demand query pricing, US multi-region: $6.25 per TiB processed. */
export const ON_DEMAND_USD_PER_TIB = 6.25;
const TIB = 2 ** 40;

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

/** Lines for `run --dry-run`: one per processor, then the total. */
export function formatPlanCost(cost: PlanCost): string[] {
  const lines = cost.processors.map((p) => {
    const short = derivedTable(p.processor).short;
    return `  ${short.padEnd(5)} ${String(p.batches).padStart(4)} batches x ${formatBytes(p.bytesPerBatch).padStart(9)} = ${formatBytes(p.bytes).padStart(9)}  ~$${p.usd.toFixed(2)}`;
  });
  if (cost.skipped.length) lines.push(`  (external, not estimated: ${cost.skipped.map((n) => derivedTable(n).short).join(', ')})`);
  lines.push(`  total ${formatCostTotal(cost)}`);
  return lines;
}

/** The estimate's total: '67.2 GiB processed, ~$0.41 on demand at $6.25/TiB (dry-run estimate)'. */
export function formatCostTotal(cost: Pick<PlanCost, 'bytes' | 'usd'>): string {
  return `${formatBytes(cost.bytes)} processed, ~$${cost.usd.toFixed(2)} on demand at $${ON_DEMAND_USD_PER_TIB}/TiB (dry-run estimate)`;
}
