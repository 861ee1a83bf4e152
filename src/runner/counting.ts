// Counts the jobs a run sends to the warehouse (the benchmark compares them between strategies;
// on BigQuery each one is a billed, queued job).
import type {DerivedTable, Table} from '../catalog/types.js';
import type {Params, QueryOptions, Row, Warehouse, WriteResult} from '../warehouse/types.js';

export class CountingWarehouse implements Warehouse {
  jobs = 0;

  constructor(readonly inner: Warehouse) {}

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
  replaceRange(table: DerivedTable, select: string, params: Params, options?: QueryOptions): Promise<WriteResult> {
    this.jobs++;
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
