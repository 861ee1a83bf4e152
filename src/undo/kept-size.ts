// How much the kept rows take, for `status`: the runs that can still be undone, their rows, and
// the bytes where the engine says (BigQuery's partition metadata for the kept tables; DuckDB does
// not report a table's size, and time travel's storage is BigQuery's, billed per dataset).
import type {Warehouse} from '../warehouse/types.js';
import type {UndoPolicy} from './policy.js';
import {liveRuns, readReplacedRanges} from './ranges.js';
import {KEPT_DATES, keptSources, keptTable} from './tables.js';

export interface KeptSize {
  /** Runs that can still be undone (their kept rows are there). */
  readonly runs: number;
  readonly rows: number;
  /** Null where the engine does not say. */
  readonly bytes: number | null;
  readonly mode: UndoPolicy['mode'];
}

/** One metadata query (BigQuery, copy) or one count per kept table (DuckDB); time travel: the index's counts. */
export async function keptSize(warehouse: Warehouse, policy: UndoPolicy, project?: string, dataset = 'nba_backfill'): Promise<KeptSize> {
  const live = liveRuns(await readReplacedRanges(warehouse));
  const base = {runs: live.length, mode: policy.mode};
  if (policy.mode === 'time-travel') return {...base, rows: live.reduce((sum, r) => sum + r.keptRows, 0), bytes: null};
  const d = warehouse.dialect;
  // The kept rows, and the notes of the dates rewritten identically (one row each).
  const tables = [...keptSources().map(keptTable), KEPT_DATES];
  if (warehouse.engine === 'bigquery' && project) {
    const names = tables.map((t) => d.literal(t.name)).join(', ');
    const [row] = await warehouse.query(
      `SELECT SUM(total_rows) AS kept_rows, SUM(total_logical_bytes) AS kept_bytes\nFROM \`${project}.${dataset}.INFORMATION_SCHEMA.PARTITIONS\`\nWHERE table_name IN (${names})`,
    );
    return {...base, rows: Number(row?.kept_rows ?? 0), bytes: row?.kept_bytes === null || row?.kept_bytes === undefined ? 0 : Number(row.kept_bytes)};
  }
  const counts = tables.map((t) => `SELECT COUNT(*) AS n FROM ${d.table(t)}`).join('\nUNION ALL\n');
  try {
    const rows = await warehouse.query(`SELECT SUM(n) AS kept_rows FROM (\n${counts}\n) AS per_table`);
    return {...base, rows: Number(rows[0]?.kept_rows ?? 0), bytes: null};
  } catch {
    return {...base, rows: 0, bytes: null}; // no kept tables yet: nothing was ever kept
  }
}
