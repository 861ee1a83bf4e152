// The lookback index: it answers as the definition it replaced (kept below as the oracle) on
// calendars shaped like the demo's (seasons from opening night to the playoffs, dark days, the
// All-Star break), and the grid and the planner, which both read it, agree on which days wait.
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable} from '../src/catalog/index.js';
import type {DerivedTable, DerivedTableName, Lookback} from '../src/catalog/types.js';
import {parseConfig} from '../src/config.js';
import {addDays, type IsoDate} from '../src/dates.js';
import {seasonCalendar} from '../src/demo/calendar.js';
import type {GameDate} from '../src/queries/coverage.js';
import {LookbackIndex} from '../src/runner/lookback.js';
import {planRun} from '../src/runner/plan.js';
import type {CoverageSnapshot} from '../src/runner/types.js';
import {buildGrid} from '../src/ui/coverage-grid.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {Rng} from '../src/demo/random.js';
import {fakeGameDates, progressOf, runOf} from './support/fake-session.js';
import {scheduleOnlyWarehouse, tempDir, type TempDir} from './runner-support.js';

// ---- the definition the index replaced (src/runner/inputs.ts before it), verbatim: the oracle
function previousSeason(season: string): string {
  const start = Number(season.slice(0, 4)) - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}
function neededFor(lookback: Lookback, dates: readonly GameDate[], calendar: readonly GameDate[]): IsoDate[] {
  if (lookback === 'date') return dates.map((d) => d.date);
  const last = dates.reduce((max, d) => (d.date > max ? d.date : max), '');
  const seasons = new Set(dates.map((d) => d.season));
  if (lookback === 'two-seasons') for (const s of [...seasons]) seasons.add(previousSeason(s));
  return calendar.filter((g) => seasons.has(g.season) && g.date <= last).map((g) => g.date);
}
function requiredInputs(table: DerivedTable, dates: readonly GameDate[], calendar: readonly GameDate[]): Map<DerivedTableName, IsoDate[]> {
  const needs = new Map<DerivedTableName, IsoDate[]>();
  if (dates.length === 0) return needs;
  for (const dependency of table.dependsOn) {
    const merged = new Set([...(needs.get(dependency.table) ?? []), ...neededFor(dependency.lookback, dates, calendar)]);
    needs.set(dependency.table, [...merged].sort());
  }
  return needs;
}
// ----

/** The demo's seasons: opening night to the regular season's end without its dark days, the play-in, six weeks of playoffs. */
function demoCalendar(years: readonly number[], rng = new Rng(3, 'lookback-test')): GameDate[] {
  const out: GameDate[] = [];
  for (const year of years) {
    const s = seasonCalendar(year);
    for (let d = s.opener; d <= addDays(s.playoffStart, 45); d = addDays(d, 1)) {
      const played = (d <= s.regularEnd && !s.dark.has(d)) || s.playInDays.includes(d) || (d >= s.playoffStart && rng.chance(0.8));
      if (played) out.push({date: d, season: s.season, games: 1});
    }
  }
  return out;
}

const CALENDARS: Record<string, GameDate[]> = {
  'three demo seasons': demoCalendar([2021, 2022, 2023]),
  'a season and the next one after a gap year': demoCalendar([2021, 2023]),
  "the console tests' calendar": fakeGameDates('2021-10-19', '2022-12-31'),
  'a few dates across two seasons': ['2021-10-19', '2021-10-20', '2021-10-22', '2021-11-01', '2022-10-18', '2022-10-19'].map((date) => ({date, season: date < '2022-08-01' ? '2021-22' : '2022-23', games: 1})),
};

/** Date sets the callers ask about: single dates, batches never across seasons, a whole range across seasons, a scatter. */
function questions(calendar: readonly GameDate[], rng: Rng): GameDate[][] {
  const sets: GameDate[][] = [[]];
  for (let i = 0; i < calendar.length; i += 5) sets.push([calendar[i]]);
  for (let i = 0; i < calendar.length; i += 17) sets.push(calendar.slice(i, i + 17).filter((g) => g.season === calendar[i].season));
  sets.push([...calendar], calendar.slice(Math.floor(calendar.length / 3)));
  for (let n = 0; n < 10; n++) sets.push(calendar.filter(() => rng.chance(0.1)));
  return sets;
}

describe('lookback index', () => {
  for (const [shape, calendar] of Object.entries(CALENDARS)) {
    it(`answers as requiredInputs did: ${shape}`, () => {
      const index = new LookbackIndex(calendar);
      let compared = 0;
      for (const dates of questions(calendar, new Rng(11, 'lookback-test'))) {
        for (const table of DERIVED_TABLES) {
          const got = index.inputsFor(table, dates.map((g) => g.date));
          expect(got, `${table.short} on ${dates.length} dates from ${dates[0]?.date}`).toEqual(requiredInputs(table, dates, calendar));
          compared += [...got.values()].reduce((n, d) => n + d.length, 0);
        }
      }
      expect(compared).toBeGreaterThan(10 * calendar.length);
    });
  }

  it('reads nothing for a date without games', () => {
    const index = new LookbackIndex(CALENDARS['three demo seasons']);
    expect(index.inputsFor(derivedTable('ml_feature_store'), ['2021-12-24', '2022-07-04'])).toEqual(new Map());
  });

  it("names the first uncovered input date that holds a table on a date, or nothing when its inputs' dates are covered", () => {
    const calendar = CALENDARS['three demo seasons'];
    const index = new LookbackIndex(calendar);
    const rng = new Rng(5, 'lookback-test');
    const covered = new Map(DERIVED_TABLES.map((t) => [t.name, new Set(calendar.map((g) => g.date).filter(() => !rng.chance(0.01)))]));
    const over = index.over((t) => covered.get(t)!);
    let blocked = 0;
    for (const table of DERIVED_TABLES) {
      for (const g of calendar) {
        const uncovered = [...index.inputsFor(table, [g.date])].flatMap(([input, dates]) => dates.filter((d) => !covered.get(input)!.has(d)).map((d) => `${input} ${d}`));
        const blocker = over.blocker(table, g.date);
        expect(blocker !== null, `${table.short} ${g.date}`).toBe(uncovered.length > 0);
        if (blocker) {
          expect(uncovered).toContain(`${blocker.input} ${blocker.date}`);
          blocked++;
        }
      }
    }
    expect(blocked).toBeGreaterThan(100);
  });
});

describe('the grid and the planner read the same lookback', () => {
  const RANGE = {start: '2021-10-19', end: '2022-06-30'};

  function coverage(calendar: readonly GameDate[], covered: Map<DerivedTableName, Set<IsoDate>>): CoverageSnapshot {
    const byTable = Object.fromEntries(DERIVED_TABLES.map((t) => [t.name, [...(covered.get(t.name) ?? [])].sort()]));
    return {range: RANGE, gameDates: [...calendar], covered: byTable, takenAt: '2022-07-01T00:00:00Z'};
  }

  it('the grid says a day waits exactly when one of the input dates the index reads for it is uncovered', () => {
    const calendar = fakeGameDates(RANGE.start, RANGE.end);
    const index = new LookbackIndex(calendar);
    const rng = new Rng(9, 'lookback-test');
    const covered = new Map(DERIVED_TABLES.map((t) => [t.name, new Set(calendar.map((g) => g.date).filter(() => t.phase === 3 && !rng.chance(0.02)))]));
    const run = runOf({range: RANGE}, DERIVED_TABLES.map((t) => progressOf(t.name, {status: 'queued'})));
    const grid = buildGrid({coverage: coverage(calendar, covered), run, failures: new Map(), validation: null, boundary: '2022-07-01'});
    let waits = 0;
    for (const table of DERIVED_TABLES.filter((t) => t.phase === 4)) {
      for (const g of calendar) {
        const uncovered = [...index.inputsFor(table, [g.date])].flatMap(([input, dates]) => dates.filter((d) => !covered.get(input)!.has(d)).map((d) => `${derivedTable(input).short} ${d}`));
        const day = grid.dayStatus(table, g.date);
        expect(day.state === 'blocked', `${table.short} ${g.date}: ${day.reason}`).toBe(uncovered.length > 0);
        if (day.state === 'blocked') {
          expect(uncovered).toContain(day.reason.replace('waiting on an input: ', '').replace(/ \((season lookback|previous season)\)$/, ''));
          waits++;
        }
      }
    }
    expect(waits).toBeGreaterThan(50);
  });

  describe('on a real schedule', () => {
    let tmp: TempDir;
    let warehouse: DuckDbWarehouse;
    const DATES = ['2021-10-19', '2021-10-20', '2021-10-22', '2021-11-01', '2021-11-02', '2021-11-03', '2021-11-05'];
    beforeEach(async () => {
      tmp = tempDir('backfill-lookback-');
      warehouse = await scheduleOnlyWarehouse(join(tmp.dir, 'w.duckdb'), DATES);
    });
    afterEach(async () => {
      await warehouse.close();
      tmp.cleanup();
    });

    it("blocks the planner's batch of a day exactly when the grid says that day waits, naming the same input", async () => {
      // TDGS holds all but 2021-10-22; TDZA, planned alone one date per batch, reads it from Oct 22 on.
      for (const date of DATES.filter((d) => d !== '2021-10-22')) {
        await warehouse.query(`INSERT INTO nba_analytics.team_defense_game_summary (game_date, game_id, team_abbr) VALUES (CAST($d AS DATE), 'g', 'BOS')`, {d: {type: 'DATE', value: date}});
      }
      const tdza = derivedTable('team_defensive_zone_analytics');
      const plan = await planRun({warehouse, config: parseConfig({}), boundary: '2022-01-01', request: {range: RANGE, processors: [tdza.name], batchSize: 1}});
      const calendar = DATES.map((date) => ({date, season: '2021-22', games: 1}));
      const covered = new Map<DerivedTableName, Set<IsoDate>>([['team_defense_game_summary', new Set(DATES.filter((d) => d !== '2021-10-22'))]]);
      const run = runOf({range: RANGE}, [progressOf(tdza.name, {status: 'queued'})]);
      const grid = buildGrid({coverage: coverage(calendar, covered), run, failures: new Map(), validation: null, boundary: '2022-01-01'});
      const batches = plan.processors[0].batches;
      expect(batches.map((b) => b.dates[0])).toEqual(DATES);
      for (const batch of batches) {
        const day = grid.dayStatus(tdza, batch.start);
        expect(batch.blockedBy.length > 0, `${batch.start}: ${day.reason}`).toBe(day.state === 'blocked');
        if (batch.blockedBy.length) expect(day.reason).toBe(`waiting on an input: ${derivedTable(batch.blockedBy[0].input).short} 2021-10-22 (season lookback)`);
      }
      expect(batches.filter((b) => b.blockedBy.length > 0).map((b) => b.start)).toEqual(DATES.slice(2));
    });
  });
});
