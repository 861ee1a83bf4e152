// Data guards: conditions a statement checks on the rows it reads or writes, and fails on, rather
// than silently dropping or writing a bad row. Both engines raise them the same way (the dialect's
// `raise`: BigQuery ERROR(), DuckDB error()), inside the one statement that does the work, so a
// guard costs no second scan. The text they raise starts with a marker; the adapters find it in
// whatever their engine wraps it in and turn it into one permanent, one-line DataGuardError.
//   stray-row: a processor's SELECT returned a row dated outside its batch (write.ts)
//   minutes:   a box-score `minutes` value that is not M:SS / MM:SS (minutes.ts)
import type {DateRange, IsoDate} from '../dates.js';

export const GUARD_MARKER = 'backfill guard';

export type GuardFailure =
  | {readonly kind: 'stray-row'; readonly processor: string; readonly date: string}
  | {readonly kind: 'minutes'; readonly row: string; readonly value: string};

/** SQL text fragments of the raised messages (code constants only: the values come from columns). */
export const STRAY_ROW_PREFIX = (processor: string) => `${GUARD_MARKER} stray-row ${processor}: `;
export const MINUTES_PREFIX = `${GUARD_MARKER} minutes `;

const STRAY = /backfill guard stray-row (\S+): (\S+)/;
const MINUTES = /backfill guard minutes (.*?) \| value=(.*) \|/;

function messagesOf(error: unknown): string[] {
  const texts: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && !seen.has(e); e = (e as {cause?: unknown}).cause) {
    seen.add(e);
    if (typeof (e as {message?: unknown}).message === 'string') texts.push((e as {message: string}).message);
    for (const item of ((e as {errors?: unknown}).errors as {message?: unknown}[] | undefined) ?? []) {
      if (typeof item?.message === 'string') texts.push(item.message);
    }
    if (typeof (e as {details?: unknown}).details === 'string') texts.push((e as {details: string}).details);
  }
  return texts;
}

/** The guard a failed statement tripped, if any (from the error, its cause chain and its payload). */
export function guardFailureIn(error: unknown): GuardFailure | null {
  for (const text of messagesOf(error)) {
    const stray = STRAY.exec(text);
    if (stray) return {kind: 'stray-row', processor: stray[1], date: stray[2]};
    const minutes = MINUTES.exec(text);
    if (minutes) return {kind: 'minutes', row: minutes[1], value: minutes[2]};
  }
  return null;
}

/** A guard's verdict: the data (or the processor) is wrong, so retrying cannot help. */
export class DataGuardError extends Error {
  override readonly name = 'DataGuardError';
  readonly retryKind = 'permanent' as const;

  constructor(
    readonly failure: GuardFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface StrayDate {
  /** NULL game_date is reported as 'NULL'. */
  readonly date: IsoDate | 'NULL';
  readonly rows: number;
}

const LISTED = 5;

/**
 * `PGS returned 3 rows dated outside its batch 2022-01-03..2022-01-09 (2022-01-10: 2, 2022-01-11: 1); nothing was written ...`.
 * `strays` null: only the guard's first date is known (the diagnostic query could not run).
 */
export function strayRowsMessage(short: string, range: DateRange, strays: readonly StrayDate[] | null, firstSeen: string): string {
  const found = strays?.length
    ? `${strays.reduce((sum, s) => sum + s.rows, 0)} rows dated outside its batch ${range.start}..${range.end} (` +
      strays.slice(0, LISTED).map((s) => `${s.date}: ${s.rows}`).join(', ') +
      (strays.length > LISTED ? `, and ${strays.length - LISTED} more dates` : '') + ')'
    : `a row dated ${firstSeen}, outside its batch ${range.start}..${range.end}`;
  return (
    `${short} returned ${found}; nothing was written: the processor's SQL is wrong, ` +
    `review it with \`backfill sql ${short} --from ${range.start} --to ${range.end}\``
  );
}

/** The one line for a malformed box-score minutes value. */
export function malformedMinutesMessage(row: string, value: string): string {
  return (
    `boxscore_traditional has a malformed minutes value '${value}' (${row}): expected M:SS or MM:SS, NULL for a DNP; ` +
    'nothing was written: fix the raw row (`backfill validate` lists every malformed one)'
  );
}

/** The DataGuardError for a guard message, or null when the error is not a guard's. */
export function dataGuardError(error: unknown, range?: DateRange): DataGuardError | null {
  const failure = guardFailureIn(error);
  if (!failure) return null;
  if (failure.kind === 'minutes') return new DataGuardError(failure, malformedMinutesMessage(failure.row, failure.value));
  return new DataGuardError(failure, strayRowsMessage(failure.processor, range ?? {start: '?', end: '?'}, null, failure.date));
}
