// Long date lists read better as runs: `2021-11-03..2021-11-09, 2021-12-25`.
import type {IsoDate} from '../dates.js';

/**
 * Compresses `dates` into runs that are consecutive in `calendar` (the game dates, in order), so
 * that a gap with no games does not split a run. Dates absent from the calendar stand alone.
 */
export function dateRuns(dates: readonly IsoDate[], calendar: readonly IsoDate[] = []): string[] {
  const position = new Map(calendar.map((d, i) => [d, i]));
  const sorted = [...new Set(dates)].sort();
  const runs: string[] = [];
  let first: IsoDate | undefined;
  let last: IsoDate | undefined;
  const close = () => {
    if (first !== undefined) runs.push(first === last ? first : `${first}..${last}`);
  };
  for (const date of sorted) {
    const next = last !== undefined && position.has(last) && position.get(date) === position.get(last)! + 1;
    if (!next) {
      close();
      first = date;
    }
    last = date;
  }
  close();
  return runs;
}

/** At most `max` runs, then how many more: for one-line messages. */
export function shortDateList(dates: readonly IsoDate[], calendar: readonly IsoDate[] = [], max = 4): string {
  const runs = dateRuns(dates, calendar);
  return runs.length <= max ? runs.join(', ') : `${runs.slice(0, max).join(', ')} and ${runs.length - max} more`;
}
