// The backfill's own tables in the warehouse (dataset `nba_backfill`), beside the data they
// describe so that they travel with it: a copy of the warehouse knows what built it.
import type {BookkeepingTable} from './types.js';

/**
 * One row per (derived table, game date) build: which run and batch wrote it and when, with
 * which processor definition, and a digest of everything it read (src/freshness/records.ts). The
 * current record of a date is its latest `recorded_at`; DuckDB keeps only that one, BigQuery
 * appends (an INSERT is not a mutating DML statement, so it never queues behind the MERGEs).
 */
export const buildRecords: BookkeepingTable = {
  kind: 'bookkeeping',
  name: 'build_records',
  dataset: 'nba_backfill',
  doc: 'what built each (derived table, game date): the run, the processor definition, the inputs it read',
  key: ['table_name', 'game_date', 'recorded_at'],
  columns: [
    {name: 'table_name', type: 'STRING', doc: 'the derived table built (player_game_summary)'},
    {name: 'game_date', type: 'DATE'},
    {name: 'run_id', type: 'STRING', doc: 'the run whose batch built it'},
    {name: 'build_id', type: 'STRING', doc: 'the batch write that built it (unique per write)'},
    {name: 'built_at', type: 'TIMESTAMP', doc: 'when the write started: its inputs were read as of then'},
    {name: 'recorded_at', type: 'TIMESTAMP', doc: 'when this record was written (after the rows, on BigQuery)'},
    {name: 'definition', type: 'STRING', doc: "fingerprint of the processor's SQL for this engine (or its command)"},
    {name: 'inputs', type: 'STRING', doc: 'name=digest per input read: derived builds and source fingerprints of its windows'},
  ],
};

export const BOOKKEEPING_TABLES: readonly BookkeepingTable[] = [buildRecords];
