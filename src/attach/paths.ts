// Where a run's socket lives: one per warehouse, in the state dir's `sockets/` (created
// owner-only, see private-dir.ts), named from the warehouse so that two warehouses can run side
// by side. Server and clients both derive it from the warehouse's identity (src/warehouse/ref.ts),
// so a client finds it without opening the (locked) warehouse.
import {createHash} from 'node:crypto';
import {join} from 'node:path';

/** Unix socket paths are limited to ~107 bytes: keep the name short and fixed-length. */
export function socketPath(stateDir: string, warehouse: string): string {
  const key = createHash('sha256').update(warehouse).digest('hex').slice(0, 12);
  return join(stateDir, 'sockets', `run-${key}.sock`);
}

/** The socket of the configured warehouse (its WarehouseRef's identity) in the state dir. */
export function socketForContext(context: {readonly stateDir: string; readonly warehouse: {readonly identity: string}}): string {
  return socketPath(context.stateDir, context.warehouse.identity);
}
