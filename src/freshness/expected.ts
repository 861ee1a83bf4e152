// What a build of (table, D) reads now, as the digests its record would hold: the same function at
// write time (over the run's ledger, recorder.ts) and at refresh (over the warehouse, staleness.ts),
// so a record that still matches means nothing it read has changed.
import {READS} from '../catalog/reads.js';
import type {DerivedTableName, SourceTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {SeasonCalendar} from './calendar.js';
import {DigestIndex, type VersionOf} from './digest.js';
import type {SourcePrints} from './fingerprints.js';

const DERIVED = new Set<string>(Object.keys(READS));

/** What a derived date holds for a reader: its build, `?` (rows without a record), `-` (no rows). */
export type BuildOf = (table: DerivedTableName, date: IsoDate) => string;

export function versionsOf(buildOf: BuildOf, sources: SourcePrints): VersionOf {
  return (input, key) => (DERIVED.has(input) ? buildOf(input as DerivedTableName, key) : sources.lookup(input as SourceTableName, key));
}

export function digestIndex(calendar: SeasonCalendar, buildOf: BuildOf, sources: SourcePrints, previous?: DigestIndex): DigestIndex {
  return new DigestIndex(calendar, versionsOf(buildOf, sources), previous);
}

/** Input name → digest of what (table, date) reads of it, in declaration order. */
export function expectedInputs(index: DigestIndex, table: DerivedTableName, date: IsoDate): Map<string, string> {
  return new Map(READS[table].map((read) => [read.table, index.digest(read.table, date, read.windows)]));
}
