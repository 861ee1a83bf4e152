// Where a run's socket lives: one per warehouse, in the state dir's `sockets/` (created
// owner-only, see private-dir.ts), named from the warehouse so that two warehouses can run side
// by side. Server and clients both derive it from the command line's context, so a client finds
// it without opening the (locked) warehouse.
import {createHash} from 'node:crypto';
import {join} from 'node:path';

/** Unix socket paths are limited to ~107 bytes: keep the name short and fixed-length. */
export function socketPath(stateDir: string, warehouse: string): string {
  const key = createHash('sha256').update(warehouse).digest('hex').slice(0, 12);
  return join(stateDir, 'sockets', `run-${key}.sock`);
}

/** The identity of the configured warehouse: the DuckDB file, or the BigQuery project. */
export function warehouseIdentity(context: {readonly target: string; readonly warehousePath: string; readonly project?: string | undefined}): string {
  return context.target === 'duckdb' ? context.warehousePath : `bigquery:${context.project ?? ''}`;
}

export function socketForContext(context: {readonly stateDir: string; readonly target: string; readonly warehousePath: string; readonly project?: string | undefined}): string {
  return socketPath(context.stateDir, warehouseIdentity(context));
}
