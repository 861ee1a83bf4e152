// What a plan would cost on BigQuery before anything is written: one dry-run job per processor
// (free, nothing runs), scaled to the processor's batches, priced at the on-demand rate. The
// statements that travel with each batch's write (undo's index row and change report) are dry-run
// too, when the caller names them, and counted in the batch's bytes.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import {daysBetween, type IsoDate} from '../dates.js';
import {processorFor} from '../queries/processors/index.js';
import {replaceRangeStatements} from '../queries/write.js';
import {usdFor, type PlanCost, type ProcessorCost} from './cost-format.js';
import {rangeParams, type Companion, type Warehouse} from './types.js';

/** The part of a runner Plan this needs (src/runner/plan.ts `Plan` fits). */
export interface CostPlanInput {
  readonly processors: readonly {
    readonly name: DerivedTableName;
    readonly command?: readonly string[] | null;
    readonly batches: readonly {readonly start: IsoDate; readonly end: IsoDate}[];
  }[];
}

export interface CostOptions {
  /** The companion statements each batch of `table` writes with (their parameters beyond the batch's). */
  readonly companions?: (table: ReturnType<typeof derivedTable>) => readonly Companion[];
}

/** The estimate, or null on an engine without dry runs (DuckDB costs nothing). */
export async function estimatePlanCost(warehouse: Warehouse, plan: CostPlanInput, options: CostOptions = {}): Promise<PlanCost | null> {
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
      const params = rangeParams(sample.start, sample.end, 'dry-run');
      const job = {runId: 'dry-run', processor: p.name, step: `${sample.start}_${sample.end}`};
      let {bytes} = await dryRun(merge, params, {job});
      for (const c of options.companions?.(table) ?? []) bytes += (await dryRun(c.sql, {...params, ...c.params}, {job: {...job, step: `${job.step}_${c.name}`}})).bytes;
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
