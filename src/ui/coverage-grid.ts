// The coverage grid as data: a row per derived table grouped by phase, a cell per month (and per
// day for the drilldown), each with a state and the reason a day is not done. Pure functions of
// the session's snapshots, so the grid follows the session without querying anything itself.
import {DERIVED_TABLES, derivedTable, shortName} from '../catalog/index.js';
import type {DerivedTable} from '../catalog/types.js';
import {addDays, endOfMonth, monthOf, monthsBetween, type IsoDate} from '../dates.js';
import {LookbackIndex} from '../runner/lookback.js';
import {decodeStale} from '../freshness/wire.js';
import {isRunActive, type CoverageSnapshot, type ProcessorProgress, type RunSnapshot} from '../runner/types.js';
import type {ValidationReport} from '../validation/types.js';
import {failureOn, type FailureMap} from './failures.js';
import type {CellState} from './theme.js';

export interface DayStatus {
  readonly state: CellState;
  /** Why the day is (not) done, one line for the operator. */
  readonly reason: string;
}

export interface Cell {
  readonly covered: number;
  readonly expected: number;
  readonly state: CellState;
  /** Covered dates that are stale (absent when none). */
  readonly stale?: number;
}

export interface GridRow {
  readonly table: DerivedTable;
  readonly cells: readonly Cell[];
  readonly total: Cell;
}

export interface PhaseGroup {
  readonly phase: 3 | 4;
  readonly rows: readonly GridRow[];
  readonly cells: readonly Cell[];
  readonly total: Cell;
}

export interface GridModel {
  readonly months: readonly string[];
  readonly phases: readonly PhaseGroup[];
  /** Table rows in display order (phase 3 then phase 4), what the cursor moves over. */
  readonly rows: readonly GridRow[];
  dayStatus(table: DerivedTable, date: IsoDate): DayStatus;
  /** Stale game dates of `tables` in [start, end] (what the rebuild key acts on). */
  staleIn(tables: readonly string[], range: {readonly start: IsoDate; readonly end: IsoDate}): number;
  /** Why staleness is not shown (it could not be read), or null. */
  readonly staleUnavailable: string | null;
}

export interface GridInputs {
  readonly coverage: CoverageSnapshot;
  readonly run: RunSnapshot | null;
  readonly failures: FailureMap;
  readonly validation: ValidationReport | null;
  readonly boundary: IsoDate;
}

// When several days of a month differ, the cell shows the one that most needs the operator.
const PRECEDENCE: readonly CellState[] = ['failed', 'invalid', 'running', 'paused', 'blocked', 'queued', 'stale'];

/** The months the grid shows: the coverage range, cut at the day before the boundary. */
export function gridMonths(coverage: CoverageSnapshot, boundary: IsoDate): string[] {
  const last = coverage.range.end < boundary ? coverage.range.end : addDays(boundary, -1);
  if (last < coverage.range.start) return [];
  return monthsBetween(coverage.range.start, last);
}

export function buildGrid(inputs: GridInputs): GridModel {
  const {coverage, run, failures, validation, boundary} = inputs;
  const months = gridMonths(coverage, boundary);
  const lastDay = addDays(boundary, -1);
  const calendar = coverage.gameDates.filter((g) => g.date <= lastDay);
  const gameDateSet = new Set(calendar.map((g) => g.date));
  const covered = new Map<string, Set<IsoDate>>();
  for (const table of DERIVED_TABLES) covered.set(table.name, new Set(coverage.covered[table.name] ?? []));
  const stale = decodeStale(coverage.freshness, calendar.map((g) => g.date));

  const active = isRunActive(run) ? run : null;
  const progress = new Map<string, ProcessorProgress>((active?.processors ?? []).map((p) => [p.name, p]));

  const invalid = new Map<string, Map<IsoDate, string>>();
  for (const result of validation?.results ?? []) {
    if (result.passed) continue;
    const byDate = invalid.get(result.table) ?? new Map<IsoDate, string>();
    for (const date of result.dates) if (!byDate.has(date)) byDate.set(date, `${result.check}: ${result.message}`);
    invalid.set(result.table, byDate);
  }

  function inPlan(table: DerivedTable, date: IsoDate): ProcessorProgress | undefined {
    if (!active?.range || date < active.range.start || date > active.range.end) return undefined;
    const p = progress.get(table.name);
    return p && p.status !== 'idle' && p.status !== 'done' && p.status !== 'cancelled' ? p : undefined;
  }

  // The runner's lookback index answers why a day waits in O(1) per day, as the planner reads it.
  const lookback = new LookbackIndex(calendar).over((table) => covered.get(table)!);
  function missingInput(table: DerivedTable, date: IsoDate): string | null {
    const blocker = lookback.blocker(table, date);
    if (!blocker) return null;
    const why = blocker.through === 'season' ? ' (season lookback)' : blocker.through === 'previous-season' ? ' (previous season)' : '';
    return `waiting on an input: ${derivedTable(blocker.input).short} ${blocker.date}${why}`;
  }

  function dayStatus(table: DerivedTable, date: IsoDate): DayStatus {
    if (date >= boundary) return {state: 'none', reason: 'on or after the real-time boundary (daily pipeline)'};
    if (!gameDateSet.has(date)) return {state: 'none', reason: 'no games on this date'};
    const isCovered = covered.get(table.name)!.has(date);
    const failure = failureOn(failures, table.name, date);
    if (failure && !isCovered) return {state: 'failed', reason: `failed: ${failure.error}`};
    const p = progress.get(table.name);
    const batch = p?.running.find((b) => b.start <= date && date <= b.end);
    if (batch) {
      const attempt = batch.attempt > 1 ? `, attempt ${batch.attempt}` : '';
      return {state: 'running', reason: `running: batch ${batch.start}..${batch.end}${attempt}`};
    }
    if (isCovered) {
      const why = invalid.get(table.name)?.get(date);
      if (why) return {state: 'invalid', reason: `validation failed: ${why}`};
      const out = stale.get(table.name)?.get(date);
      // Short names: the line must fit 80 columns with the table and the date before it.
      return out ? {state: 'stale', reason: `stale (${out.reason}): ${out.detail.replace(/\b[a-z_]+\b/g, shortName)}`} : {state: 'done', reason: 'done'};
    }
    const planned = inPlan(table, date);
    if (planned) {
      if (planned.paused || planned.status === 'paused') return {state: 'paused', reason: `${table.short} is paused (resume it with r)`};
      const waiting = missingInput(table, date);
      if (waiting) return {state: 'blocked', reason: waiting};
      return {state: 'queued', reason: 'queued: scheduled in the current run'};
    }
    return {state: 'missing', reason: 'not scheduled: select it and press s to run it'};
  }

  function summarize(states: Iterable<CellState>, coveredCount: number, expected: number, staleCount = 0): Cell {
    const seen = new Set(states);
    const flagged = PRECEDENCE.find((s) => seen.has(s));
    let state: CellState;
    if (flagged) state = flagged;
    else if (expected === 0) state = 'none';
    else if (coveredCount === expected) state = 'done';
    else if (coveredCount === 0) state = 'missing';
    else state = 'partial';
    return {covered: coveredCount, expected, state, ...(staleCount ? {stale: staleCount} : {})};
  }
  const staleOf = (cells: readonly Cell[]) => cells.reduce((n, c) => n + (c.stale ?? 0), 0);

  const datesByMonth = new Map<string, IsoDate[]>(months.map((m) => [m, []]));
  for (const g of calendar) datesByMonth.get(monthOf(g.date))?.push(g.date);

  const rows: GridRow[] = DERIVED_TABLES.map((table) => {
    const cells = months.map((month) => {
      const dates = datesByMonth.get(month)!;
      const statuses = dates.map((d) => dayStatus(table, d).state);
      const staleDays = statuses.filter((s) => s === 'stale').length;
      return summarize(statuses, statuses.filter((s) => s === 'done' || s === 'invalid' || s === 'stale').length, dates.length, staleDays);
    });
    const total = summarize(
      cells.map((c) => c.state),
      cells.reduce((n, c) => n + c.covered, 0),
      cells.reduce((n, c) => n + c.expected, 0),
      staleOf(cells),
    );
    return {table, cells, total};
  });

  const phases: PhaseGroup[] = ([3, 4] as const).map((phase) => {
    const phaseRows = rows.filter((r) => r.table.phase === phase);
    const cells = months.map((_, i) =>
      summarize(
        phaseRows.map((r) => r.cells[i].state),
        phaseRows.reduce((n, r) => n + r.cells[i].covered, 0),
        phaseRows.reduce((n, r) => n + r.cells[i].expected, 0),
        staleOf(phaseRows.map((r) => r.cells[i])),
      ),
    );
    const total = summarize(
      phaseRows.map((r) => r.total.state),
      phaseRows.reduce((n, r) => n + r.total.covered, 0),
      phaseRows.reduce((n, r) => n + r.total.expected, 0),
      staleOf(phaseRows.map((r) => r.total)),
    );
    return {phase, rows: phaseRows, cells, total};
  });

  const staleIn = (tables: readonly string[], range: {readonly start: IsoDate; readonly end: IsoDate}) =>
    tables.reduce((n, t) => n + [...(stale.get(t)?.keys() ?? [])].filter((d) => d >= range.start && d <= range.end).length, 0);
  const staleUnavailable = coverage.freshness ? coverage.freshness.unavailable : 'staleness is not read for this warehouse';
  return {months, phases, rows: phases.flatMap((p) => p.rows), dayStatus, staleIn, staleUnavailable};
}

/** Every calendar day of a 'YYYY-MM' month. */
export function daysOfMonth(month: string): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = `${month}-01`; d <= endOfMonth(month); d = addDays(d, 1)) days.push(d);
  return days;
}
