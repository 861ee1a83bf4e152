// `backfill status [--json]`: the coverage grid as text, or per table per month as JSON; from the
// live run when one holds the warehouse.
import type {Command} from 'commander';
import type {CommandModule} from '../main.js';
import type {CliContext} from '../context.js';
import {readCoverage, summarizeCoverage, type CoverageSummary} from '../coverageSummary.js';
import {formatStatusGrid} from '../statusGrid.js';
import {resolveRange} from '../options.js';
import {connectSession} from '../../attach/client.js';
import {socketForContext} from '../../attach/paths.js';
import {liveRunServes} from './attach.js';

export interface StatusReading {
  readonly summary: CoverageSummary;
  /** Set when the coverage came from the run that holds the warehouse (over its socket). */
  readonly live: {readonly pid: number; readonly command: string} | null;
}

/**
 * Coverage of the default range. When a run holds the warehouse (DuckDB refuses even read-only
 * opens then), the run answers over its socket; otherwise a read-only look at the warehouse.
 */
export async function loadStatus(context: CliContext): Promise<StatusReading> {
  const {range} = resolveRange({}, context);
  if (await liveRunServes(context)) {
    const session = await connectSession(socketForContext(context));
    try {
      const coverage = session.getState().coverage;
      if (coverage) return {summary: summarizeCoverage(coverage), live: {pid: session.owner.pid, command: session.owner.command}};
    } finally {
      await session.close('detach');
    }
  }
  const warehouse = await context.openWarehouse({readOnly: true});
  try {
    return {summary: summarizeCoverage(await readCoverage(warehouse, range)), live: null};
  } finally {
    await warehouse.close();
  }
}

export function statusJson({summary, live}: StatusReading, context: CliContext): object {
  return {
    warehouse: context.target === 'bigquery' ? `bigquery:${context.project ?? ''}` : context.warehousePath,
    boundary: context.boundary,
    range: summary.range,
    live,
    tables: summary.tables,
    totals: summary.totals,
  };
}

export function printStatus({summary, live}: StatusReading, context: CliContext): void {
  const where = context.target === 'bigquery' ? `BigQuery project ${context.project ?? '(default)'}` : context.warehousePath;
  for (const line of formatStatusGrid(summary, where)) context.out(line);
  if (live) context.out(`(from the live run, pid ${live.pid}: ${live.command}; \`backfill attach\` to watch it)`);
}

export const statusCommand: CommandModule = {
  register(program: Command, run) {
    program
      .command('status')
      .description('coverage grid: game dates covered/scheduled per table and month')
      .option('--json', 'per table, per month: covered and expected game dates, with totals')
      .action((options: {json?: boolean}) =>
        run(async (context) => {
          const reading = await loadStatus(context);
          if (options.json) context.out(JSON.stringify(statusJson(reading, context)));
          else printStatus(reading, context);
          return 0;
        }),
      );
  },
};
