// Calendar dates as ISO strings ('2021-11-01'), computed in UTC so no time zone can shift a day.
import {UsageError} from './errors.js';
import {quoted} from './quote.js';

export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date or a UsageError that names the bad value: 2022-02-30 is refused. */
export function parseIsoDate(value: string, what = 'date'): IsoDate {
  const m = ISO.exec(value.trim());
  if (m) {
    const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
    if (d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3]) return value.trim();
  }
  throw new UsageError(`${what} ${quoted(value)} is not a real date in YYYY-MM-DD form`);
}

export function toDate(iso: IsoDate): Date {
  return new Date(`${iso}T00:00:00Z`);
}

export function fromDate(date: Date): IsoDate {
  return date.toISOString().slice(0, 10);
}

export function addDays(iso: IsoDate, days: number): IsoDate {
  return fromDate(new Date(toDate(iso).getTime() + days * 86_400_000));
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / 86_400_000);
}

/** NBA game dates are Eastern dates: a 10 pm tip-off in Los Angeles is already tomorrow in UTC. */
export const LEAGUE_TIME_ZONE = 'America/New_York';

const leagueDay = new Intl.DateTimeFormat('en-CA', {timeZone: LEAGUE_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit'});

/**
 * Today's date in the league's time zone: the default real-time boundary. UTC would move the
 * boundary to tomorrow during a US evening and let the backfill write tonight's games, which
 * belong to the daily pipeline.
 */
export function today(now: Date = new Date()): IsoDate {
  return leagueDay.format(now);
}

/** '2021-11-14' → '2021-11' */
export function monthOf(iso: IsoDate): string {
  return iso.slice(0, 7);
}

/** Months from the month of `from` through the month of `to`, as 'YYYY-MM'. */
export function monthsBetween(from: IsoDate, to: IsoDate): string[] {
  const out: string[] = [];
  let [y, m] = [+from.slice(0, 4), +from.slice(5, 7)];
  const [ty, tm] = [+to.slice(0, 4), +to.slice(5, 7)];
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    if (++m === 13) [y, m] = [y + 1, 1];
  }
  return out;
}

/** The last day of a 'YYYY-MM' month. */
export function endOfMonth(month: string): IsoDate {
  const [y, m] = [+month.slice(0, 4), +month.slice(5, 7)];
  return fromDate(new Date(Date.UTC(y, m, 0)));
}

/** The NBA season a date belongs to: seasons start in October, so 2022-03-01 → '2021-22'. */
export function seasonOf(iso: IsoDate): string {
  const y = +iso.slice(0, 4);
  const start = +iso.slice(5, 7) >= 8 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export interface DateRange {
  readonly start: IsoDate;
  readonly end: IsoDate;
}
