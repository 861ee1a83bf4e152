// A runner Plan as the data the start confirmation shows (PlanPreview), and the plan's identity:
// a hash of what would run (its batches, what they wait for, the boundary), so that `start` can
// tell whether the plan the operator approved is still the plan the warehouse gives.
import {createHash} from 'node:crypto';
import type {DateRange} from '../dates.js';
import {estimateDuration, planBatchCount, type DurationEstimate, type Plan} from '../runner/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {PlanCost} from '../warehouse/cost-format.js';
import type {PlanPreview} from './requests.js';

/**
 * Everything that decides what the run does: the batches with their dates and games and the
 * gates the planner gave them (the planned batches each waits for, the inputs nobody builds), each
 * processor's limits and command, the order they start in. The creation time is not part of it.
 */
export function planIdentity(plan: Plan): string {
  const what = {
    boundary: plan.boundary,
    range: plan.range,
    force: plan.force,
    order: plan.order,
    reprocess: plan.reprocess,
    cascade: plan.cascade,
    globalWorkers: plan.globalWorkers,
    processors: plan.processors.map((p) => ({
      name: p.name,
      workers: p.workers,
      command: p.command,
      batches: p.batches.map((b) => [b.id, b.start, b.end, b.games, b.dates, b.waitsFor, b.blockedBy]),
    })),
    missing: plan.missing,
  };
  return `plan-${createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 16)}`;
}

export interface PreviewContext {
  /** The interrupted run that a start resumes first. */
  readonly resumesFirst: {readonly runId: string; readonly range: DateRange} | null;
  readonly estimate: PlanCost | null;
  /** Past dates per second per processor (the attempt history): the duration estimate's pace. */
  readonly pastRates?: ReadonlyMap<DerivedTableName, number>;
  /** Set when this plan replaces one that was approved and no longer matches the warehouse. */
  readonly replaces?: string;
}

export function previewOf(plan: Plan, context: PreviewContext): PlanPreview {
  const processors = plan.processors.map((p) => ({
    name: p.name,
    batches: p.batches.length,
    dates: p.batches.reduce((sum, b) => sum + b.dates.length, 0),
    lookbackDates: p.lookbackDates,
    skipped: p.skipped,
    cascadeDates: p.cascadeDates,
  }));
  const batches = planBatchCount(plan);
  return {
    planId: planIdentity(plan),
    requested: plan.requested,
    range: plan.range,
    boundary: plan.boundary,
    processors,
    totals: {
      batches,
      dates: processors.reduce((sum, p) => sum + p.dates, 0),
      lookbackDates: processors.reduce((sum, p) => sum + p.lookbackDates, 0),
      workers: plan.globalWorkers,
      cascadeDates: processors.reduce((sum, p) => sum + p.cascadeDates, 0),
    },
    reprocess: plan.reprocess,
    blocked: plan.missing.map((m) => ({processor: m.processor, input: m.input, dates: [...m.dates]})),
    resumesFirst: context.resumesFirst,
    estimate: context.estimate,
    order: plan.order,
    budget: plan.request.budget ?? null,
    duration: durationOf(estimateDuration(processors, context.pastRates ?? new Map())),
    hasWork: batches > 0,
    replaces: context.replaces ?? null,
  };
}

/** The estimate as the preview's (mutable, wire) shape. */
function durationOf(estimate: DurationEstimate): NonNullable<PlanPreview['duration']> {
  return {seconds: estimate.seconds, processors: estimate.processors.map((p) => ({...p}))};
}
