// Counts the jobs a run sends to the warehouse (the benchmark compares them between strategies;
// on BigQuery each one is a billed, queued job).
import type {DerivedTable, Table} from '../catalog/types.js';
import type {Params, QueryOptions, Row, Warehouse, WriteOptions, WriteResult} from '../warehouse/types.js';

export class CountingWarehouse implements Warehouse {
  jobs = 0;
  // The engine's optional abilities pass through, so counting never changes how a run behaves
  // (BigQuery: coverage from partition metadata, dry runs, its backoff).
  readonly coveredDates?: Warehouse['coveredDates'];
  readonly dryRun?: Warehouse['dryRun'];
  readonly retryDelays?: Warehouse['retryDelays'];

  constructor(readonly inner: Warehouse) {
    const {coveredDates, dryRun} = inner;
    if (coveredDates) {
      this.coveredDates = (tables, range) => {
        this.jobs++;
        return coveredDates.call(inner, tables, range);
      };
    }
    if (dryRun) this.dryRun = (sql, params, options) => dryRun.call(inner, sql, params, options);
    if (inner.retryDelays) this.retryDelays = inner.retryDelays;
  }

  get engine() {
    return this.inner.engine;
  }
  get dialect() {
    return this.inner.dialect;
  }
  get description() {
    return this.inner.description;
  }

  query(sql: string, params?: Params, options?: QueryOptions): Promise<Row[]> {
    this.jobs++;
    return this.inner.query(sql, params, options);
  }
  replaceRange(table: DerivedTable, select: string, params: Params, options?: WriteOptions): Promise<WriteResult> {
    this.jobs += 1 + (options?.before?.length ?? 0) + (options?.after?.length ?? 0);
    return this.inner.replaceRange(table, select, params, options);
  }
  deleteRange(table: DerivedTable, params: Params, options?: QueryOptions): Promise<number> {
    this.jobs++;
    return this.inner.deleteRange(table, params, options);
  }
  ensureTables(tables: readonly Table[]): Promise<void> {
    return this.inner.ensureTables(tables);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
