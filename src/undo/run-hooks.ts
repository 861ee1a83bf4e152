// Where a run meets undo: before it plans, the keeper its batches write with (and the bookkeeping
// tables it writes to, created when missing); after it ends, retention.
import type {Config} from '../config.js';
import {describeError} from '../warehouse/errors.js';
import type {Warehouse} from '../warehouse/types.js';
import {BatchKeeper} from './keeper.js';
import {undoPolicy} from './policy.js';
import {pruneKeptRows} from './retention.js';
import {undoTables} from './tables.js';

export async function keeperFor(warehouse: Warehouse, config: Pick<Config, 'undo'>): Promise<BatchKeeper> {
  const keeper = new BatchKeeper(undoPolicy(config, warehouse.engine));
  if (keeper.active) await warehouse.ensureTables(undoTables(keeper.policy));
  return keeper;
}

/** Retention after a run: one line when it dropped something, a warning when it could not (the run's outcome stands). */
export async function applyRetention(warehouse: Warehouse, keeper: BatchKeeper, say: (level: 'info' | 'warn', message: string) => void): Promise<void> {
  try {
    const {runs} = await pruneKeptRows(warehouse, keeper.policy);
    if (runs.length === 0) return;
    const kept = keeper.policy.runs;
    say('info', `undo: the replaced rows of ${runs.join(', ')} are no longer kept (undo keeps the last ${kept} run${kept === 1 ? '' : 's'}: config undo.runs); ${runs.length === 1 ? 'it' : 'they'} can no longer be undone`);
  } catch (error) {
    say('warn', `undo: could not drop the replaced rows retention no longer keeps: ${describeError(error)}; the next run tries again`);
  }
}
