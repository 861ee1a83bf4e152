// After a failed range write: when the failure is a data guard (queries/guards.ts), the one-line
// permanent error that says so; for the stray-row guard, with every stray date listed, from one
// diagnostic query run only now (the guard itself stops at the first stray row it meets, and
// running the processor's SELECT a second time on every batch would double its bytes and time).
import type {DerivedTable} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import {DataGuardError, dataGuardError, strayRowsMessage, type StrayDate} from '../queries/guards.js';
import {strayDatesStatement} from '../queries/write.js';
import type {Params, QueryOptions, Warehouse} from './types.js';

function rangeOf(params: Params): DateRange {
  return {start: String(params.start_date?.value ?? '?'), end: String(params.end_date?.value ?? '?')};
}

/** What to throw for `error`: a DataGuardError when a guard tripped, else `error` itself. */
export async function explainStrayRows(
  warehouse: Warehouse,
  table: DerivedTable,
  select: string,
  params: Params,
  options: QueryOptions,
  error: unknown,
): Promise<unknown> {
  const range = rangeOf(params);
  const guard = error instanceof DataGuardError ? error : dataGuardError(error, range);
  if (!guard || guard.failure.kind !== 'stray-row') return guard ?? error;
  try {
    const rows = await warehouse.query(
      strayDatesStatement(warehouse.dialect, select),
      {start_date: params.start_date, end_date: params.end_date},
      {signal: options.signal, ...(options.job ? {job: {...options.job, step: `${options.job.step}_strays`}} : {})},
    );
    const strays: StrayDate[] = rows.map((r) => ({date: r.game_date === null ? 'NULL' : String(r.game_date), rows: Number(r.row_count)}));
    return new DataGuardError(guard.failure, strayRowsMessage(table.short, range, strays, guard.failure.date));
  } catch {
    // The diagnostic could not run (aborted, or the SELECT fails another way): the guard's own date.
    return new DataGuardError(guard.failure, strayRowsMessage(table.short, range, null, guard.failure.date));
  }
}
