// The planner: which game dates each processor must build, cut into batches, and which planned
// batches each batch waits for (gates.ts). Pure data (JSON), so that a plan can be printed, sent
// to an attached console, approved and then run exactly as shown (startRun's `plan`).
import {derivedTable} from '../catalog/index.js';
import {DERIVED_TABLE_NAMES, type DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';
import {addDays, type DateRange, type IsoDate} from '../dates.js';
import {UsageError} from '../errors.js';
import type {RunOrder} from '../limits.js';
import {SeasonCalendar} from '../freshness/calendar.js';
import {readStaleness} from '../freshness/index.js';
import {coveredDates, gameCalendar, type GameDate} from '../queries/coverage.js';
import type {RunRecord} from '../state/store.js';
import type {Warehouse} from '../warehouse/types.js';
import {cascade} from './cascade.js';
import {globalWorkers, limitsFor} from './defaults.js';
import {failedDates} from './failed.js';
import {gatesOf, type BatchIdRun, type UnplannedInput} from './gates.js';
import {LookbackIndex} from './lookback.js';
import {cascadesOf, reprocessOf, withRunDefaults} from './request.js';
import type {ReprocessMode, RunRequest} from './types.js';

export interface PlannedBatch {
  /** Its position in the plan, from 0: processors in plan order, then batches in date order. */
  readonly id: number;
  readonly processor: DerivedTableName;
  readonly start: IsoDate;
  readonly end: IsoDate;
  /** The game dates it builds (others in [start, end] are rewritten identically or have no games). */
  readonly dates: readonly IsoDate[];
  readonly games: number;
  /** The planned batches building the input dates it reads (lookback included), as runs of ids. */
  readonly waitsFor: readonly BatchIdRun[];
  /** Inputs it reads that are neither covered nor planned (it fails when the run starts). */
  readonly blockedBy: readonly UnplannedInput[];
}

type UngatedBatch = Omit<PlannedBatch, 'id' | 'waitsFor' | 'blockedBy'>;

export interface ProcessorPlan {
  readonly name: DerivedTableName;
  readonly short: string;
  readonly phase: 3 | 4;
  readonly batchSize: number;
  readonly workers: number;
  readonly command: readonly string[] | null;
  readonly batches: readonly PlannedBatch[];
  /** Game dates in the range its mode leaves alone (covered ones for `missing`; 0 with --force). */
  readonly skipped: number;
  /** Game dates before the range added because a dependant's lookback reads them. */
  readonly lookbackDates: number;
  /** Game dates added because they read a date the plan rebuilds (cascade.ts); a processor not selected may have only these. */
  readonly cascadeDates: number;
}

/** Input dates that no processor of the plan builds and the warehouse does not hold. */
export interface MissingInput {
  readonly processor: DerivedTableName;
  readonly input: DerivedTableName;
  readonly dates: readonly IsoDate[];
}

export interface Plan {
  readonly requested: DateRange;
  /** The range actually planned: the request cut at the day before the boundary. */
  readonly range: DateRange | null;
  readonly boundary: IsoDate;
  readonly createdAt: string;
  /** The mode is `all`. */
  readonly force: boolean;
  readonly reprocess: ReprocessMode;
  /** Whether the readers of what it rebuilds were added (cascadeDates). */
  readonly cascade: boolean;
  readonly globalWorkers: number;
  /**
   * Which batches start first. Batch ids stay in date order either way (the gates name them);
   * newest-first cuts each season's batches from its latest date, so the batch that starts first
   * is a whole one, and the scheduler starts the latest ready batch. Lookback still gates.
   */
  readonly order: RunOrder;
  /** What was asked (order and budget filled from the config); the run of this plan journals it, so that a resumed run asks it again. */
  readonly request: RunRequest;
  readonly processors: readonly ProcessorPlan[];
  readonly missing: readonly MissingInput[];
}

export interface PlanOptions {
  readonly warehouse: Warehouse;
  readonly config: Config;
  readonly boundary: IsoDate;
  readonly request: RunRequest;
  /** Game dates already built by an interrupted --force run: not built again when it resumes. */
  readonly alreadyDone?: Partial<Record<DerivedTableName, readonly IsoDate[]>>;
  /** The warehouse's run history (the state store): which dates' last batch failed, for `failed`. */
  readonly history?: readonly RunRecord[];
}

/** Catalog order is dependency order: upstream tables come first. */
function inCatalogOrder(names: readonly DerivedTableName[]): DerivedTableName[] {
  const wanted = new Set(names);
  return DERIVED_TABLE_NAMES.filter((n) => wanted.has(n));
}

/**
 * Consecutive game dates, at most `size` per batch, never across two seasons: lookback reads the
 * batch's season, so a batch spanning two seasons would pay for both. Counted from the oldest date,
 * or from the newest for newest-first (a season's partial batch is then its earliest); returned
 * in date order either way.
 */
function cut(processor: DerivedTableName, dates: readonly GameDate[], size: number, order: RunOrder): UngatedBatch[] {
  const newest = order === 'newest-first';
  const batches: UngatedBatch[] = [];
  let chunk: GameDate[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    if (newest) chunk.reverse();
    batches.push({
      processor,
      start: chunk[0].date,
      end: chunk[chunk.length - 1].date,
      dates: chunk.map((d) => d.date),
      games: chunk.reduce((sum, d) => sum + d.games, 0),
    });
    chunk = [];
  };
  for (const date of newest ? [...dates].reverse() : dates) {
    if (chunk.length === size || (chunk.length > 0 && chunk[0].season !== date.season)) flush();
    chunk.push(date);
  }
  flush();
  return newest ? batches.reverse() : batches;
}

/** Every game date the warehouse knows before the boundary, in order. */
export async function calendarBefore(warehouse: Warehouse, boundary: IsoDate): Promise<GameDate[]> {
  return gameCalendar(warehouse, addDays(boundary, -1));
}

/** Game dates of each batch's whole range: a batch rewrites them all. */
function rewrittenBy(batches: readonly UngatedBatch[], calendar: readonly GameDate[]): Set<IsoDate> {
  const out = new Set<IsoDate>();
  for (const b of batches) for (const g of calendar) if (g.date >= b.start && g.date <= b.end) out.add(g.date);
  return out;
}

export async function planRun({warehouse, config, boundary, request: asked, alreadyDone = {}, history = []}: PlanOptions): Promise<Plan> {
  const request = withRunDefaults(asked, config, warehouse.engine);
  const order = request.order ?? 'oldest-first';
  if (request.processors.length === 0) throw new UsageError('no processor selected');
  if (request.batchSize !== undefined && !(Number.isInteger(request.batchSize) && request.batchSize >= 1)) {
    throw new UsageError(`--batch-size ${request.batchSize} must be a whole number of game dates, 1 or more`);
  }
  if (request.workers !== undefined && !(Number.isInteger(request.workers) && request.workers >= 1)) {
    throw new UsageError(`--workers ${request.workers} must be a whole number, 1 or more`);
  }
  const mode = reprocessOf(request);
  const force = mode === 'all';
  const cascading = cascadesOf(request);
  const lastAllowed = addDays(boundary, -1);
  const end = request.range.end < lastAllowed ? request.range.end : lastAllowed;
  const range = request.range.start <= end ? {start: request.range.start, end} : null;
  const selected = inCatalogOrder(request.processors);
  const calendar = await calendarBefore(warehouse, boundary);
  const inRange = range ? calendar.filter((g) => g.date >= range.start && g.date <= range.end) : [];
  const lookback = new LookbackIndex(calendar);

  // Coverage of every selected table and every input they read (of every table when the cascade
  // may reach any), over the whole calendar.
  const involved = new Set<DerivedTableName>(cascading ? DERIVED_TABLE_NAMES : selected);
  for (const name of selected) for (const dep of derivedTable(name).dependsOn) involved.add(dep.table);
  const covered = calendar.length
    ? await coveredDates(warehouse, [...involved].map(derivedTable), {start: calendar[0].date, end: calendar[calendar.length - 1].date})
    : new Map<string, Set<IsoDate>>();
  const isCovered = (table: DerivedTableName, date: IsoDate) => covered.get(table)?.has(date) === true;

  // What each selected processor's mode rebuilds in the range, minus what an interrupted forced
  // run already rebuilt.
  const stale = mode === 'stale' ? (await readStaleness(warehouse, {last: lastAllowed, config})).stale : null;
  const failed = mode === 'failed' ? failedDates(history, calendar) : null;
  const wanted = (name: DerivedTableName, date: IsoDate): boolean =>
    mode === 'all' ? true
    : mode === 'missing' ? !isCovered(name, date)
    : mode === 'stale' ? stale!.get(name)?.has(date) === true
    : failed!.get(name)?.has(date) === true;
  const doneSets = new Map(Object.entries(alreadyDone).map(([name, dates]) => [name, new Set(dates)]));
  const isDone = (name: DerivedTableName, date: IsoDate) => doneSets.get(name)?.has(date) === true;
  const toBuild = new Map<DerivedTableName, Set<IsoDate>>();
  const skipped = new Map<DerivedTableName, number>();
  for (const name of selected) {
    const done = doneSets.get(name) ?? new Set<IsoDate>();
    const dates = inRange.filter((g) => !done.has(g.date) && wanted(name, g.date)).map((g) => g.date);
    toBuild.set(name, new Set(dates));
    skipped.set(name, inRange.length - dates.length);
  }

  // Lookback reaches before the range (a November date reads October): a selected upstream
  // processor also builds those input dates when the warehouse lacks them. Walk downstream
  // first so that an extension of a phase 4 table extends its own inputs in turn.
  const lookbackDates = new Map<DerivedTableName, number>(selected.map((n) => [n, 0]));
  for (const name of [...selected].reverse()) {
    for (const [input, dates] of lookback.inputsFor(derivedTable(name), toBuild.get(name)!)) {
      if (!toBuild.has(input)) continue;
      const set = toBuild.get(input)!;
      for (const date of dates) {
        if (!set.has(date) && !isCovered(input, date)) {
          set.add(date);
          lookbackDates.set(input, lookbackDates.get(input)! + 1);
        }
      }
    }
  }

  const limitsOf = (name: DerivedTableName) => limitsFor(name, config, request);
  const cutOf = (name: DerivedTableName, dates: ReadonlySet<IsoDate>) => cut(name, calendar.filter((g) => dates.has(g.date)), limitsOf(name).batchSize, order);
  // The readers of whatever the plan rewrites join it, in dependency order (cascade.ts).
  const cascaded = cascading
    ? cascade({calendar: new SeasonCalendar(calendar), planned: toBuild, isCovered, done: isDone, rewrites: (name, dates) => rewrittenBy(cutOf(name, dates), calendar)})
    : null;
  const planned = cascaded?.planned ?? toBuild;
  const names = inCatalogOrder([...new Set([...selected, ...planned.keys()])]);
  for (const name of names) if (!planned.has(name)) planned.set(name, new Set());

  const limits = new Map(names.map((name) => [name, limitsOf(name)]));
  const cuts = names.map((name) => cutOf(name, planned.get(name)!));
  // Ids follow plan order (processors, then dates); the gates name batches by them.
  const gates = gatesOf(cuts.flat(), lookback, isCovered);
  let next = 0;
  const processors: ProcessorPlan[] = names.map((name, i) => {
    const table = derivedTable(name);
    const {batchSize, workers, command} = limits.get(name)!;
    return {
      name,
      short: table.short,
      phase: table.phase,
      batchSize,
      workers,
      command,
      batches: cuts[i].map((batch) => {
        const id = next++;
        return {id, ...batch, ...gates[id]};
      }),
      skipped: skipped.get(name) ?? 0,
      lookbackDates: lookbackDates.get(name) ?? 0,
      cascadeDates: cascaded?.added.get(name) ?? 0,
    };
  });

  // Inputs that nobody will build: the run fails those batches at once instead of waiting forever.
  const missing: MissingInput[] = [];
  for (const name of names) {
    for (const [input, dates] of lookback.inputsFor(derivedTable(name), planned.get(name)!)) {
      const absent = dates.filter((d) => !isCovered(input, d) && !planned.get(input)?.has(d));
      if (absent.length) missing.push({processor: name, input, dates: absent});
    }
  }

  return {
    requested: request.range,
    range,
    boundary,
    force,
    reprocess: mode,
    cascade: cascading,
    globalWorkers: globalWorkers(config, request),
    order,
    request,
    processors,
    missing,
    createdAt: new Date().toISOString(),
  };
}

export function planBatchCount(plan: Plan): number {
  return plan.processors.reduce((sum, p) => sum + p.batches.length, 0);
}

function datesOf(p: ProcessorPlan): number {
  return p.batches.reduce((sum, b) => sum + b.dates.length, 0);
}

function gamesOf(p: ProcessorPlan): number {
  return p.batches.reduce((sum, b) => sum + b.games, 0);
}

function sampleDates(dates: readonly IsoDate[]): string {
  return dates.length <= 3 ? dates.join(', ') : `${dates[0]} … ${dates[dates.length - 1]} (${dates.length} dates)`;
}

/** What newest-first means, said by `run --dry-run` and the console's confirmation. */
export const NEWEST_FIRST = 'newest first: the latest ready batch starts first; a phase 4 batch still waits for its inputs (lookback)';
const MODE_NOTES: Record<ReprocessMode, string> = {
  missing: '',
  all: ' (--force: covered dates are rebuilt)',
  stale: ' (--reprocess stale: stale dates are rebuilt)',
  failed: ' (--reprocess failed: dates whose last batch failed are rebuilt)',
};

/** `cascade: PSZA +12, PCF +12, MLFS +190 dates that read what it rebuilds`, or nothing. */
export function cascadeLine(plan: Pick<Plan, 'processors'>): string | null {
  const added = plan.processors.filter((p) => p.cascadeDates > 0);
  if (added.length === 0) return null;
  return `cascade: ${added.map((p) => `${p.short} +${p.cascadeDates}`).join(', ')} dates that read what it rebuilds`;
}

/** The plan as text for `run --dry-run` and the console's confirmation. */
export function formatPlan(plan: Plan): string[] {
  const lines: string[] = [];
  const range = plan.range ? `${plan.range.start} → ${plan.range.end}` : 'nothing (the range is on or after the boundary)';
  lines.push(`plan: ${range}${MODE_NOTES[plan.reprocess]}${plan.cascade ? '' : ' (--no-cascade)'}; boundary ${plan.boundary} (not written on or after)`);
  if (plan.order === 'newest-first') lines.push(`  ${NEWEST_FIRST}`);
  if (plan.range && plan.range.end !== plan.requested.end) lines.push(`  the requested end ${plan.requested.end} was cut at the boundary`);
  const header = ['processor', 'phase', 'dates', 'games', 'skipped', 'batches', 'size', 'workers', 'kind'];
  const rows = plan.processors.map((p) => [
    p.short,
    String(p.phase),
    String(datesOf(p)) + (p.lookbackDates ? ` (+${p.lookbackDates} lookback)` : '') + (p.cascadeDates ? ` (+${p.cascadeDates} cascade)` : ''),
    String(gamesOf(p)),
    String(p.skipped),
    String(p.batches.length),
    String(p.batchSize),
    String(p.workers),
    p.command ? `command: ${p.command.join(' ')}` : 'sql',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  lines.push(fmt(header));
  for (const row of rows) lines.push(fmt(row));
  const [total, ...blocked] = planSummary(plan);
  lines.push(`total: ${total}`);
  for (const line of blocked) lines.push(`  ${line}`);
  return lines;
}

/** The plan's total, then the cascade and what blocks it: the console's start confirmation and `run --dry-run`. */
export function planSummary(plan: Plan): string[] {
  const dates = plan.processors.reduce((s, p) => s + datesOf(p), 0);
  const lookback = plan.processors.reduce((s, p) => s + p.lookbackDates, 0);
  const cascaded = cascadeLine(plan);
  return [
    `${planBatchCount(plan)} batches, ${dates} processor-dates${lookback ? ` (${lookback} for lookback)` : ''}, at most ${plan.globalWorkers} at once`,
    ...(cascaded ? [cascaded] : []),
    ...plan.missing.map((m) => `blocked: ${derivedTable(m.processor).short} needs ${derivedTable(m.input).short} on ${sampleDates(m.dates)}, which is not covered and not in the plan`),
  ];
}
