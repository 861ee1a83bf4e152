// Staleness as the coverage snapshot carries it to the grid (and over the attach socket): per
// table, runs of consecutive game dates sharing a reason and a detail, the details listed once.
// A suffix of a season stale for one reason, or a whole legacy warehouse `unknown`, is one run.
import type {IsoDate} from '../dates.js';
import type {Stale, StaleMap, StaleReason} from './types.js';

/** [first date, last date, reason, index into `details`]: every game date from first to last. */
export type StaleRun = readonly [IsoDate, IsoDate, StaleReason, number];

export interface FreshnessSnapshot {
  /** Why staleness could not be read (the grid then shows coverage only), or null. */
  readonly unavailable: string | null;
  readonly details: readonly string[];
  readonly stale: Readonly<Record<string, readonly StaleRun[]>>;
}

/** Runs over `gameDates` (the snapshot's, in order): dates outside them are left out. */
export function encodeStale(stale: StaleMap, gameDates: readonly IsoDate[]): FreshnessSnapshot {
  const details: string[] = [];
  const detailIndex = new Map<string, number>();
  const indexOf = (detail: string) => {
    let i = detailIndex.get(detail);
    if (i === undefined) detailIndex.set(detail, (i = details.push(detail) - 1));
    return i;
  };
  const out: Record<string, StaleRun[]> = {};
  for (const [table, dates] of stale) {
    const runs: StaleRun[] = [];
    let open: [IsoDate, IsoDate, StaleReason, number] | null = null;
    for (const date of gameDates) {
      const s = dates.get(date);
      if (!s) {
        if (open) runs.push(open);
        open = null;
        continue;
      }
      const detail = indexOf(s.detail);
      if (open && open[2] === s.reason && open[3] === detail) open[1] = date;
      else {
        if (open) runs.push(open);
        open = [date, date, s.reason, detail];
      }
    }
    if (open) runs.push(open);
    if (runs.length) out[table] = runs;
  }
  return {unavailable: null, details, stale: out};
}

/** The stale dates of each table, back from runs over the same `gameDates`. */
export function decodeStale(snapshot: FreshnessSnapshot | undefined, gameDates: readonly IsoDate[]): Map<string, Map<IsoDate, Stale>> {
  const out = new Map<string, Map<IsoDate, Stale>>();
  if (!snapshot) return out;
  const position = new Map(gameDates.map((d, i) => [d, i]));
  for (const [table, runs] of Object.entries(snapshot.stale)) {
    const dates = new Map<IsoDate, Stale>();
    for (const [first, last, reason, detail] of runs) {
      const entry = {reason, detail: snapshot.details[detail] ?? ''};
      const from = position.get(first);
      const to = position.get(last);
      if (from === undefined || to === undefined) continue;
      for (let i = from; i <= to; i++) dates.set(gameDates[i], entry);
    }
    out.set(table, dates);
  }
  return out;
}

/** The snapshot once `table` rebuilt [start, end]: those dates are fresh now (what they read was current). */
export function withRebuilt(snapshot: FreshnessSnapshot, table: string, start: IsoDate, end: IsoDate, gameDates: readonly IsoDate[]): FreshnessSnapshot {
  const runs = snapshot.stale[table];
  if (!runs?.some(([first, last]) => first <= end && last >= start)) return snapshot;
  const kept: StaleRun[] = [];
  for (const run of runs) {
    const [first, last, reason, detail] = run;
    if (last < start || first > end) {
      kept.push(run);
      continue;
    }
    const inside = gameDates.filter((d) => d >= first && d <= last);
    const before = inside.filter((d) => d < start);
    const after = inside.filter((d) => d > end);
    if (before.length) kept.push([before[0], before[before.length - 1], reason, detail]);
    if (after.length) kept.push([after[0], after[after.length - 1], reason, detail]);
  }
  const stale = {...snapshot.stale};
  if (kept.length) stale[table] = kept;
  else delete stale[table];
  return {...snapshot, stale};
}
