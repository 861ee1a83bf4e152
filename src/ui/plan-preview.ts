// The start confirmation's lines, from the plan the session sent as data (a PlanPreview): the
// total first, then what blocks it and what runs before it, then (BigQuery) the estimate, its
// total before the detail. Pure: the dialog shows as many of these lines as fit.
import {shortName} from '../catalog/index.js';
import type {IsoDate} from '../dates.js';
import {NEWEST_FIRST} from '../runner/plan.js';
import {formatDuration} from '../figures.js';
import {estimateLines} from '../runner/estimate.js';
import type {PlanPreview} from '../session/types.js';
import {formatCostTotal, formatPlanCost} from '../warehouse/cost-format.js';
import {formatBytes} from '../warehouse/sizes.js';

/** The start confirmation's plan: null while the session computes it. */
export type PreviewState = PlanPreview | {readonly error: string} | null;

const short = shortName;

function sampleDates(dates: readonly IsoDate[]): string {
  return dates.length <= 3 ? dates.join(', ') : `${dates[0]} … ${dates[dates.length - 1]} (${dates.length} dates)`;
}

/** Whether the estimate fits the run's budget; over it, the host refuses the start (y says why). */
function budgetLine(estimate: number, budget: number): string {
  return estimate <= budget
    ? `budget ${formatBytes(budget)}: the estimate fits; every processor pauses if the billed bytes reach it`
    : `over the budget of ${formatBytes(budget)}: the run will not start; raise the budget or select less`;
}

/** What the cascade adds, per processor: the dates that read what the plan rebuilds. */
function cascadeLines(preview: PlanPreview): string[] {
  const added = preview.processors.filter((p) => (p.cascadeDates ?? 0) > 0);
  if (added.length === 0) return [];
  return [`the cascade adds ${preview.totals.cascadeDates ?? 0} dates that read what it rebuilds: ${added.map((p) => `${short(p.name)} +${p.cascadeDates}`).join(', ')}`];
}

export function planPreviewLines(preview: PreviewState | undefined): string[] {
  if (!preview) return ['planning (on BigQuery: estimating bytes and cost with dry-run jobs)...'];
  if ('error' in preview) return [`could not plan it: ${preview.error}`];
  const {totals, resumesFirst, estimate} = preview;
  const lookback = totals.lookbackDates ? ` (${totals.lookbackDates} for lookback)` : '';
  const lines = [
    ...(preview.replaces ? ['the warehouse changed since the plan you approved: this is the new plan'] : []),
    preview.hasWork
      ? `${totals.batches} batches, ${totals.dates} processor-dates${lookback}, at most ${totals.workers} at once`
      : preview.reprocess === 'stale' ? 'nothing to rebuild: no game date of the selection is stale'
      : 'nothing to build: every game date of the selection is covered',
    ...cascadeLines(preview),
    ...preview.blocked.map((b) => `blocked: ${short(b.processor)} needs ${short(b.input)} on ${sampleDates(b.dates)}, which is not covered and not in the plan`),
    ...(preview.order === 'newest-first' ? [NEWEST_FIRST] : []),
    ...(resumesFirst ? [`the interrupted run ${resumesFirst.runId} (${resumesFirst.range.start} → ${resumesFirst.range.end}) is resumed first`] : []),
    ...(preview.hasWork && preview.duration ? estimateLines(preview.duration, formatDuration) : []),
  ];
  if (estimate) lines.push(`BigQuery ${formatCostTotal(estimate)}`);
  if (estimate && preview.budget !== null) lines.push(budgetLine(estimate.bytes, preview.budget));
  if (estimate) lines.push(...formatPlanCost(estimate).slice(0, -1).map((line) => line.trim()));
  return lines;
}
