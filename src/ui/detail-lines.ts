// The detail pane's text for one (table, date): the whole error of its latest failed attempt and
// the statement its batch runs (what `backfill sql` prints for that range), as plain lines cut to
// the pane's width (never a border inside the text, so the lines copy out of the terminal as
// they are). Pure: the pane draws these lines and scrolls them.
import {shortName} from '../catalog/index.js';
import type {DateRange, IsoDate} from '../dates.js';
import {outcomeWord} from '../runner/attempt-text.js';
import type {BatchStatement} from '../session/requests.js';
import type {AttemptRecord} from '../state/attempts.js';

export interface DetailInput {
  readonly processor: string;
  readonly date: IsoDate;
  /** Attempts that covered the date, oldest first. */
  readonly attempts: readonly AttemptRecord[];
  readonly statement: BatchStatement | null;
  /** The batch of the latest attempt, else the date itself. */
  readonly batch: DateRange;
  /** What the grid knows when the history has nothing (a failure of a run before the history). */
  readonly knownError: string | null;
}

/** Hard-wraps every line of `text` to `width` columns (tabs as two spaces). */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const line = raw.replace(/\t/g, '  ');
    if (line.length === 0) out.push('');
    for (let i = 0; i < line.length; i += Math.max(1, width)) out.push(line.slice(i, i + Math.max(1, width)));
  }
  return out;
}

/** The newest failed attempt (its error is the one shown), if any. */
export function lastFailure(attempts: readonly AttemptRecord[]): AttemptRecord | undefined {
  return [...attempts].reverse().find((a) => a.error !== null);
}

export function detailTitle(input: DetailInput): string {
  const short = shortName(input.processor);
  const latest = input.attempts.at(-1);
  const batch = `batch ${input.batch.start}..${input.batch.end}`;
  const state = latest ? `last attempt #${latest.attempt} ${outcomeWord(latest)}${latest.retryKind ? ` (${latest.retryKind})` : ''}` : 'no attempt recorded';
  return `${short} ${input.date}: ${batch}, ${state}`;
}

export function detailLines(input: DetailInput, width: number): string[] {
  const short = shortName(input.processor);
  const failed = lastFailure(input.attempts);
  const lines: string[] = [];
  if (failed) {
    lines.push(`Error of attempt #${failed.attempt} (run ${failed.runId}, ${failed.startedAt}):`);
    lines.push(...wrapText(failed.error!, width));
  } else if (input.knownError) {
    lines.push('Error (from the run, not in the attempt history):');
    lines.push(...wrapText(input.knownError, width));
  } else {
    lines.push(input.attempts.length ? 'No attempt of this date failed.' : 'No attempt recorded for this date: the history starts with the first run of this version.');
  }
  lines.push('');
  const {start, end} = input.batch;
  if (!input.statement) lines.push('Statement: reading it...');
  else {
    const what = input.statement.kind === 'command' ? `Command (\`backfill sql ${short} --from ${start} --to ${end}\` prints its SQL):` : `Statement (what \`backfill sql ${short} --from ${start} --to ${end}\` prints):`;
    lines.push(...wrapText(what, width));
    lines.push(...wrapText(input.statement.text, width));
  }
  return lines;
}
