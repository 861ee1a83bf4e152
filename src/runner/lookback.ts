// Lookback, defined once: which input dates a derived table reads to build some dates (SPEC: a
// phase 4 table on D reads its inputs on the season's earlier game dates, MLFS also the whole
// previous season). The planner gates batches and extends upstream work with it, preflight reports
// what is missing with it, and the grid asks it why a day waits, per cell, so it answers from
// per-season indexes built once from the calendar instead of scanning the calendar per question.
import type {DerivedTable, DerivedTableName, Lookback} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {GameDate} from '../queries/coverage.js';

/** The first input date that keeps a table from building a date, and through which lookback. */
export interface LookbackBlocker {
  readonly input: DerivedTableName;
  readonly date: IsoDate;
  /** `date`: the input on the same date; `season`: earlier in its season; `previous-season`: the season before. */
  readonly through: 'date' | 'season' | 'previous-season';
}

/** Answers coverage-dependent questions over one coverage; built by LookbackIndex.over. */
export interface CoverageLookback {
  /** The first uncovered input date blocking `table` on `date` (inputs in catalog order), or null. */
  blocker(table: DerivedTable, date: IsoDate): LookbackBlocker | null;
}

function previousSeason(season: string): string {
  const start = Number(season.slice(0, 4)) - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

/** Index of the first element of sorted `dates` after `last` (binary search). */
function endOf(dates: readonly IsoDate[], last: IsoDate): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dates[mid] <= last) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class LookbackIndex {
  private readonly seasonOf = new Map<IsoDate, string>();
  /** Each season's game dates, sorted. */
  private readonly seasonDates = new Map<string, IsoDate[]>();

  /** `calendar`: the game dates lookback may read (the schedule's, before the boundary). */
  constructor(calendar: readonly GameDate[]) {
    for (const g of calendar) {
      this.seasonOf.set(g.date, g.season);
      const dates = this.seasonDates.get(g.season);
      if (dates) dates.push(g.date);
      else this.seasonDates.set(g.season, [g.date]);
    }
    for (const dates of this.seasonDates.values()) dates.sort();
  }

  /**
   * For building `table` on `dates`, the game dates each input table must cover, sorted. Dates
   * without games read nothing. A season lookback reads the seasons of `dates` up to the latest
   * of `dates`, so a set spanning seasons reads its earlier seasons whole.
   */
  inputsFor(table: DerivedTable, dates: Iterable<IsoDate>): Map<DerivedTableName, IsoDate[]> {
    const unique = new Set<IsoDate>();
    const seasons = new Set<string>();
    let last = '';
    for (const date of dates) {
      const season = this.seasonOf.get(date);
      if (season === undefined) continue;
      unique.add(date);
      seasons.add(season);
      if (date > last) last = date;
    }
    const needs = new Map<DerivedTableName, IsoDate[]>();
    if (unique.size === 0) return needs;
    const own = [...unique].sort();
    for (const dependency of table.dependsOn) {
      const read = this.read(dependency.lookback, own, seasons, last);
      const before = needs.get(dependency.table);
      needs.set(dependency.table, before ? [...new Set([...before, ...read])].sort() : read);
    }
    return needs;
  }

  private read(lookback: Lookback, own: readonly IsoDate[], seasons: ReadonlySet<string>, last: IsoDate): IsoDate[] {
    if (lookback === 'date') return [...own];
    const read = new Set(seasons);
    if (lookback === 'two-seasons') for (const s of seasons) read.add(previousSeason(s));
    const parts: IsoDate[][] = [];
    for (const season of read) {
      const dates = this.seasonDates.get(season);
      if (dates) parts.push(dates.slice(0, endOf(dates, last)));
    }
    const all = parts.flat();
    return parts.length > 1 ? all.sort() : all;
  }

  /** Coverage-dependent answers; `covered(table)` is the set of game dates the table covers. */
  over(covered: (table: DerivedTableName) => ReadonlySet<IsoDate>): CoverageLookback {
    // First uncovered game date per input table and season: O(1) per question once built.
    const firstGaps = new Map<DerivedTableName, Map<string, IsoDate | null>>();
    const firstGap = (table: DerivedTableName, season: string): IsoDate | null => {
      let bySeason = firstGaps.get(table);
      if (!bySeason) firstGaps.set(table, (bySeason = new Map()));
      let gap = bySeason.get(season);
      if (gap === undefined) {
        const have = covered(table);
        gap = this.seasonDates.get(season)?.find((d) => !have.has(d)) ?? null;
        bySeason.set(season, gap);
      }
      return gap;
    };
    return {
      blocker: (table, date) => {
        const season = this.seasonOf.get(date);
        if (season === undefined) return null;
        for (const {table: input, lookback} of table.dependsOn) {
          if (lookback === 'date') {
            if (!covered(input).has(date)) return {input, date, through: 'date'};
            continue;
          }
          const gap = firstGap(input, season);
          if (gap !== null && gap <= date) return {input, date: gap, through: 'season'};
          if (lookback === 'two-seasons') {
            const previous = firstGap(input, previousSeason(season));
            if (previous !== null) return {input, date: previous, through: 'previous-season'};
          }
        }
        return null;
      },
    };
  }
}
