// `backfill status [--json]`: the coverage grid as text, or per table per month as JSON; from the
// live run when one holds the warehouse.
import {command, printReading} from '../command.js';
import type {CliContext} from '../context.js';
import {describeRef} from '../../warehouse/ref.js';
import {readCoverage, summarizeCoverage, type CoverageSummary} from '../coverageSummary.js';
import {formatStatusGrid} from '../statusGrid.js';
import {resolveRange} from '../options.js';
import {connectSession} from '../../attach/client.js';
import {socketForContext} from '../../attach/paths.js';
import {liveRunServes} from './attach.js';
import type {RunOwner} from '../../attach/protocol.js';
import type {ProcessorStatus, RunSnapshot, RunState} from '../../runner/types.js';
import {keptSize, type KeptSize} from '../../undo/kept-size.js';
import {undoPolicy} from '../../undo/policy.js';
import {formatBytes} from '../../warehouse/sizes.js';

/** The live run as `status` reports it: enough for a script to tell what runs and what is paused. */
export interface LiveRun {
  readonly pid: number;
  readonly command: string;
  /** True when the holder is a console's host (`backfill`), not a headless `run`. */
  readonly consoleHost: boolean;
  readonly runId: string | null;
  readonly state: RunState | null;
  readonly processors: readonly {
    readonly name: string;
    readonly short: string;
    readonly status: ProcessorStatus;
    readonly paused: boolean;
    readonly datesDone: number;
    readonly datesTotal: number;
    /** Dates per second measured so far, and the ETA (the estimate's model). */
    readonly throughput: number | null;
    readonly etaSeconds: number | null;
    /** Dates per second over each of the last intervals, oldest first (the console's sparkline). */
    readonly rateSeries: readonly number[];
    readonly rateIntervalSeconds: number;
  }[];
}

export interface StatusReading {
  readonly summary: CoverageSummary;
  /** Set when the coverage came from the run that holds the warehouse (over its socket). */
  readonly live: LiveRun | null;
  /** What undo keeps (read from the warehouse; null when a live run answered). */
  readonly kept: KeptSize | null;
}

function liveRun(owner: RunOwner, run: RunSnapshot | null): LiveRun {
  return {
    pid: owner.pid,
    command: owner.command,
    consoleHost: owner.control,
    runId: run?.runId ?? null,
    state: run?.state ?? null,
    processors: (run?.processors ?? []).map((p) => ({
      name: p.name, short: p.short, status: p.status, paused: p.paused, datesDone: p.datesDone, datesTotal: p.datesTotal,
      throughput: p.throughput, etaSeconds: p.etaSeconds, rateSeries: p.rateSeries, rateIntervalSeconds: p.rateIntervalSeconds,
    })),
  };
}

/**
 * Coverage of the default range. When a run holds the warehouse (DuckDB refuses even read-only
 * opens then), the run answers over its socket; otherwise a read-only look at the warehouse.
 */
export async function loadStatus(context: CliContext): Promise<StatusReading> {
  const {range} = resolveRange({}, context);
  // A holder that is just exiting may refuse the connection: then the warehouse is free to read.
  const session = (await liveRunServes(context)) ? await connectSession(socketForContext(context)).catch(() => null) : null;
  if (session) {
    try {
      const {coverage, run} = session.getState();
      if (coverage) return {summary: summarizeCoverage(coverage), live: liveRun(session.owner, run), kept: null};
    } finally {
      await session.close('detach');
    }
  }
  const warehouse = await context.openWarehouse({readOnly: true});
  try {
    const summary = summarizeCoverage(await readCoverage(warehouse, range, context.config));
    const kept = await keptSize(warehouse, undoPolicy(context.config, context.warehouse.engine), context.bigquery.project, context.config.datasets?.nba_backfill);
    return {summary, live: null, kept};
  } finally {
    await warehouse.close();
  }
}

/** "undo: 2 of the last 3 runs can be undone; 23456 rows kept (12.3 MiB)": within 80 columns. */
export function keptLine(kept: KeptSize, retention: number): string {
  if (kept.runs === 0 && kept.rows === 0) return `undo: nothing kept yet (the last ${retention} runs' replaced rows are kept)`;
  const size = kept.bytes !== null ? ` (${formatBytes(kept.bytes)})` : kept.mode === 'time-travel' ? ' in time travel' : '';
  return `undo: ${kept.runs} of the last ${retention} runs can be undone; ${kept.rows} rows kept${size}`;
}

export function statusJson({summary, live, kept}: StatusReading, context: CliContext): object {
  return {
    warehouse: context.warehouse.engine === 'bigquery' ? context.warehouse.identity : context.warehouse.path,
    boundary: context.boundary,
    range: summary.range,
    live,
    tables: summary.tables,
    totals: summary.totals,
    stale: summary.stale,
    staleUnavailable: summary.staleUnavailable,
    undo: kept && {runs: kept.runs, rows: kept.rows, bytes: kept.bytes, keep: kept.mode, retention: undoPolicy(context.config, context.warehouse.engine).runs},
  };
}

export function statusLines({summary, live, kept}: StatusReading, context: CliContext): string[] {
  const lines = formatStatusGrid(summary, describeRef(context.warehouse));
  if (kept) lines.push(keptLine(kept, undoPolicy(context.config, context.warehouse.engine).runs));
  if (!live) return lines;
  lines.push(
    live.consoleHost
      ? `(from the console's host, pid ${live.pid}, which holds the warehouse; \`backfill\` opens a console on it)`
      : `(from the live run, pid ${live.pid}: ${live.command}; \`backfill attach\` to watch it)`,
  );
  const paused = live.processors.filter((p) => p.paused).map((p) => p.short);
  if (live.state) lines.push(`run ${live.runId}: ${live.state}${paused.length ? `; paused: ${paused.join(', ')}` : ''}`);
  return lines;
}

export const statusCommand = command({
  name: 'status',
  description: 'coverage grid: game dates covered/scheduled per table and month',
  options: [['--json', 'per table, per month: covered and expected game dates, with totals']],
  async run(context, flags: {readonly json?: boolean}) {
    printReading(context, flags.json, await loadStatus(context), (r) => statusJson(r, context), (r) => statusLines(r, context));
    return 0;
  },
});
