// `backfill status [--json]`: the coverage grid as text, or per table per month as JSON.
import type {Command} from 'commander';
import type {CommandModule} from '../main.js';
import type {CliContext} from '../context.js';
import {readCoverage, summarizeCoverage, type CoverageSummary} from '../coverageSummary.js';
import {formatStatusGrid} from '../statusGrid.js';
import {resolveRange} from '../options.js';

/** Reads coverage of the default range from a read-only warehouse (a held write lock is exit 2). */
export async function loadStatus(context: CliContext): Promise<CoverageSummary> {
  const {range} = resolveRange({}, context);
  const warehouse = await context.openWarehouse({readOnly: true});
  try {
    return summarizeCoverage(await readCoverage(warehouse, range));
  } finally {
    await warehouse.close();
  }
}

export function statusJson(summary: CoverageSummary, context: CliContext): object {
  return {
    warehouse: context.target === 'bigquery' ? `bigquery:${context.project ?? ''}` : context.warehousePath,
    boundary: context.boundary,
    range: summary.range,
    tables: summary.tables,
    totals: summary.totals,
  };
}

export function printStatus(summary: CoverageSummary, context: CliContext): void {
  const where = context.target === 'bigquery' ? `BigQuery project ${context.project ?? '(default)'}` : context.warehousePath;
  for (const line of formatStatusGrid(summary, where)) context.out(line);
}

export const statusCommand: CommandModule = {
  register(program: Command, run) {
    program
      .command('status')
      .description('coverage grid: game dates covered/scheduled per table and month')
      .option('--json', 'per table, per month: covered and expected game dates, with totals')
      .action((options: {json?: boolean}) =>
        run(async (context) => {
          const summary = await loadStatus(context);
          if (options.json) context.out(JSON.stringify(statusJson(summary, context)));
          else printStatus(summary, context);
          return 0;
        }),
      );
  },
};
