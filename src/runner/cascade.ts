// The cascade: rebuilding a (table, date) makes every date that read it out of date, so those are
// rebuilt too, forward through the read windows of catalog/reads.ts (a PGS date: the later PSZA
// dates of its season, MLFS on the date and through the next season), then their own readers, in
// dependency order, each date once. Only dates that have rows are added: rebuilding a date is
// for what exists; a missing date is the missing mode's. A batch rewrites every game date of its
// range (plan.ts cuts them), so what a table rewrote, not only what was planned, cascades.
import {DERIVED_TABLE_NAMES, type DerivedTableName} from '../catalog/types.js';
import {READS, isDerivedRead, type ReadWindow} from '../catalog/reads.js';
import type {IsoDate} from '../dates.js';
import type {SeasonCalendar} from '../freshness/calendar.js';

/** The dates whose `window` holds any of `dates`: per season, from the earliest of them on. */
export function readersOf(calendar: SeasonCalendar, dates: Iterable<IsoDate>, window: ReadWindow): IsoDate[] {
  if (window === 'date') return [...dates].filter((d) => calendar.has(d));
  const earliest = new Map<string, IsoDate>();
  for (const date of dates) {
    const season = calendar.seasonOf(date);
    if (season === undefined) continue;
    const seen = earliest.get(season);
    if (seen === undefined || date < seen) earliest.set(season, date);
  }
  const out: IsoDate[] = [];
  for (const date of earliest.values()) for (const span of calendar.readers(date, window)) out.push(...calendar.datesOf(span));
  return out;
}

export interface CascadeInput {
  readonly calendar: SeasonCalendar;
  /** The dates each selected processor rebuilds (its mode, its lookback), before the cascade. */
  readonly planned: ReadonlyMap<DerivedTableName, ReadonlySet<IsoDate>>;
  readonly isCovered: (table: DerivedTableName, date: IsoDate) => boolean;
  /** Dates an interrupted run already rebuilt (not again). */
  readonly done: (table: DerivedTableName, date: IsoDate) => boolean;
  /** Every game date a table's batches rewrite, given the dates planned for it. */
  readonly rewrites: (table: DerivedTableName, dates: ReadonlySet<IsoDate>) => ReadonlySet<IsoDate>;
}

export interface Cascade {
  /** Every processor's dates, the cascade's included (tables with none are absent). */
  readonly planned: Map<DerivedTableName, Set<IsoDate>>;
  /** Dates the cascade added, per processor. */
  readonly added: Map<DerivedTableName, number>;
}

export function cascade({calendar, planned, isCovered, done, rewrites}: CascadeInput): Cascade {
  const out = new Map<DerivedTableName, Set<IsoDate>>();
  const added = new Map<DerivedTableName, number>();
  const rewritten = new Map<DerivedTableName, ReadonlySet<IsoDate>>();
  // Catalog order is dependency order: a table's rewrites are final before its readers come.
  for (const table of DERIVED_TABLE_NAMES) {
    const dates = new Set(planned.get(table) ?? []);
    let count = 0;
    for (const read of READS[table]) {
      if (!isDerivedRead(read)) continue;
      const rebuilt = rewritten.get(read.table);
      if (!rebuilt?.size) continue;
      for (const window of read.windows) {
        for (const date of readersOf(calendar, rebuilt, window)) {
          if (dates.has(date) || !isCovered(table, date) || done(table, date)) continue;
          dates.add(date);
          count++;
        }
      }
    }
    if (dates.size === 0) continue;
    out.set(table, dates);
    if (count) added.set(table, count);
    rewritten.set(table, rewrites(table, dates));
  }
  return {planned: out, added};
}
