import {describe, expect, it} from 'vitest';
import {addDays, monthsBetween, parseIsoDate, seasonOf, today} from '../src/dates.js';

describe('dates', () => {
  it('takes today in the league time zone, so a US evening is not yet tomorrow', () => {
    expect(today(new Date('2026-11-28T02:00:00Z'))).toBe('2026-11-27'); // 9 pm in New York
    expect(today(new Date('2026-11-28T06:00:00Z'))).toBe('2026-11-28');
    expect(today(new Date('2026-07-01T03:59:00Z'))).toBe('2026-06-30'); // daylight saving time
  });

  it('refuses dates that do not exist', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(() => parseIsoDate('2022-02-30')).toThrow(/not a real date/);
    expect(() => parseIsoDate('2022-2-3')).toThrow(/YYYY-MM-DD/);
  });

  it('does calendar arithmetic without time zone drift', () => {
    expect(addDays('2022-03-12', 2)).toBe('2022-03-14');
    expect(monthsBetween('2021-11-15', '2022-02-01')).toEqual(['2021-11', '2021-12', '2022-01', '2022-02']);
    expect(seasonOf('2022-03-01')).toBe('2021-22');
    expect(seasonOf('2022-10-18')).toBe('2022-23');
  });
});
