// Parsing of subcommand option values. Every bad value is one UsageError line that names the
// option and what was expected, so scripts get exit 2 and nothing is written.
import {resolveTableList, tablesOfPhase, DERIVED_TABLES, type DerivedTable} from '../catalog/index.js';
import {addDays, parseIsoDate, type DateRange, type IsoDate} from '../dates.js';
import {UsageError} from '../errors.js';
import {quoted} from '../quote.js';
import type {OptionSpec} from './command.js';

/** A whole number ≥ 1 written in decimal digits: "0", "-1", "1.5", "abc", "2x" are refused. */
export function parsePositiveInt(value: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) {
    throw new UsageError(`${flag} ${quoted(value)} is not a whole number between 1 and ${max}`);
  }
  return Number(text);
}

export function parsePhase(value: string | undefined): 3 | 4 | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === '3') return 3;
  if (value.trim() === '4') return 4;
  throw new UsageError(`--phase ${quoted(value)} must be 3 or 4`);
}

/**
 * The processors a command works on: `--processors a,b` (table or short names), else `--phase`,
 * else all ten. Both together must agree: a processor outside the phase is refused.
 */
export function selectTables(list: string | undefined, phase: 3 | 4 | undefined, flag = '--processors'): DerivedTable[] {
  if (list === undefined) return phase ? tablesOfPhase(phase) : [...DERIVED_TABLES];
  if (list.trim() === '') throw new UsageError(`${flag} is empty: name tables like PGS,TDZA or player_game_summary`);
  const tables = resolveTableList(list);
  const outside = phase ? tables.filter((t) => t.phase !== phase) : [];
  if (outside.length) throw new UsageError(`${flag} ${outside.map((t) => t.short).join(',')} not in --phase ${phase}`);
  return tables;
}

export interface RangeRequest {
  readonly from?: string;
  readonly to?: string;
}

export interface ResolvedRange {
  readonly range: DateRange;
  /** Set when --to reached the real-time boundary and was moved to the day before it. */
  readonly clampedFrom?: IsoDate;
}

/**
 * The range a command works on. Defaults: the configured start through the day before the
 * real-time boundary. An explicit --to on or after the boundary is clamped to the day before it
 * (the daily pipeline owns those dates; a cron job passing "today" should still do yesterday's
 * work), reported through `clampedFrom`; a --from on or after the boundary leaves nothing to do
 * and is refused.
 */
export function resolveRange(request: RangeRequest, defaults: {readonly start: IsoDate; readonly boundary: IsoDate}): ResolvedRange {
  const lastAllowed = addDays(defaults.boundary, -1);
  const start = request.from !== undefined ? parseIsoDate(request.from, '--from') : defaults.start;
  const requestedEnd = request.to !== undefined ? parseIsoDate(request.to, '--to') : lastAllowed;
  if (request.from !== undefined && request.to !== undefined && requestedEnd < start) {
    throw new UsageError(`--to ${requestedEnd} is before --from ${start}`);
  }
  if (start >= defaults.boundary) {
    throw new UsageError(
      `--from ${start} is on or after the real-time boundary ${defaults.boundary}: those dates belong to the daily pipeline`,
    );
  }
  const end = requestedEnd >= defaults.boundary ? lastAllowed : requestedEnd;
  if (end < start) throw new UsageError(`the range ${start}..${end} is empty (--to is before --from)`);
  return requestedEnd === end ? {range: {start, end}} : {range: {start, end}, clampedFrom: requestedEnd};
}

/** `--from` and `--to` of a command whose range resolveRange fills in: the help says its defaults. */
export const RANGE_OPTIONS: readonly OptionSpec[] = [
  ['--from <date>', 'first date (default: the configured start)'],
  ['--to <date>', 'last date (default: the day before the real-time boundary)'],
];

/** Both ends given and valid (rollback, preflight): no defaults for destructive commands. */
export function requireRange(request: RangeRequest): DateRange {
  if (request.from === undefined || request.to === undefined) throw new UsageError('both --from and --to are required');
  const start = parseIsoDate(request.from, '--from');
  const end = parseIsoDate(request.to, '--to');
  if (end < start) throw new UsageError(`--to ${end} is before --from ${start}`);
  return {start, end};
}
