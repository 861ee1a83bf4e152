// Staleness for a console's session, refreshed with the grid. What a refresh re-reads is what can
// have changed since the last one:
// - DuckDB: the file is held open by this process for the session's life, and DuckDB lets no
//   other process open it meanwhile, not even to read: the sources cannot change under it, so
//   their fingerprints (the one costly read, every raw row hashed) are read once; the records
//   table is re-read only when a one-line check of it (count and a hash of its keys) changed;
// - BigQuery: everything, every refresh (metadata and the small records table; see inputs.ts).
// The dates with their last write are read every time: they replace the grid's coverage query.
import type {DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';
import type {IsoDate} from '../dates.js';
import {buildRecords} from '../catalog/bookkeeping.js';
import {gameCalendar} from '../queries/coverage.js';
import type {Warehouse} from '../warehouse/types.js';
import {SeasonCalendar} from './calendar.js';
import {currentDefinitions} from './definition.js';
import {sourceFingerprints, type SourcePrints} from './fingerprints.js';
import {readWritten, type FreshnessInputs, type WrittenMap} from './inputs.js';
import {isMissingTable, readRecords, type RecordsRead} from './records.js';
import {computeStaleness} from './staleness.js';
import type {DigestIndex} from './digest.js';
import type {StaleMap} from './types.js';

function sameWritten(a: WrittenMap, b: WrittenMap): boolean {
  for (const [table, dates] of a) {
    const other = b.get(table);
    if (!other || other.size !== dates.size) return false;
    for (const [date, ms] of dates) if (other.get(date) !== ms) return false;
  }
  return a.size === b.size;
}

function sameDefinitions(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  return a.size === b.size && [...a].every(([table, definition]) => b.get(table) === definition);
}

export class FreshnessReader {
  private sources: SourcePrints | null = null;
  private records: {readonly check: string; readonly read: RecordsRead} | null = null;
  private last: {
    readonly inputs: FreshnessInputs;
    readonly stale: StaleMap;
    readonly days: string;
    readonly definitions: ReadonlyMap<DerivedTableName, string>;
    /** Its digests: the next computation reuses the seasons whose versions did not change. */
    readonly index: DigestIndex;
  } | null = null;

  constructor(
    private readonly warehouse: Warehouse,
    private readonly config: Pick<Config, 'processors'>,
  ) {}

  /** DuckDB: `count:hash` of the records' keys, to tell whether the table changed (null on BigQuery). */
  private async recordsCheck(): Promise<string | null> {
    if (this.warehouse.engine !== 'duckdb') return null;
    const d = this.warehouse.dialect;
    try {
      const [row] = await this.warehouse.query(`SELECT count(*) AS n, bit_xor(hash(table_name, game_date, build_id, recorded_at)) AS h FROM ${d.table(buildRecords)}`);
      return `${row.n}:${row.h}`;
    } catch (error) {
      if (isMissingTable(error)) return 'missing';
      throw error;
    }
  }

  private async readRecordsCached(): Promise<RecordsRead> {
    const check = await this.recordsCheck();
    if (check !== null && this.records?.check === check) return this.records.read;
    const read = await readRecords(this.warehouse);
    if (check !== null) this.records = {check, read};
    return read;
  }

  /** The inputs (with the calendar through `last`) and what is stale; also the dates with rows. */
  async read(last: IsoDate): Promise<{readonly inputs: FreshnessInputs; readonly stale: StaleMap}> {
    const duckdb = this.warehouse.engine === 'duckdb';
    const [calendar, written, records, sources] = await Promise.all([
      gameCalendar(this.warehouse, last),
      readWritten(this.warehouse, last),
      this.readRecordsCached(),
      duckdb && this.sources ? this.sources : sourceFingerprints(this.warehouse),
    ]);
    if (duckdb) this.sources = sources;
    const definitions = currentDefinitions(this.warehouse.engine, this.config);
    const days = calendar.map((g) => `${g.date}${g.season}`).join();
    const previous = this.last;
    // Nothing it is computed from changed: the same answer (a refresh while nothing runs).
    if (previous && previous.inputs.records === records.records && previous.inputs.sources === sources && previous.days === days && sameDefinitions(previous.definitions, definitions) && sameWritten(previous.inputs.written, written)) {
      return previous;
    }
    const inputs: FreshnessInputs = {engine: this.warehouse.engine, calendar: new SeasonCalendar(calendar), written, records: records.records, recordsPresent: records.present, sources};
    const {stale, index} = computeStaleness(inputs, definitions, previous?.index);
    this.last = {inputs, stale, days, definitions, index};
    return this.last;
  }

  /** Which dates of each table have rows (from the same read). */
  static covered(inputs: FreshnessInputs): Map<DerivedTableName, Set<IsoDate>> {
    return new Map([...inputs.written].map(([table, dates]) => [table, new Set(dates.keys())]));
  }
}
