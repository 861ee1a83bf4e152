// A run's build records: what each batch's write records with its rows, and the run's ledger of
// builds those records are computed from. The ledger is read once, before the run's first batch
// (the records table created where missing and compacted, then the same fixed reads as a refresh,
// inputs.ts), and kept current by the run's own writes: one writer holds the warehouse, and a
// batch starts only after the batches building what it reads (its gates), so the ledger is what
// the batch's SELECT reads. Source fingerprints are read once per run: a source changed later is
// recorded as the older version, which shows as `source`-stale, never as fresh.
import {randomBytes} from 'node:crypto';
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';
import type {Companion, QueryOptions, Warehouse, WriteResult} from '../warehouse/types.js';
import {definitionOf} from './definition.js';
import {digestIndex, expectedInputs, type BuildOf} from './expected.js';
import {readFreshnessInputs, type FreshnessInputs} from './inputs.js';
import {buildOfInputs} from './staleness.js';
import {prepareRecordsTable, recordCompanions, recordEntry, RECORDS_COMPANION, writeRecords, type BatchRecords} from './records.js';

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

interface Ledger {
  readonly inputs: FreshnessInputs;
  /** Per table: what a reader sees on each date (staleness.ts buildOfInputs). */
  readonly builds: Map<DerivedTableName, Map<IsoDate, string>>;
}

export class BuildRecorder {
  private ledger: Promise<Ledger> | null = null;
  /** A run's definitions do not change under it: computed once per table (and command). */
  private readonly definitions = new Map<string, string>();

  /** `last`: the day before the boundary (the calendar the records' windows are read on). */
  constructor(
    private readonly warehouse: Warehouse,
    private readonly last: IsoDate,
  ) {}

  /** Read once, by the first batch that needs it (a run with nothing to do reads nothing). */
  private load(): Promise<Ledger> {
    this.ledger ??= (async () => {
      await prepareRecordsTable(this.warehouse);
      const inputs = await readFreshnessInputs(this.warehouse, {last: this.last});
      const seen = buildOfInputs(inputs);
      const builds = new Map<DerivedTableName, Map<IsoDate, string>>();
      for (const [table, dates] of inputs.written) {
        const keys = new Set([...dates.keys(), ...(inputs.records.get(table)?.keys() ?? [])]);
        builds.set(table, new Map([...keys].map((date) => [date, seen(table, date)])));
      }
      return {inputs, builds};
    })();
    // A failed read is retried by the next batch, not remembered.
    this.ledger.catch(() => (this.ledger = null));
    return this.ledger;
  }

  private records(ledger: Ledger, work: RecordedWork, dates: readonly IsoDate[], command: readonly string[] | null): BatchRecords {
    const table = derivedTable(work.processor);
    const buildOf: BuildOf = (t, date) => ledger.builds.get(t)?.get(date) ?? '-';
    const index = digestIndex(ledger.inputs.calendar, buildOf, ledger.inputs.sources);
    const key = `${table.name}\0${JSON.stringify(command)}`;
    let definition = this.definitions.get(key);
    if (definition === undefined) this.definitions.set(key, (definition = definitionOf(this.warehouse.engine, table, command)));
    return {
      table,
      buildId: randomBytes(6).toString('hex'),
      definition,
      entries: dates.map((date) => recordEntry(date, expectedInputs(index, table.name, date))),
    };
  }

  /** A SQL batch rewrites every game date of its range: its companion records each of them. */
  async forSql(work: RecordedWork): Promise<PendingRecords> {
    const ledger = await this.load();
    const dates = ledger.inputs.calendar.gameDates.filter((g) => g.date >= work.start && g.date <= work.end).map((g) => g.date);
    const batch = this.records(ledger, work, dates, null);
    return {batch, companions: recordCompanions(this.warehouse.dialect, batch)};
  }

  /**
   * The write committed: its dates with rows hold this build now (DuckDB says which got a record;
   * BigQuery's INSERT does not: all of them). A date the write left without rows keeps its older
   * record, which stays current (on BigQuery it may make a reader read as stale once: never fresh).
   */
  async wrote(pending: PendingRecords, result: WriteResult): Promise<void> {
    const dates = pending.batch.entries.map((e) => e.slice(0, 10));
    const recorded = this.warehouse.engine === 'duckdb' ? new Set((result.companions[RECORDS_COMPANION] ?? []).map((r) => String(r.game_date))) : new Set(dates);
    this.fold(await this.load(), pending.batch, recorded);
  }

  /** After an external command's coverage check: records for its own dates, as a statement of its own. */
  async recordCommand(work: RecordedWork, command: readonly string[], since: string, options: QueryOptions): Promise<void> {
    const ledger = await this.load();
    const batch = this.records(ledger, work, work.dates, command);
    await writeRecords(this.warehouse, batch, {
      start_date: {type: 'DATE', value: work.start},
      end_date: {type: 'DATE', value: work.end},
      run_id: {type: 'STRING', value: work.runId},
      replaced_at: {type: 'TIMESTAMP', value: since},
    }, options);
    // The check found rows on every one of its dates.
    this.fold(ledger, batch, new Set(work.dates));
  }

  private fold(ledger: Ledger, batch: BatchRecords, recorded: ReadonlySet<IsoDate>): void {
    let builds = ledger.builds.get(batch.table.name);
    if (!builds) ledger.builds.set(batch.table.name, (builds = new Map()));
    for (const date of recorded) builds.set(date, batch.buildId);
  }
}
