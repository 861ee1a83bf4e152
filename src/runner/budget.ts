// A run's budget before it starts: the plan's dry-run estimate (warehouse/bigquery-cost.ts, one
// free dry run per processor) must fit it, or nothing starts and the one line names the estimate.
// The same check serves `run` (before the state dir is touched), a console's start in its host and
// startRun itself. During the run the scheduler pauses at the budget (spend.ts). A resumed run is
// not refused: what it already billed was accepted when it started, and the pause still holds it.
import type {Config} from '../config.js';
import type {IsoDate} from '../dates.js';
import {UsageError} from '../errors.js';
import {estimatePlanCost, type CostPlanInput} from '../warehouse/bigquery-cost.js';
import type {PlanCost} from '../warehouse/cost-format.js';
import {formatCostTotal} from '../warehouse/cost-format.js';
import {formatBytes} from '../warehouse/sizes.js';
import type {Warehouse} from '../warehouse/types.js';
import {shortName} from '../catalog/index.js';
import {BatchKeeper} from '../undo/keeper.js';
import {undoPolicy} from '../undo/policy.js';
import {planRun, type Plan} from './plan.js';
import {withRunDefaults} from './request.js';
import type {RunRequest} from './types.js';

/** The estimate is over the budget: bad input (exit 2), before anything runs. */
export class BudgetError extends UsageError {}

/** "the budget 1.8 TiB (2000000000000 bytes)": the operator typed 2TB; BigQuery bills TiB. */
export function formatBudget(bytes: number): string {
  return `${formatBytes(bytes)} (${bytes} bytes)`;
}

export function budgetRefusal(cost: PlanCost, budget: number): string {
  const external = cost.skipped.length ? `; external processors (${cost.skipped.map(shortName).join(', ')}) are not estimated and bill on their own` : '';
  return (
    `the plan's estimate, ${formatCostTotal(cost)}, is over the budget of ${formatBudget(budget)} (--budget): nothing was started${external}; ` +
    'raise --budget, or plan less (a shorter --from/--to, fewer --processors)'
  );
}

/** Throws BudgetError when the plan's budget (its request's) cannot hold the estimate. */
export function checkBudget(plan: Plan, cost: PlanCost | null): void {
  const budget = plan.request.budget;
  if (budget === undefined || cost === null || cost.bytes <= budget) return;
  throw new BudgetError(budgetRefusal(cost, budget));
}

/**
 * The dry-run estimate of a plan as its batches will write it: each batch's MERGE and the
 * statements undo adds to it (null on an engine without dry runs).
 */
export function estimateRunCost(warehouse: Warehouse, config: Config, plan: CostPlanInput): Promise<PlanCost | null> {
  const keeper = new BatchKeeper(undoPolicy(config, warehouse.engine));
  return estimatePlanCost(warehouse, plan, {companions: (table) => keeper.plannedCompanions(table, warehouse)});
}

/**
 * The plan's estimate where the engine bills (null on DuckDB). With a budget a failed dry run
 * fails the start (nothing can be checked); without one it only costs the status bar its
 * "of the estimate", said through `onUnavailable`.
 */
export async function planEstimate(warehouse: Warehouse, config: Config, plan: Plan, onUnavailable: (reason: unknown) => void): Promise<PlanCost | null> {
  if (warehouse.engine !== 'bigquery') return null;
  try {
    return await estimateRunCost(warehouse, config, plan);
  } catch (error) {
    if (plan.request.budget !== undefined) throw error;
    onUnavailable(error);
    return null;
  }
}

/** For `run` before it writes anything: plans the request read-only and checks its budget. */
export async function checkRequestBudget(options: {readonly warehouse: Warehouse; readonly config: Config; readonly boundary: IsoDate; readonly request: RunRequest}): Promise<void> {
  if (withRunDefaults(options.request, options.config, options.warehouse.engine).budget === undefined) return;
  const plan = await planRun(options);
  checkBudget(plan, await estimateRunCost(options.warehouse, options.config, plan));
}
