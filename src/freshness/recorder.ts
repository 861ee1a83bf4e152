// A run's build records: what each batch's write records with its rows, and the run's ledger of
// builds those records are computed from. The ledger is read once when the run starts (the same
// fixed queries as a refresh, inputs.ts) and kept current by the run's own writes: one writer
// holds the warehouse, and a batch starts only after the batches building what it reads (its
// gates), so the ledger is what the batch's SELECT reads. Source fingerprints are read once per
// run: a source changed later is recorded as the older version, which shows as `source`-stale,
// never as fresh.
import {randomBytes} from 'node:crypto';
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {Companion, QueryOptions, Warehouse, WriteResult} from '../warehouse/types.js';
import {definitionOf} from './definition.js';
import {digestIndex, expectedInputs, type BuildOf} from './expected.js';
import {readFreshnessInputs, type FreshnessInputs} from './inputs.js';
import {buildOfInputs} from './staleness.js';
import {ensureRecordsTable, recordCompanions, recordEntry, RECORDS_COMPANION, writeRecords, type BatchRecords} from './records.js';

export interface RecordedWork {
  readonly processor: DerivedTableName;
  readonly start: IsoDate;
  readonly end: IsoDate;
  /** The batch's planned game dates (a command writes only these). */
  readonly dates: readonly IsoDate[];
  readonly runId: string;
}

/** A batch's records, made when it starts: written with its rows, then folded into the ledger. */
export interface PendingRecords {
  readonly batch: BatchRecords;
  readonly companions: readonly Companion[];
}

export class BuildRecorder {
  /** Per table: what a reader sees on each date (staleness.ts buildOfInputs: record, else '?' for rows without one). */
  private readonly builds = new Map<DerivedTableName, Map<IsoDate, string>>();

  private constructor(
    private readonly warehouse: Warehouse,
    private readonly inputs: FreshnessInputs,
  ) {
    const seen = buildOfInputs(inputs);
    for (const [table, dates] of inputs.written) {
      const keys = new Set([...dates.keys(), ...(inputs.records.get(table)?.keys() ?? [])]);
      this.builds.set(table, new Map([...keys].map((date) => [date, seen(table, date)])));
    }
  }

  /** Creates the records table where it is missing, then reads the ledger (through `last`, the day before the boundary). */
  static async open(warehouse: Warehouse, options: {readonly last: IsoDate}): Promise<BuildRecorder> {
    await ensureRecordsTable(warehouse);
    return new BuildRecorder(warehouse, await readFreshnessInputs(warehouse, {last: options.last}));
  }

  private readonly buildOf: BuildOf = (table, date) => this.builds.get(table)?.get(date) ?? '-';

  private records(work: RecordedWork, dates: readonly IsoDate[], command: readonly string[] | null): BatchRecords {
    const table = derivedTable(work.processor);
    const index = digestIndex(this.inputs.calendar, this.buildOf, this.inputs.sources);
    return {
      table,
      buildId: randomBytes(6).toString('hex'),
      definition: definitionOf(this.warehouse.engine, table, command),
      entries: dates.map((date) => recordEntry(date, expectedInputs(index, table.name, date))),
    };
  }

  /** A SQL batch rewrites every game date of its range: its companions record each of them. */
  forSql(work: RecordedWork): PendingRecords {
    const dates = this.inputs.calendar.gameDates.filter((g) => g.date >= work.start && g.date <= work.end).map((g) => g.date);
    const batch = this.records(work, dates, null);
    return {batch, companions: recordCompanions(this.warehouse.dialect, batch)};
  }

  /**
   * The write committed: its dates with rows now hold this build (DuckDB says which got a record;
   * BigQuery's INSERT does not: all of them, and a date the write left empty keeps its older
   * record there, which may make a reader read as stale once: never as fresh).
   */
  wrote(pending: PendingRecords, result: WriteResult): void {
    const dates = pending.batch.entries.map((e) => e.slice(0, 10));
    const recorded = this.warehouse.engine === 'duckdb' ? new Set((result.companions[RECORDS_COMPANION] ?? []).map((r) => String(r.game_date))) : new Set(dates);
    this.fold(pending.batch, dates, recorded);
  }

  /** After an external command's coverage check: records for its own dates, as statements of their own. */
  async recordCommand(work: RecordedWork, command: readonly string[], since: string, options: QueryOptions): Promise<void> {
    const batch = this.records(work, work.dates, command);
    await writeRecords(this.warehouse, batch, {
      start_date: {type: 'DATE', value: work.start},
      end_date: {type: 'DATE', value: work.end},
      run_id: {type: 'STRING', value: work.runId},
      replaced_at: {type: 'TIMESTAMP', value: since},
    }, options);
    // The check found rows on every one of its dates.
    this.fold(batch, work.dates, new Set(work.dates));
  }

  private fold(batch: BatchRecords, dates: readonly IsoDate[], recorded: ReadonlySet<IsoDate>): void {
    let builds = this.builds.get(batch.table.name);
    if (!builds) this.builds.set(batch.table.name, (builds = new Map()));
    for (const date of dates) {
      if (recorded.has(date)) builds.set(date, batch.buildId);
      else builds.delete(date);
    }
  }
}
