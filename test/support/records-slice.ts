// A stand-in for freshness's build records (a row per derived table and game date, with lineage),
// to show that keeping and restoring work for any table narrowed by a filter: the slice of one
// derived table's records is kept and put back, the other tables' records are left alone.
import type {SourceTable} from '../../src/catalog/types.js';
import {slice} from '../../src/undo/slices.js';
import {stringParam} from '../../src/warehouse/types.js';

export const RECORDS: SourceTable = {
  kind: 'source',
  name: 'build_records_test',
  dataset: 'nba_backfill',
  doc: 'test stand-in for build records',
  key: ['table_name', 'game_date'],
  columns: [
    {name: 'table_name', type: 'STRING'},
    {name: 'game_date', type: 'DATE'},
    {name: 'built_from', type: 'STRING'},
    {name: 'processed_at', type: 'TIMESTAMP'},
    {name: 'run_id', type: 'STRING'},
  ],
};

/** The records of one derived table. */
export const recordsOf = (table: string) => slice(RECORDS, {table_name: stringParam(table)});
