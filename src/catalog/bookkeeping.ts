// The backfill's own tables in the warehouse (dataset `nba_backfill`), beside the data they
// describe so that they travel with it: a copy of the warehouse knows what built it. Every one of
// them (the build records here, undo's index, notes and kept tables in src/undo/tables.ts) is
// declared through `backfillTable`.
import {col} from './columns.js';
import type {BookkeepingTable, Column, SourceTable} from './types.js';

/**
 * A table of `nba_backfill`, of kind `bookkeeping` (created with the warehouse: BOOKKEEPING_TABLES)
 * or `source` (undo's, outside ALL_TABLES: created when a run keeps what it replaces).
 */
export function backfillTable<K extends 'source' | 'bookkeeping'>(kind: K, name: string, doc: string, key: readonly string[], columns: readonly Column[]): Omit<SourceTable, 'kind'> & {readonly kind: K} {
  return {kind, name, dataset: 'nba_backfill', doc, key, columns};
}

/**
 * One row per (derived table, game date) build: which run and batch wrote it and when, with
 * which processor definition, and a digest of everything it read (src/freshness/records.ts). The
 * current record of a date is its latest `recorded_at`; DuckDB keeps only that one, BigQuery
 * appends (an INSERT is not a mutating DML statement, so it never queues behind the MERGEs).
 */
export const buildRecords: BookkeepingTable = backfillTable('bookkeeping', 'build_records', 'what built each (derived table, game date): the run, the processor definition, the inputs it read', ['table_name', 'game_date', 'recorded_at'], [
  col('table_name', 'STRING', 'the derived table built (player_game_summary)'),
  col('game_date', 'DATE'),
  col('run_id', 'STRING', 'the run whose batch built it'),
  col('build_id', 'STRING', 'the batch write that built it (unique per write)'),
  col('built_at', 'TIMESTAMP', 'when the write started: its inputs were read as of then'),
  col('recorded_at', 'TIMESTAMP', 'when this record was written (after the rows, on BigQuery)'),
  col('definition', 'STRING', "fingerprint of the processor's SQL for this engine (or its command)"),
  col('inputs', 'STRING', 'name=digest per input read: derived builds and source fingerprints of its windows'),
]);

export const BOOKKEEPING_TABLES: readonly BookkeepingTable[] = [buildRecords];
