// A processor is the one definition of how a derived table is built for a range of game dates.
import type {DerivedTable} from '../catalog/types.js';
import type {Dialect} from './dialect.js';

export interface Processor {
  readonly table: DerivedTable;
  /**
   * A SELECT producing exactly the rows of `table` for every game date in
   * [start_date, end_date] (parameters written with `d.param('start_date', 'DATE')`), with every
   * column of the catalog except `processed_at` and `run_id`, named as in the catalog.
   * Rows for a date D may read sources of any date strictly before D (and D itself where the
   * catalog says so), never after D: that is the point-in-time contract.
   */
  select(d: Dialect): string;
}
