// The status grid as text: one block per season, at most 80 columns, over five seasons.
import {describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {summarizeCoverage} from '../src/cli/coverageSummary.js';
import {formatStatusGrid} from '../src/cli/statusGrid.js';
import {addDays, seasonOf} from '../src/dates.js';
import type {CoverageSnapshot} from '../src/runner/types.js';

/** Game dates every other day from October to mid-June, 2021-22 to an unfinished 2025-26. */
function calendar(): {date: string; season: string; games: number}[] {
  const dates = [];
  for (let d = '2021-10-19'; d < '2026-01-17'; d = addDays(d, 2)) {
    const month = Number(d.slice(5, 7));
    if (month >= 7 && month <= 9) continue;
    dates.push({date: d, season: seasonOf(d), games: 5});
  }
  return dates;
}

describe('formatStatusGrid', () => {
  it('fits 80 columns, one block per season, cells covered/scheduled, totals per season', () => {
    const gameDates = calendar();
    const covered: Record<string, string[]> = {};
    for (const t of DERIVED_TABLES) covered[t.name] = t.phase === 3 ? gameDates.map((g) => g.date) : gameDates.filter((g) => g.date < '2022-01-01').map((g) => g.date);
    const snapshot: CoverageSnapshot = {range: {start: '2021-10-19', end: '2026-01-16'}, gameDates, covered, takenAt: ''};
    const lines = formatStatusGrid(summarizeCoverage(snapshot), '/data/warehouse.duckdb');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    const headers = lines.filter((l) => /^\d{4}-\d\d /.test(l));
    expect(headers.map((h) => h.slice(0, 7))).toEqual(['2021-22', '2022-23', '2023-24', '2024-25', '2025-26']);
    expect(headers[0]).toMatch(/^2021-22\s+Oct\s+Nov\s+Dec\s+Jan\s+Feb\s+Mar\s+Apr\s+May\s+Jun\s+season\s+%$/);
    expect(headers[4]).toMatch(/^2025-26\s+Oct\s+Nov\s+Dec\s+Jan\s+season/);
    const pgs = lines.find((l) => l.startsWith('PGS  '))!;
    expect(pgs).toMatch(/^PGS\s+7\/7\s+15\/15\s+/);
    expect(pgs).toMatch(/100%$/);
    const mlfs2223 = lines.filter((l) => l.startsWith('MLFS '))[1];
    expect(mlfs2223).toMatch(/^MLFS\s+0\/\d+/);
    expect(mlfs2223).toMatch(/ 0%$/);
    expect(lines.some((l) => /^ {2}MLFS\s+\d+ game dates missing, first gap in 2022-01$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('  PGS'))).toBe(false);
  });

  it('counts only game dates: a row on a day without games is not coverage', () => {
    const snapshot: CoverageSnapshot = {
      range: {start: '2021-11-01', end: '2021-11-30'},
      gameDates: [{date: '2021-11-02', season: '2021-22', games: 3}],
      covered: {player_game_summary: ['2021-11-01', '2021-11-02']},
      takenAt: '',
    };
    const summary = summarizeCoverage(snapshot);
    expect(summary.tables[0]).toMatchObject({covered: 1, expected: 1});
    expect(summary.totals).toEqual({covered: 1, expected: 10});
  });
});
