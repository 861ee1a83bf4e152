// The read windows of catalog/reads.ts over a real calendar: which game dates a window of D holds
// (what a build read) and, the other way, which dates D hold a given date in their window (who
// read it: the cascade and staleness follow that). Each season's dates are indexed once, so a
// window is a span of indices, answered in O(1) however long the season.
import type {ReadWindow} from '../catalog/reads.js';
import type {IsoDate} from '../dates.js';
import type {GameDate} from '../queries/coverage.js';

/** Game dates [from, to) of one season, by index into `SeasonCalendar.dates(season)`. */
export interface Span {
  readonly season: string;
  readonly from: number;
  readonly to: number;
}

/** '2022-23' → '2021-22'. */
export function previousSeason(season: string): string {
  const start = Number(season.slice(0, 4)) - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export function nextSeason(season: string): string {
  const start = Number(season.slice(0, 4)) + 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export class SeasonCalendar {
  private readonly position = new Map<IsoDate, {readonly season: string; readonly index: number}>();
  private readonly bySeason = new Map<string, IsoDate[]>();
  /** Seasons in date order. */
  readonly seasons: readonly string[];
  readonly gameDates: readonly GameDate[];

  /** `calendar`: game dates in date order (queries/coverage.ts gameCalendar). */
  constructor(calendar: readonly GameDate[]) {
    this.gameDates = calendar;
    for (const g of calendar) {
      let dates = this.bySeason.get(g.season);
      if (!dates) this.bySeason.set(g.season, (dates = []));
      this.position.set(g.date, {season: g.season, index: dates.length});
      dates.push(g.date);
    }
    this.seasons = [...this.bySeason.keys()];
  }

  has(date: IsoDate): boolean {
    return this.position.has(date);
  }

  /** Its season and its index among the season's game dates. */
  positionOf(date: IsoDate): {readonly season: string; readonly index: number} | undefined {
    return this.position.get(date);
  }

  seasonOf(date: IsoDate): string | undefined {
    return this.position.get(date)?.season;
  }

  indexOf(date: IsoDate): number | undefined {
    return this.position.get(date)?.index;
  }

  /** A season's game dates in order (empty for a season the calendar does not hold). */
  dates(season: string): readonly IsoDate[] {
    return this.bySeason.get(season) ?? [];
  }

  /** The dates a window of `date` reads; [] for `season-rows` (not date-keyed) and non-game dates. */
  window(date: IsoDate, window: ReadWindow): Span[] {
    const at = this.position.get(date);
    if (!at) return [];
    const {season, index} = at;
    switch (window) {
      case 'date':
        return [{season, from: index, to: index + 1}];
      case 'season-before':
        return [{season, from: 0, to: index}];
      case 'season-through':
        return [{season, from: 0, to: index + 1}];
      case 'previous-season': {
        const previous = previousSeason(season);
        return [{season: previous, from: 0, to: this.dates(previous).length}];
      }
      case 'season-rows':
        return [];
    }
  }

  /** The dates whose `window` holds `date`: who read it. */
  readers(date: IsoDate, window: ReadWindow): Span[] {
    const at = this.position.get(date);
    if (!at) return [];
    const {season, index} = at;
    const length = this.dates(season).length;
    switch (window) {
      case 'date':
        return [{season, from: index, to: index + 1}];
      case 'season-before':
        return [{season, from: index + 1, to: length}];
      case 'season-through':
        return [{season, from: index, to: length}];
      case 'previous-season': {
        const next = nextSeason(season);
        return [{season: next, from: 0, to: this.dates(next).length}];
      }
      case 'season-rows':
        return [{season, from: 0, to: length}];
    }
  }

  /** The dates of a span. */
  datesOf(span: Span): readonly IsoDate[] {
    return this.dates(span.season).slice(span.from, span.to);
  }
}
