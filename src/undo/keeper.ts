// What a run's batches keep of the rows they replace, and what they report they changed, as the
// companion statements of the batch's one write (the runner's execute.ts asks for them):
//   before the replace: keep each slice's rows of the range (copy mode), then the index row;
//   after it: the change report of the range (diff-sql.ts).
// DuckDB runs them in the batch's transaction: kept rows, index row, new rows and the report
// commit together or not at all. BigQuery runs them as jobs around the MERGE: the index row is
// written before the MERGE, so a crash in between leaves an index row whose "replaced" rows are
// simply the current ones (an undo of it changes nothing), never a replace the index does not know.
// An external command cannot take companions: its batch keeps before the command is spawned and
// reports after its dates were verified, each as a statement of its own.
import type {DerivedTable} from '../catalog/types.js';
import {stringParam, timestampParam, type Companion, type Params, type QueryOptions, type Row, type Warehouse} from '../warehouse/types.js';
import {batchChanges, type TableChanges} from './changes.js';
import {changesStatement} from './diff-sql.js';
import {keepStatement, keptAtStatement, recordStatement} from './keep-sql.js';
import {keepsNothing, type UndoPolicy} from './policy.js';
import {sliceParams, slicesFor} from './slices.js';

const CHANGES = 'undo_changes';

/** One batch's share: the companions of its write and how to read its change report from their rows. */
export interface BatchKeeping {
  readonly before: readonly Companion[];
  readonly after: readonly Companion[];
  changes(companions: Readonly<Record<string, readonly Row[]>>, written: number): TableChanges;
}

export class BatchKeeper {
  constructor(readonly policy: UndoPolicy) {}

  /** False when the config keeps nothing (`undo.runs: 0`): batches write as they did before undo existed. */
  get active(): boolean {
    return !keepsNothing(this.policy);
  }

  /**
   * The companions of one batch's write (`params`: the write's). On time travel one small read
   * first: the time its replaced rows are read as of (an earlier attempt's, else now).
   */
  async forBatch(table: DerivedTable, warehouse: Warehouse, params: Params, options: QueryOptions): Promise<BatchKeeping | null> {
    if (!this.active) return null;
    const shared = await this.sharedParams(table, warehouse, params, options);
    const d = warehouse.dialect;
    const keeps = this.policy.mode === 'copy' ? slicesFor(table).map((s, i): Companion => ({name: `undo_keep_${i}`, sql: keepStatement(d, s), params: {...shared, ...sliceParams(s)}})) : [];
    return {
      before: [...keeps, {name: 'undo_record', sql: recordStatement(d, table, this.policy.mode), params: shared}],
      after: [{name: CHANGES, sql: changesStatement(d, table, this.policy.mode), params: shared}],
      changes: (companions, written) => batchChanges(table, companions[CHANGES]?.[0], written),
    };
  }

  /**
   * An external command's batch: keeps now, before the command is spawned (`since`: the warehouse's
   * clock read just before, what time travel reads the replaced rows as of); returns how to read
   * its change report once the command's dates were verified (`written`: the rows now in its range).
   */
  async forCommand(table: DerivedTable, warehouse: Warehouse, params: Params, options: QueryOptions, since: string): Promise<((written: number) => Promise<TableChanges>) | null> {
    if (!this.active) return null;
    const keeping = await this.forBatch(table, warehouse, {...params, kept_at: timestampParam(since)}, options);
    if (!keeping) return null;
    for (const c of keeping.before) await warehouse.query(c.sql, {...params, ...c.params}, stepOf(options, c.name));
    return async (written) => {
      const [report] = keeping.after;
      const rows = await warehouse.query(report.sql, {...params, ...report.params}, stepOf(options, report.name));
      return keeping.changes({[CHANGES]: rows}, written);
    };
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
