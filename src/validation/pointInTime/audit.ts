// The point-in-time audit: for sampled game dates D, rebuild the upcoming (phase 3) and phase 4
// rows of D from a copy of the warehouse cut at D, and compare them with the stored rows column
// by column. A stored row that used anything after D (a leak) cannot be rebuilt from the cut copy.
//
// The cut copy (views, nothing is copied): sources with game_date <= D and rosters as known on D
// (stints started by D, an end date after D not yet known); PGS, TOGS and TDGS rows up to D (facts
// of finished games, reconciled with raw by the other checks); the rebuilt tables hold their
// stored rows before D plus the rows rebuilt for D, so each rebuilt table feeds the next.
// From below, each table is cut at the lookback the catalog declares for its readers (the season
// of D, or the previous one too): a processor reading further back than its catalog entry says
// would be found out here (rows it needs are absent from the copy, so the rebuild differs).
import {DERIVED_TABLES, SOURCE_TABLES} from '../../catalog/tables.js';
import type {DerivedTable, Lookback, SourceTable} from '../../catalog/types.js';
import {seasonOf, type IsoDate} from '../../dates.js';
import type {Dialect} from '../../queries/dialect.js';
import {DataGuardError} from '../../queries/guards.js';
import {processorFor} from '../../queries/processors/index.js';
import {rangePredicate, rowsWithLineage} from '../../queries/write.js';
import {rangeParams} from '../../warehouse/types.js';
import type {CheckContext} from '../checks/context.js';
import {plural, verb} from '../checks/context.js';
import {anyDiffers, differenceText, type ComparedColumn} from '../compare.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery} from '../failures.js';
import type {CheckResult} from '../types.js';
import {openScratch, type ScratchSpace} from './scratch.js';

/** Tables the audit rebuilds: the as-of tables, whose rows for D must only know the past. */
export const AUDITED_TABLES: readonly DerivedTable[] = DERIVED_TABLES.filter(
  (t) => t.phase === 4 || t.name.startsWith('upcoming_'),
);

const LINEAGE = new Set(['processed_at', 'run_id']);

function dateLiteral(date: IsoDate): string {
  // Dates come from the schedule; checked anyway since they are spliced into view text.
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`not an ISO date: ${date}`);
  return `DATE '${date}'`;
}

/** The tables to rebuild so that `audited` can be rebuilt: them and their rebuilt ancestors. */
export function rebuildChain(audited: readonly DerivedTable[]): DerivedTable[] {
  const needed = new Set(audited.map((t) => t.name));
  for (const table of [...DERIVED_TABLES].reverse()) {
    if (!needed.has(table.name)) continue;
    for (const dep of table.dependsOn) if (AUDITED_TABLES.some((t) => t.name === dep.table)) needed.add(dep.table);
  }
  return DERIVED_TABLES.filter((t) => needed.has(t.name));
}

/** The first date a reader with this lookback may see when building `date`. */
function horizon(date: IsoDate, lookback: Lookback | undefined): IsoDate {
  if (lookback === undefined || lookback === 'date') return date;
  const start = Number(seasonOf(date).slice(0, 4)) - (lookback === 'two-seasons' ? 1 : 0);
  return `${start}-08-01`; // seasons start in October; August 1st is between seasons (src/dates.ts seasonOf)
}

const WIDTH: Record<Lookback, number> = {date: 0, season: 1, 'two-seasons': 2};

/** The widest lookback with which a table of the chain reads `table` (undefined: nobody reads it). */
function widestRead(table: DerivedTable, chain: readonly DerivedTable[]): Lookback | undefined {
  let widest: Lookback | undefined;
  for (const reader of chain) {
    for (const dep of reader.dependsOn) {
      if (dep.table === table.name && (widest === undefined || WIDTH[dep.lookback] > WIDTH[widest])) widest = dep.lookback;
    }
  }
  return widest;
}

function cutSource(d: Dialect, scratch: ScratchSpace, source: SourceTable, at: string, from: string): string {
  const columns = source.columns.map((c) => {
    // A stint ending on or after D was still open as far as D knew.
    if (source.name === 'team_roster' && c.name === 'valid_to') return `CASE WHEN valid_to >= ${at} THEN NULL ELSE valid_to END AS valid_to`;
    return d.ident(c.name);
  });
  const where = source.columns.some((c) => c.name === 'game_date')
    ? `game_date BETWEEN ${from} AND ${at}`
    : source.name === 'team_roster' ? `valid_from <= ${at}` : 'TRUE';
  return `SELECT ${columns.join(', ')} FROM ${scratch.stored(source)} WHERE ${where}`;
}

/** Points a lane's scratch datasets at the warehouse as it was on `date`. */
async function cutAt(scratch: ScratchSpace, d: Dialect, chain: readonly DerivedTable[], date: IsoDate): Promise<void> {
  const at = dateLiteral(date);
  // Sources feed the upcoming tables (same season) and lookups of phase 4: the widest horizon.
  const sourcesFrom = dateLiteral(horizon(date, 'two-seasons'));
  const view = (table: {dataset: DerivedTable['dataset']; name: string}, select: string) =>
    scratch.run(`CREATE OR REPLACE VIEW ${d.table(table)} AS\n${select}`);
  for (const source of SOURCE_TABLES) await view(source, cutSource(d, scratch, source, at, sourcesFrom));
  for (const table of DERIVED_TABLES) {
    const rebuilt = chain.some((t) => t.name === table.name);
    const from = dateLiteral(horizon(date, widestRead(table, chain)));
    await view(
      table,
      rebuilt
        ? `SELECT * FROM ${scratch.stored(table)} WHERE game_date >= ${from} AND game_date < ${at}\nUNION ALL\nSELECT * FROM ${scratch.recomputed(table)} WHERE game_date = ${at}`
        : `SELECT * FROM ${scratch.stored(table)} WHERE game_date BETWEEN ${from} AND ${at}`,
    );
  }
}

function compareQuery(context: CheckContext, scratch: ScratchSpace, table: DerivedTable, dates: readonly IsoDate[]) {
  const d = context.warehouse.dialect;
  const compared: ComparedColumn[] = table.columns
    .filter((c) => !LINEAGE.has(c.name) && !table.key.includes(c.name))
    .map((c) => ({name: c.name, left: `stored.${d.ident(c.name)}`, right: `rebuilt.${d.ident(c.name)}`, float: c.type === 'FLOAT64'}));
  const onDates = `game_date IN (${dates.map(dateLiteral).join(', ')})`;
  const key = table.key.map((k) => `COALESCE(stored.${d.ident(k)}, rebuilt.${d.ident(k)}) AS ${d.ident(k)}`).join(', ');
  return runFailureQuery(context.warehouse, {
    check: 'point_in_time',
    table,
    params: context.params,
    with: `stored AS (
  SELECT * FROM ${d.table(table)} WHERE ${rangePredicate(d)} AND ${onDates}
),
rebuilt AS (
  SELECT * FROM ${scratch.recomputed(table)} WHERE ${onDates}
)`,
    bad: `  SELECT ${key},
    CASE WHEN stored.game_date IS NULL THEN 'rebuilt from data cut at the date, but not stored'
      WHEN rebuilt.game_date IS NULL THEN 'stored, but not rebuilt from data cut at the date'
      ELSE CONCAT('stored vs rebuilt from data cut at the date: ', ${differenceText(d, compared, 'vs')}) END AS problem
  FROM stored FULL OUTER JOIN rebuilt ON ${table.key.map((k) => `stored.${d.ident(k)} = rebuilt.${d.ident(k)}`).join(' AND ')}
  WHERE stored.game_date IS NULL OR rebuilt.game_date IS NULL
    OR ${anyDiffers(compared)}`,
    order: table.key,
    describe: ({failures, dates: failing}) =>
      failures === 0
        ? `${plural(dates.length, 'sampled date')} (${shortDateList(dates, context.calendar)}) rebuilt from data cut at each date: identical`
        : `${plural(failures, 'row')} ${verb(failures, 'differs', 'differ')} from a rebuild with data cut at the date on ${shortDateList(failing, context.calendar)}` +
          ` (sampled: ${shortDateList(dates, context.calendar)})`,
  });
}

/** Dates rebuilt at the same time (DuckDB runs each rebuild on the warehouse's own threads too). */
export const AUDIT_LANES = 2;

/** Rebuilds the chain on `date` from the lane's copy cut at that date, into the recomputed tables. */
async function rebuildAt(scratch: ScratchSpace, d: Dialect, chain: readonly DerivedTable[], date: IsoDate): Promise<void> {
  await cutAt(scratch, d, chain, date);
  for (const table of chain) {
    const rows = rowsWithLineage(d, table, processorFor(table).select(d));
    const columns = table.columns.map((c) => d.ident(c.name)).join(', ');
    await scratch.run(`INSERT INTO ${scratch.recomputed(table)} (${columns})\n${rows}`, rangeParams(date, date, 'point-in-time'));
  }
}

export interface AuditOptions {
  /** Called after each sampled date is rebuilt. */
  readonly onDate?: (date: IsoDate, done: number, total: number) => void;
}

/**
 * Rebuilds `audited` on `dates` from the warehouse cut at each date and compares: one result
 * per audited table (one comparison query per table over all the sampled dates).
 */
export async function pointInTimeAudit(
  context: CheckContext,
  audited: readonly DerivedTable[],
  dates: readonly IsoDate[],
  options: AuditOptions = {},
): Promise<CheckResult[]> {
  if (audited.length === 0) return [];
  if (dates.length === 0) {
    return audited.map((table) => ({
      check: 'point_in_time' as const, table: table.name, passed: true, failures: 0, dates: [], sample: [], durationMs: 0,
      message: 'no game date covered by the audited tables in the range: nothing to rebuild',
    }));
  }
  const chain = rebuildChain(audited);
  const scratch = await openScratch(context.warehouse, Math.min(AUDIT_LANES, dates.length));
  try {
    for (const table of chain) await scratch.createRecomputed(table);
    const started = Date.now();
    let done = 0;
    const queue = [...dates];
    let refused: {date: IsoDate; error: DataGuardError} | undefined;
    // Lanes rebuild different dates at once; each date's rows land in the shared recomputed tables.
    const lane = async (d: Dialect) => {
      for (let date = queue.shift(); date !== undefined && !refused; date = queue.shift()) {
        context.signal?.throwIfAborted();
        try {
          await rebuildAt(scratch, d, chain, date);
        } catch (error) {
          // A data guard (a malformed raw minutes value the rebuild reads): a finding, not a crash.
          if (!(error instanceof DataGuardError)) throw error;
          refused ??= {date, error};
        }
        options.onDate?.(date, ++done, dates.length);
      }
    };
    await Promise.all(scratch.lanes.map(lane));
    if (refused) {
      const {date, error} = refused;
      return audited.map((table) => ({
        check: 'point_in_time' as const, table: table.name, passed: false, failures: 1, dates: [date], sample: [], durationMs: Date.now() - started,
        message: `could not rebuild ${date} from data cut at it: ${error.message}`,
      }));
    }
    // The rebuild serves every audited table: each result carries its share of it.
    const share = Math.round((Date.now() - started) / audited.length);
    const results: CheckResult[] = [];
    for (const table of audited) {
      const result = await compareQuery(context, scratch, table, dates);
      results.push({...result, durationMs: result.durationMs + share});
    }
    return results;
  } finally {
    await scratch.drop();
  }
}
