// `backfill rollback --tables a,b --from D --to D [--yes] [--rerun]`: the runbook's DELETE of a
// bad range (and its rerun), as one command that confirms first and names what it removed.
import {dependantsOf, derivedTable} from '../../catalog/index.js';
import {UsageError} from '../../errors.js';
import {acquireLock, type WarehouseLock} from '../../runner/index.js';
import {describeRef} from '../../warehouse/ref.js';
import {rangeParams} from '../../warehouse/types.js';
import {command} from '../command.js';
import type {CliContext} from '../context.js';
import {confirmOrRefuse} from '../confirm.js';
import {requireRange, selectTables, type RangeRequest} from '../options.js';
import {runBackfill} from './run.js';

interface RollbackOptions extends RangeRequest {
  readonly tables?: string;
  readonly yes?: boolean;
  readonly rerun?: boolean;
}

export async function rollback(context: CliContext, options: RollbackOptions): Promise<number> {
  if (options.tables === undefined) throw new UsageError('--tables is required (e.g. --tables PGS,TDZA)');
  const tables = selectTables(options.tables, undefined, '--tables');
  const range = requireRange(options);
  if (range.end >= context.boundary) {
    throw new UsageError(`--to ${range.end} is on or after the real-time boundary ${context.boundary}: the daily pipeline owns those dates`);
  }
  const names = tables.map((t) => t.short).join(', ');
  // Refuse before opening anything: a non-interactive shell without --yes deletes nothing.
  const confirmed = await confirmOrRefuse(
    `Delete the rows of ${names} with game_date ${range.start}..${range.end} from ${describeRef(context.warehouse)}?`,
    {yes: options.yes, what: 'rollback'},
  );
  if (!confirmed) {
    context.err('rollback: not confirmed, nothing deleted');
    return 2;
  }
  const warehouse = await context.openWarehouse();
  // The run lock too: on BigQuery nothing else stops a live run from writing what we delete.
  let lock: WarehouseLock | null = null;
  try {
    lock = acquireLock(context.stateDir, context.warehouse.identity, {range, runId: null});
    for (const table of tables) {
      const deleted = await warehouse.deleteRange(derivedTable(table.name), rangeParams(range.start, range.end, 'rollback'));
      context.out(`rollback: deleted ${deleted} rows of ${table.short} (${table.name}) in ${range.start}..${range.end}`);
    }
  } finally {
    lock?.release();
    await warehouse.close();
  }
  const stale = dependantsOf(tables.map((t) => t.name));
  if (stale.length && !options.rerun) {
    context.out(`rollback: ${stale.map((t) => t.short).join(', ')}, built from ${names}, keep their rows: add them to --tables to rebuild them too`);
  }
  if (!options.rerun) return 0;
  const cascade = stale.length ? `; the dates of ${stale.map((t) => t.short).join(', ')} that read it are rebuilt after it (the cascade)` : '';
  context.out(`rollback: re-running ${names} for ${range.start}..${range.end}${cascade}`);
  // As lines even on a terminal: the operator is at a prompt, not in the console.
  return runBackfill(context, {from: range.start, to: range.end, processors: tables.map((t) => t.name).join(',')}, {console: false});
}

export const rollbackCommand = command({
  name: 'rollback',
  description: 'delete a date range of some tables (after confirmation), optionally re-run it',
  options: [
    ['--tables <list>', 'tables by name or short name, comma-separated (PGS,TDZA)'],
    ['--from <date>', 'first game date to delete (YYYY-MM-DD)'],
    ['--to <date>', 'last game date to delete (YYYY-MM-DD)'],
    ['--yes', 'do not ask (required when stdin is not a terminal)'],
    ['--rerun', 'rebuild the range afterwards'],
  ],
  run: rollback,
});
