// What a run's batches keep of the rows they replace, and what they report they changed, as the
// companion statements of the batch's one write (the runner's execute.ts hands the write to
// `write`, which adds them). Three ways, by engine:
// - DuckDB, optimistic first: before the replace, a note per date of the rows about to go (their
//   lineage and a fingerprint of their values) and the index row; after it, a check that every
//   noted date came out identical, then the change report. A rebuild that changes nothing keeps
//   notes only and copies no row. When a date did change the check fails the transaction (nothing
//   was written) and the batch is written again keeping its rows whole. After two batches of a
//   processor in a row that changed (a changed formula changes every batch), its next ones keep
//   whole at once, until one comes out identical: a one-game correction redoes one batch per
//   processor, a changed formula two.
// - Copy (DuckDB after a change; BigQuery `keep: "copy"`): before the replace, each slice's rows
//   of the range copied into its kept table, and the index row; after it, a note for each date
//   rewritten identically and the drop of its copied rows (on DuckDB before they are committed),
//   then the change report.
// - Time travel (BigQuery): the index row before the MERGE (its time is what the replaced rows are
//   read as of), the change report after it.
// DuckDB runs all of them in the batch's transaction: they commit with its rows or not at all.
// BigQuery runs them as jobs around the MERGE, the index row first, so a crash in between leaves an
// index row whose "replaced" rows are the current ones (an undo of it changes nothing), never a
// replace the index does not know. An external command cannot take companions: its batch keeps
// (copying) before the command is spawned and reports after its dates were verified.
import type {DerivedTable, DerivedTableName} from '../catalog/types.js';
import {stringParam, timestampParam, type Companion, type Params, type QueryOptions, type Row, type Warehouse, type WriteResult} from '../warehouse/types.js';
import {batchChanges, type TableChanges} from './changes.js';
import {changesStatement} from './diff-sql.js';
import {compactable, compactStatement, keepStatement, keptAtStatement, noteIdenticalStatement, recordStatement} from './keep-sql.js';
import {fingerprintStatement, isChangedRows, verifiedChangesStatement} from './optimistic-sql.js';
import {keepsNothing, type UndoPolicy} from './policy.js';
import {sliceParams, slicesFor, type RangeSlice} from './slices.js';

const CHANGES = 'undo_changes';

/** The companions of one write (added to the write's own). */
export interface WriteCompanions {
  readonly before: readonly Companion[];
  readonly after: readonly Companion[];
}

/** How a batch keeps: notes and a check (DuckDB, optimistic), copies, or time travel. */
type Style = 'optimistic' | 'copy' | 'time-travel';

export class BatchKeeper {
  /** Per processor of this run, its batches in a row whose replaced rows changed: from two on, the next ones copy at once. */
  private readonly changedInARow = new Map<DerivedTableName, number>();

  constructor(readonly policy: UndoPolicy) {}

  /** False when the config keeps nothing (`undo.runs: 0`): batches write as they did before undo existed. */
  get active(): boolean {
    return !keepsNothing(this.policy);
  }

  /**
   * Runs the batch's write (`write`, given the companions to add) keeping what it replaces, and
   * returns its result and change report. On DuckDB the optimistic write may be rolled back by its
   * check and run again, copying.
   */
  async write(table: DerivedTable, warehouse: Warehouse, params: Params, options: QueryOptions, write: (companions: WriteCompanions) => Promise<WriteResult>): Promise<{result: WriteResult; changes: TableChanges}> {
    const shared = await this.sharedParams(table, warehouse, params, options);
    const streak = this.changedInARow.get(table.name) ?? 0;
    const style: Style = this.policy.mode === 'time-travel' ? 'time-travel' : warehouse.engine === 'duckdb' && streak < 2 ? 'optimistic' : 'copy';
    let result: WriteResult;
    try {
      result = await write(this.companions(table, warehouse, shared, style));
    } catch (error) {
      if (style !== 'optimistic' || !isChangedRows(error)) throw error;
      result = await write(this.companions(table, warehouse, shared, 'copy'));
    }
    const changes = batchChanges(table, result.companions[CHANGES]?.[0], result.rowsWritten);
    const changed = changes.replaced > 0 && changes.added + changes.removed + changes.changed > 0;
    this.changedInARow.set(table.name, changed ? streak + 1 : 0);
    return {result, changes};
  }

  private companions(table: DerivedTable, warehouse: Warehouse, shared: Params, style: Style): WriteCompanions {
    const d = warehouse.dialect;
    const mode = style === 'time-travel' ? 'time-travel' : 'copy';
    const slices = style === 'time-travel' ? [] : slicesFor(table);
    const each = (list: readonly RangeSlice[], name: string, sql: (s: RangeSlice) => string) =>
      list.map((s, i): Companion => ({name: `${name}_${i}`, sql: sql(s), params: {...shared, ...sliceParams(s)}}));
    const lineaged = slices.filter((s) => compactable(s.table));
    const record: Companion = {name: 'undo_record', sql: recordStatement(d, table, mode), params: shared};
    const report: Companion = {name: CHANGES, sql: changesStatement(d, table, mode), params: shared};
    if (style === 'time-travel') return {before: [record], after: [report]};
    if (style === 'optimistic') {
      // The table's own rows are noted and checked. What travels with them (build records: a row
      // per date, rewritten with new input versions by every rebuild) is copied: small, and a
      // check of it would fail every batch and write each one twice.
      const [own, ...others] = slices;
      return {
        before: [...each([own], 'undo_fingerprint', (s) => fingerprintStatement(d, s)), ...each(others, 'undo_keep', (s) => keepStatement(d, s)), record],
        after: [{...report, sql: verifiedChangesStatement(d, table, own)}],
      };
    }
    // Dates rewritten identically keep a note instead of their rows, before the report reads them.
    const compactions = lineaged.flatMap((s, i): Companion[] => [
      {name: `undo_note_${i}`, sql: noteIdenticalStatement(d, s), params: {...shared, ...sliceParams(s)}},
      {name: `undo_compact_${i}`, sql: compactStatement(d, s), params: {...shared, ...sliceParams(s)}},
    ]);
    return {before: [...each(slices, 'undo_keep', (s) => keepStatement(d, s)), record], after: [...compactions, report]};
  }

  /**
   * What a batch of `table` would write with on this engine, for a dry run's estimate (BigQuery
   * bills each companion job): the first attempt's companions, `kept_at` now.
   */
  plannedCompanions(table: DerivedTable, warehouse: Warehouse): Companion[] {
    if (!this.active) return [];
    const shared: Params = {
      table_name: stringParam(table.name),
      float_tolerance: {type: 'FLOAT64', value: this.policy.floatTolerance},
      ...(this.policy.mode === 'time-travel' ? {kept_at: timestampParam(new Date().toISOString())} : {}),
    };
    const style: Style = this.policy.mode === 'time-travel' ? 'time-travel' : warehouse.engine === 'duckdb' ? 'optimistic' : 'copy';
    const {before, after} = this.companions(table, warehouse, shared, style);
    return [...(this.policy.mode === 'time-travel' ? [{name: 'undo_kept_at', sql: keptAtStatement(warehouse.dialect), params: shared}] : []), ...before, ...after];
  }

  /**
   * An external command's batch: keeps now, copying, before the command is spawned (`since`: the
   * warehouse's clock read just before, what time travel reads the replaced rows as of); returns how
   * to read its change report once the command's dates were verified (`written`: the rows now there).
   */
  async forCommand(table: DerivedTable, warehouse: Warehouse, params: Params, options: QueryOptions, since: string): Promise<((written: number) => Promise<TableChanges>) | null> {
    if (!this.active) return null;
    const shared = await this.sharedParams(table, warehouse, {...params, kept_at: timestampParam(since)}, options);
    const {before, after} = this.companions(table, warehouse, shared, this.policy.mode === 'time-travel' ? 'time-travel' : 'copy');
    const run = async (list: readonly Companion[]) => {
      const rows: Record<string, Row[]> = {};
      for (const c of list) rows[c.name] = await warehouse.query(c.sql, {...params, ...c.params}, stepOf(options, c.name));
      return rows;
    };
    await run(before);
    return async (written) => batchChanges(table, (await run(after))[CHANGES]?.[0], written);
  }

  private async sharedParams(table: DerivedTable, warehouse: Warehouse, params: Params, options: QueryOptions): Promise<Params> {
    const shared: Params = {table_name: stringParam(table.name), float_tolerance: {type: 'FLOAT64', value: this.policy.floatTolerance}};
    if (this.policy.mode !== 'time-travel') return shared;
    if (params.kept_at) return {...shared, kept_at: params.kept_at};
    const [row] = await warehouse.query(keptAtStatement(warehouse.dialect), {...params, ...shared}, stepOf(options, 'undo_kept_at'));
    return {...shared, kept_at: timestampParam(String(row.kept_at))};
  }
}

/** A statement of the batch under its own step of the batch's job identity. */
function stepOf(options: QueryOptions, name: string): QueryOptions {
  return options.job ? {...options, job: {...options.job, step: `${options.job.step}_${name}`}} : options;
}
