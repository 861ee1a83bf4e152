// Staleness in memory, from FreshnessInputs (inputs.ts) and the current definitions: for every
// covered (derived table, game date), in dependency order so that a stale input is known before
// the tables that read it, the first reason that holds:
//   unknown   no record, or rows written after their record (a write whose record never came);
//   code      the record's definition is not the processor's current one;
//   source    a source window's digest differs from what the record read;
//   upstream  a derived window's digest differs (an input date rebuilt, removed or put back
//             since), or the window holds a stale date of the input (it propagates transitively).
// Each is O(1) per (date, input) over prefix digests, and a stale input date is found in a window
// in O(1) through a next-stale index: the whole demo warehouse takes a few milliseconds.
import {DERIVED_TABLES} from '../catalog/tables.js';
import {READS, isDerivedRead, type TableRead} from '../catalog/reads.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {Span} from './calendar.js';
import type {DigestIndex} from './digest.js';
import {digestIndex, expectedInputs, type BuildOf} from './expected.js';
import type {FreshnessInputs} from './inputs.js';
import {parseInputs, type BuildRecord} from './records.js';
import type {Stale, StaleMap} from './types.js';

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * The build a reader sees on a derived date: its current record's build, else `?` for rows
 * without a record, else `-`. A date whose rows were deleted (a rollback) keeps its record: its
 * readers stay as fresh as they were until it is rebuilt, which then makes them stale.
 */
export function buildOfInputs(inputs: FreshnessInputs): BuildOf {
  return (table, date) => inputs.records.get(table)?.get(date)?.buildId ?? (inputs.written.get(table)?.has(date) ? '?' : '-');
}

/** `previous`: the digests of an earlier computation, reused where nothing they hold changed (reader.ts). */
export function computeStaleness(inputs: FreshnessInputs, definitions: ReadonlyMap<DerivedTableName, string>, previous?: DigestIndex): {stale: StaleMap; index: DigestIndex} {
  const {calendar, written, records} = inputs;
  const index = digestIndex(calendar, buildOfInputs(inputs), inputs.sources, previous);
  const stale = new Map<DerivedTableName, Map<IsoDate, Stale>>();
  /** Per `table\0season`: for each index, the first stale index at or after it (length when none). */
  const nextStale = new Map<string, Int32Array>();
  /** Source dates seen changed by a reader of that date alone (PGS on D for the box score on D). */
  const changedSource = new Map<string, Set<IsoDate>>();

  const staleIn = (table: DerivedTableName, span: Span): IsoDate | null => {
    const key = `${table}\0${span.season}`;
    let next = nextStale.get(key);
    if (!next) {
      const dates = calendar.dates(span.season);
      const marks = stale.get(table);
      next = new Int32Array(dates.length + 1).fill(dates.length);
      for (let i = dates.length - 1; i >= 0; i--) next[i] = marks?.has(dates[i]) ? i : next[i + 1];
      nextStale.set(key, next);
    }
    const at = next[span.from];
    return at < span.to ? calendar.dates(span.season)[at] : null;
  };

  const windowDates = (date: IsoDate, read: TableRead) => read.windows.flatMap((w) => calendar.window(date, w).flatMap((s) => calendar.datesOf(s)));

  const sourceDetail = (date: IsoDate, read: TableRead): string => {
    const changed = changedSource.get(read.table);
    const found = changed && windowDates(date, read).find((d) => changed.has(d));
    return found ? `${read.table} ${found} changed since it was built` : `${read.table} changed since it was built`;
  };

  const upstreamDetail = (date: IsoDate, read: TableRead & {table: DerivedTableName}, record: BuildRecord): string => {
    const built = records.get(read.table);
    const dates = windowDates(date, read);
    const rebuilt = dates.find((d) => (built?.get(d)?.recordedAt ?? -Infinity) > record.builtAt);
    if (rebuilt) return `${read.table} ${rebuilt} rebuilt after it`;
    return `${read.table} changed on a date it read since it was built`;
  };

  const judge = (table: DerivedTableName, date: IsoDate, record: BuildRecord | undefined, lastWrite: number | null): Stale | null => {
    if (!record) {
      return {reason: 'unknown', detail: inputs.recordsPresent ? 'no build record: built before build records, or by a write that left none' : 'no build record: this warehouse has no build records yet'};
    }
    if (lastWrite !== null && lastWrite > record.recordedAt) {
      return {reason: 'unknown', detail: `rows written at ${time(lastWrite)}, after their build record (${time(record.recordedAt)}): that write's record is missing (a crash between them?)`};
    }
    if (record.definition !== definitions.get(table)) return {reason: 'code', detail: `the processor's definition changed since it was built (${time(record.builtAt)})`};
    const reads = READS[table];
    // Most records match what they would read now: one string comparison says so (expected.ts's text).
    let text = '';
    for (const r of reads) text += `${text ? ',' : ''}${r.table}=${index.digest(r.table, date, r.windows)}`;
    if (record.inputs !== text) {
      const expected = expectedInputs(index, table, date);
      const read = parseInputs(record.inputs);
      const changed = reads.filter((r) => !isDerivedRead(r) && read.get(r.table) !== expected.get(r.table));
      for (const r of changed) {
        // A reader of the date alone tells which source date changed, for the readers of windows.
        if (r.windows.length !== 1 || r.windows[0] !== 'date') continue;
        let set = changedSource.get(r.table);
        if (!set) changedSource.set(r.table, (set = new Set()));
        set.add(date);
      }
      if (changed.length) return {reason: 'source', detail: sourceDetail(date, changed[0])};
      for (const r of reads) {
        if (isDerivedRead(r) && read.get(r.table) !== expected.get(r.table)) return {reason: 'upstream', detail: upstreamDetail(date, r, record)};
      }
    }
    for (const r of reads) {
      if (!isDerivedRead(r) || stale.get(r.table)!.size === 0) continue;
      for (const window of r.windows) {
        for (const span of calendar.window(date, window)) {
          const found = staleIn(r.table, span);
          if (found) return {reason: 'upstream', detail: `${r.table} ${found} is stale (${stale.get(r.table)!.get(found)!.reason})`};
        }
      }
    }
    return null;
  };

  for (const table of DERIVED_TABLES) {
    const marks = new Map<IsoDate, Stale>();
    stale.set(table.name, marks);
    const byDate = records.get(table.name);
    for (const [date, lastWrite] of written.get(table.name) ?? []) {
      if (!calendar.has(date)) continue;
      const verdict = judge(table.name, date, byDate?.get(date), lastWrite);
      if (verdict) marks.set(date, verdict);
    }
  }
  return {stale, index: index.detach()};
}
