// `backfill stale [--from D] [--to D] [--tables a,b] [--json]`: every (table, game date) whose rows
// no longer match what they were built from, and why (src/freshness). Exit 0 whether or not
// anything is stale: it reports, `run --stale` rebuilds. From the live run's snapshot when one
// holds the warehouse (DuckDB refuses even read-only opens then), else a read-only look.
import {derivedTable} from '../../catalog/index.js';
import type {DerivedTableName} from '../../catalog/types.js';
import {addDays, type DateRange} from '../../dates.js';
import {connectSession} from '../../attach/client.js';
import {socketForContext} from '../../attach/paths.js';
import {listStale, readStaleness, STALE_REASONS, type StaleDate, type StaleReason} from '../../freshness/index.js';
import {decodeStale} from '../../freshness/wire.js';
import {describeRef} from '../../warehouse/ref.js';
import {command, printReading} from '../command.js';
import type {CliContext} from '../context.js';
import {RANGE_OPTIONS, resolveRange, selectTables, type RangeRequest} from '../options.js';
import {liveRunServes} from './attach.js';

interface StaleFlags extends RangeRequest {
  readonly tables?: string;
  readonly json?: boolean;
}

interface StaleReading {
  readonly stale: readonly StaleDate[];
  /** Set when the list came from the live run (its grid's range only). */
  readonly live: {readonly pid: number} | null;
}

async function fromLiveRun(context: CliContext, range: DateRange, tables: readonly DerivedTableName[]): Promise<StaleReading | null> {
  if (!(await liveRunServes(context))) return null;
  const session = await connectSession(socketForContext(context)).catch(() => null);
  if (!session) return null;
  try {
    const coverage = session.getState().coverage;
    if (!coverage?.freshness || coverage.freshness.unavailable) return null;
    const byTable = decodeStale(coverage.freshness, coverage.gameDates.map((g) => g.date));
    const stale = listStale(byTable as Parameters<typeof listStale>[0], {range, tables});
    return {stale, live: {pid: session.owner.pid}};
  } finally {
    await session.close('detach');
  }
}

export async function readStale(context: CliContext, range: DateRange, tables: readonly DerivedTableName[]): Promise<StaleReading> {
  const live = await fromLiveRun(context, range, tables);
  if (live) return live;
  const warehouse = await context.openWarehouse({readOnly: true});
  try {
    const {stale} = await readStaleness(warehouse, {last: addDays(context.boundary, -1), config: context.config});
    return {stale: listStale(stale, {range, tables}), live: null};
  } finally {
    await warehouse.close();
  }
}

function counts(stale: readonly StaleDate[]): Record<StaleReason, number> {
  const out = Object.fromEntries(STALE_REASONS.map((r) => [r, 0])) as Record<StaleReason, number>;
  for (const s of stale) out[s.reason]++;
  return out;
}

function staleLines(context: CliContext, range: DateRange, {stale, live}: StaleReading): string[] {
  const where = describeRef(context.warehouse);
  const lines: string[] = [];
  if (stale.length === 0) {
    lines.push(`nothing is stale in ${where} from ${range.start} to ${range.end}`);
  } else {
    const width = Math.max(...stale.map((s) => derivedTable(s.table).short.length));
    for (const s of stale) lines.push(`${derivedTable(s.table).short.padEnd(width)}  ${s.date}  ${s.reason.padEnd(8)}  ${s.detail}`);
    const by = Object.entries(counts(stale)).filter(([, n]) => n > 0).map(([reason, n]) => `${n} ${reason}`).join(', ');
    lines.push(`${stale.length} stale game dates in ${where} from ${range.start} to ${range.end} (${by}): \`backfill run --stale\` rebuilds them and what reads them`);
  }
  if (live) lines.push(`(from the run that holds the warehouse, pid ${live.pid})`);
  return lines;
}

export const staleCommand = command({
  name: 'stale',
  description: 'the stale (table, game date) pairs and why: upstream, code, source, unknown',
  options: [
    ...RANGE_OPTIONS,
    ['--tables <list>', 'tables to list, e.g. PSZA,MLFS (default: all ten)'],
    ['--json', 'as JSON: {"stale": [{"table", "date", "reason", "detail"}], "counts", ...}'],
  ],
  async run(context, flags: StaleFlags) {
    const tables = selectTables(flags.tables, undefined, '--tables').map((t) => t.name);
    const {range} = resolveRange(flags, context);
    const reading = await readStale(context, range, tables);
    printReading(context, flags.json, reading, (r) => ({
      warehouse: context.warehouse.engine === 'bigquery' ? context.warehouse.identity : context.warehouse.path,
      range,
      stale: r.stale.map((s) => ({table: `${derivedTable(s.table).dataset}.${s.table}`, date: s.date, reason: s.reason, detail: s.detail})),
      counts: counts(r.stale),
      total: r.stale.length,
      live: r.live,
    }), (r) => staleLines(context, range, r));
    return 0;
  },
});
