// `backfill history [--tables a,b] [--from D] [--to D] [--json]`: every batch attempt kept for this
// warehouse in the state dir (src/state/attempts.ts), oldest first: what it built, its outcome,
// error, retry kind, job id and bytes. Reads only: no state is created.
import {parseIsoDate, type DateRange} from '../../dates.js';
import {UsageError} from '../../errors.js';
import {attemptLine} from '../../runner/attempt-text.js';
import {readAttempts, selectAttempts} from '../../state/attempts.js';
import {command} from '../command.js';
import type {CliContext} from '../context.js';
import {selectTables, type RangeRequest} from '../options.js';

interface HistoryOptions extends RangeRequest {
  readonly tables?: string;
  readonly json?: boolean;
}

/** The range asked for; either end may be open. */
function historyRange(options: HistoryOptions): DateRange | undefined {
  if (options.from === undefined && options.to === undefined) return undefined;
  const start = options.from !== undefined ? parseIsoDate(options.from, '--from') : '0000-01-01';
  const end = options.to !== undefined ? parseIsoDate(options.to, '--to') : '9999-12-31';
  if (end < start) throw new UsageError(`--to ${end} is before --from ${start}`);
  return {start, end};
}

export async function history(context: CliContext, options: HistoryOptions): Promise<number> {
  const tables = options.tables !== undefined ? selectTables(options.tables, undefined, '--tables').map((t) => t.name) : undefined;
  const range = historyRange(options);
  const attempts = selectAttempts(readAttempts(context.stateDir, context.warehouse.identity), {...(tables ? {tables} : {}), ...(range ? {range} : {})});
  if (options.json) {
    context.out(JSON.stringify({warehouse: context.warehouse.identity, attempts}));
    return 0;
  }
  if (attempts.length === 0) {
    context.out('no batch attempts recorded for this selection (the history starts with the first run of this version)');
    return 0;
  }
  for (const a of attempts) context.out(attemptLine(a));
  return 0;
}

export const historyCommand = command({
  name: 'history',
  description: 'every batch attempt per table and date: outcome, error, job id, bytes',
  options: [
    ['--tables <list>', 'tables by table or short name, comma-separated'],
    ['--from <date>', 'attempts of batches that end on or after this date'],
    ['--to <date>', 'attempts of batches that start on or before this date'],
    ['--json', 'one JSON object: {warehouse, attempts: [...]}'],
  ],
  run: history,
});
