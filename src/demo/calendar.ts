// The league calendar of a season: opening night, the regular season's last day, the days without
// games (Thanksgiving, Christmas Eve, the All-Star break) and the post-season's first days.
// The rules reproduce the real dates of 2021-22 to 2025-26 and extend them to later seasons.
import {addDays, fromDate, type IsoDate} from '../dates.js';

export interface SeasonCalendar {
  /** 2021 for 2021-22. */
  readonly startYear: number;
  /** '2021-22' */
  readonly season: string;
  /** Regular season: 'YY' in game ids. */
  readonly idYear: string;
  readonly opener: IsoDate;
  readonly regularEnd: IsoDate;
  readonly allStarGame: IsoDate;
  /** Dates without any regular-season game. */
  readonly dark: ReadonlySet<IsoDate>;
  readonly christmas: IsoDate;
  /** Play-In: both conferences' first games on Tuesday and Wednesday, their finals on Friday. */
  readonly playInDays: readonly [IsoDate, IsoDate, IsoDate];
  readonly playoffStart: IsoDate;
}

function weekday(iso: IsoDate): number {
  return new Date(`${iso}T00:00:00Z`).getUTCDay();
}

/** The n-th given weekday (0 = Sunday) of a month. */
function nthWeekday(year: number, month: number, day: number, n: number): IsoDate {
  const first = fromDate(new Date(Date.UTC(year, month - 1, 1)));
  return addDays(first, ((day - weekday(first) + 7) % 7) + 7 * (n - 1));
}

export function seasonName(startYear: number): string {
  return `${startYear}-${String((startYear + 1) % 100).padStart(2, '0')}`;
}

export function seasonCalendar(startYear: number): SeasonCalendar {
  // Opening night is the Tuesday between October 18 and 24 (2021-10-19 ... 2025-10-21).
  const oct18 = `${startYear}-10-18`;
  const opener = addDays(oct18, (2 - weekday(oct18) + 7) % 7);
  // The regular season closes on the Sunday 24 weeks and 5 days later (2022-04-10 ... 2026-04-12).
  const regularEnd = addDays(opener, 173);
  const allStarGame = nthWeekday(startYear + 1, 2, 0, 3);
  const dark = new Set<IsoDate>([nthWeekday(startYear, 11, 4, 4), `${startYear}-12-24`]);
  // No games from the Friday before the All-Star Game to the Wednesday after it.
  for (let d = -2; d <= 3; d++) dark.add(addDays(allStarGame, d));
  return {
    startYear,
    season: seasonName(startYear),
    idYear: String(startYear % 100).padStart(2, '0'),
    opener,
    regularEnd,
    allStarGame,
    dark,
    christmas: `${startYear}-12-25`,
    playInDays: [addDays(regularEnd, 2), addDays(regularEnd, 3), addDays(regularEnd, 5)],
    playoffStart: addDays(regularEnd, 6),
  };
}

/**
 * Seasons the demo holds for `asOf`: from 2021-22, every season that has started before `asOf`,
 * plus the next one once its schedule is out (from August 15).
 */
export function demoSeasons(asOf: IsoDate): SeasonCalendar[] {
  const out: SeasonCalendar[] = [];
  for (let year = 2021; ; year++) {
    const calendar = seasonCalendar(year);
    if (calendar.opener >= asOf && asOf < `${year}-08-15`) break;
    out.push(calendar);
  }
  return out;
}

export {weekday};
