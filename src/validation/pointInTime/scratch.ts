// A scratch space beside the warehouse where the point-in-time audit builds its copy of the data
// cut at a date. Each dataset gets a scratch twin (same table names), so the processors' SQL runs
// unchanged through `withDatasets`. DuckDB: in-memory databases ATTACHed to the warehouse's own
// instance (no second instance, no lock, nothing written to the file, fine on a read-only open).
// BigQuery: datasets that expire by themselves should a run die before dropping them.
import type {Dataset, DerivedTable, Table} from '../../catalog/types.js';
import {withDatasets, type Dialect} from '../../queries/dialect.js';
import type {Params, Warehouse} from '../../warehouse/types.js';

const DATASETS: readonly Dataset[] = ['nba_orchestration', 'nba_raw', 'nba_analytics', 'nba_precompute'];

export interface ScratchSpace {
  /**
   * One dialect per lane: every dataset read through it resolves to that lane's twin, so that
   * lanes can hold copies cut at different dates and rebuild them at the same time.
   */
  readonly lanes: readonly Dialect[];
  /** The stored table, as a view inside the scratch space must name it. */
  stored(table: Pick<Table, 'dataset' | 'name'>): string;
  /** The scratch table collecting the recomputed rows of `table`. */
  recomputed(table: Pick<Table, 'name'>): string;
  /** Creates the table that collects the recomputed rows of `table` (its catalog columns). */
  createRecomputed(table: DerivedTable): Promise<void>;
  run(sql: string, params?: Params): Promise<void>;
  drop(): Promise<void>;
}

let opened = 0;

export async function openScratch(warehouse: Warehouse, laneCount = 1): Promise<ScratchSpace> {
  const token = `pit_${process.pid}_${++opened}_${Math.random().toString(36).slice(2, 8)}`;
  const twin = (lane: number, dataset: string) => `${token}_${lane}_${dataset}`;
  const base = warehouse.dialect;
  const lanes = Array.from({length: laneCount}, (_, lane) =>
    withDatasets(base, Object.fromEntries(DATASETS.map((ds) => [ds, twin(lane, ds)]))),
  );
  const work = `${token}_work` as Dataset;
  const names = [...Array.from({length: laneCount}, (_, lane) => DATASETS.map((ds) => twin(lane, ds))).flat(), work];
  const job = (step: string) => ({job: {runId: token, processor: 'point_in_time', step}});
  const run = async (sql: string, params: Params = {}) => {
    await warehouse.query(sql, params, job('scratch'));
  };

  let stored: (table: Pick<Table, 'dataset' | 'name'>) => string;
  let drop: () => Promise<void>;
  if (warehouse.engine === 'duckdb') {
    // Views in an attached database must name the warehouse's catalog explicitly.
    const [{catalog}] = await warehouse.query('SELECT current_database() AS catalog');
    stored = (t) => `${base.ident(String(catalog))}.${base.table(t)}`;
    for (const name of names) await run(`ATTACH ':memory:' AS ${base.ident(name)} (READ_WRITE)`);
    drop = async () => {
      for (const name of names) await run(`DETACH DATABASE IF EXISTS ${base.ident(name)}`);
    };
  } else {
    stored = (t) => base.table(t);
    for (const name of names) {
      await run(`${base.createSchema(name as Dataset)} OPTIONS (default_table_expiration_days = 1)`);
    }
    drop = async () => {
      for (const name of names) {
        await run(`${base.createSchema(name as Dataset).replace('CREATE SCHEMA IF NOT EXISTS', 'DROP SCHEMA IF EXISTS')} CASCADE`);
      }
    };
  }
  return {
    lanes,
    stored,
    recomputed: (t) => base.table({dataset: work, name: t.name}),
    createRecomputed: (t) => run(base.createTable({...t, dataset: work})),
    run,
    drop,
  };
}
