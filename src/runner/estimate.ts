// How long a plan will take, from this warehouse's past throughput per processor (the attempt
// history, src/state/attempts.ts), and the ETA of a running processor by the same model.
//
// A processor's past pace is measured per run, on the wall clock: the game dates its finished
// batches built in that run divided by the time from its first attempt's start to its last
// attempt's end, so the pace already includes the concurrency it had (its workers, and the other
// processors it shared the warehouse with). Its last RECENT_RUNS runs are pooled (dates over
// seconds). A plan's processor takes its dates at that pace; processors run side by side (phase 4
// trails phase 3 date by date), so the run takes about as long as its slowest processor. A
// processor without history has no estimate, and a plan with none at all says "no history yet".
// During a run, the ETA is the remaining dates at this run's own measured pace once one of its
// batches finished, at the past pace before that.
import {shortName} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {AttemptRecord} from '../state/attempts.js';

/** Runs pooled for a processor's past pace. */
export const RECENT_RUNS = 3;

/** Dates per second per processor over its recent runs; processors without a finished batch are absent. */
export function pastRates(attempts: readonly AttemptRecord[]): Map<DerivedTableName, number> {
  // Per processor, per run (in the order runs appear): dates done, first start, last end.
  const spans = new Map<DerivedTableName, Map<string, {dates: number; from: number; to: number}>>();
  for (const a of attempts) {
    const runs = spans.get(a.processor) ?? new Map<string, {dates: number; from: number; to: number}>();
    spans.set(a.processor, runs);
    const from = Date.parse(a.startedAt);
    if (!Number.isFinite(from)) continue;
    const to = from + a.durationMs;
    const span = runs.get(a.runId) ?? {dates: 0, from, to};
    span.from = Math.min(span.from, from);
    span.to = Math.max(span.to, to);
    if (a.outcome === 'done') span.dates += a.dates;
    // Re-inserted so that the map's order is the order of each run's latest attempt.
    runs.delete(a.runId);
    runs.set(a.runId, span);
  }
  const rates = new Map<DerivedTableName, number>();
  for (const [processor, runs] of spans) {
    const recent = [...runs.values()].filter((s) => s.dates > 0 && s.to > s.from).slice(-RECENT_RUNS);
    const dates = recent.reduce((n, s) => n + s.dates, 0);
    const seconds = recent.reduce((n, s) => n + (s.to - s.from) / 1000, 0);
    if (dates > 0 && seconds > 0) rates.set(processor, dates / seconds);
  }
  return rates;
}

export interface ProcessorEstimate {
  readonly name: DerivedTableName;
  readonly dates: number;
  /** Past pace; null without history. */
  readonly datesPerSecond: number | null;
  readonly seconds: number | null;
}

export interface DurationEstimate {
  /** The slowest estimated processor's time; null when no processor of the plan has history. */
  readonly seconds: number | null;
  readonly processors: readonly ProcessorEstimate[];
}

export function estimateDuration(processors: readonly {readonly name: DerivedTableName; readonly dates: number}[], rates: ReadonlyMap<DerivedTableName, number>): DurationEstimate {
  const each = processors
    .filter((p) => p.dates > 0)
    .map((p) => {
      const rate = rates.get(p.name) ?? null;
      return {name: p.name, dates: p.dates, datesPerSecond: rate, seconds: rate ? Math.round(p.dates / rate) : null};
    });
  const known = each.filter((p) => p.seconds !== null).map((p) => p.seconds!);
  return {seconds: known.length ? Math.max(...known) : null, processors: each};
}

/** Remaining dates at this run's pace, else the past pace; null when neither is known. */
export function etaSeconds(remaining: number, observed: number | null, past: number | null): number | null {
  const rate = observed ?? past;
  return rate ? Math.round(remaining / rate) : null;
}

/**
 * The estimate as words (the start confirmation and `run --dry-run`): the total first, then the
 * processors without history, if some have it.
 */
export function estimateLines(estimate: DurationEstimate, format: (seconds: number) => string): string[] {
  const unknown = estimate.processors.filter((p) => p.seconds === null).map((p) => shortName(p.name));
  if (estimate.processors.length === 0) return [];
  if (estimate.seconds === null) return ['estimated duration: no history yet (no finished batch of these processors here)'];
  const slowest = estimate.processors.find((p) => p.seconds === estimate.seconds)!;
  const unknownText = unknown.length ? `; no history yet for ${unknown.join(', ')} (not in the estimate)` : '';
  const lines = [
    `estimated duration: about ${format(estimate.seconds)} at this warehouse's past pace`,
    `slowest: ${shortName(slowest.name)} at ${slowest.datesPerSecond!.toFixed(2)} dates/s${unknownText}`,
  ];
  return lines;
}
