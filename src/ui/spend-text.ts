// The run's spend as the console says it (the status bar, the run summary): BigQuery's billed
// bytes so far against the plan's estimate and the run's budget. Nothing where the engine bills
// nothing (a DuckDB run has no spend in its snapshot). Reaching the budget is said in words, not
// only in colour.
import type {RunSnapshot, Spend} from '../runner/types.js';
import {formatBytes} from '../warehouse/sizes.js';

/** 'billed 1.2 GiB of est 3.4 GiB, budget 5.0 GiB' (… 'budget 5.0 GiB reached: paused'), or null. */
export function runSpendStatus(run: RunSnapshot | null): string | null {
  const spend = run?.spend;
  if (!spend) return null;
  const estimate = spend.estimate !== null ? ` of est ${formatBytes(spend.estimate)}` : '';
  const budget = spend.budget === null ? '' : `, budget ${formatBytes(spend.budget)}${spend.budgetReached ? ' reached' : ''}`;
  return `billed ${formatBytes(spend.bytesBilled ?? 0)}${estimate}${budget}`;
}

/** '1.2 GiB billed, 1.3 GiB processed, 45.0 slot-s' for a processor or a run; null without figures. */
export function spendFigures(spend: Spend | undefined): string | null {
  if (!spend || (spend.bytesBilled === null && spend.bytesProcessed === null && spend.slotMs === null)) return null;
  const bytes = (n: number | null) => (n === null ? '?' : formatBytes(n));
  const slots = spend.slotMs === null ? '?' : `${(spend.slotMs / 1000).toFixed(1)} slot-s`;
  return `${bytes(spend.bytesBilled)} billed, ${bytes(spend.bytesProcessed)} processed, ${slots}`;
}
