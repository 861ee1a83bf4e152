// Freshness as the rest of the program sees it: why a (derived table, game date) is stale.
import type {DerivedTableName} from '../catalog/types.js';
import type {IsoDate} from '../dates.js';

/**
 * - `upstream`: an input date it read was rebuilt after it, or is itself stale (named in the detail);
 * - `code`: its processor's definition changed since it was built;
 * - `source`: raw rows of a date it read changed since it was built;
 * - `unknown`: no build record says what built it (built before build records existed, or
 *   written after its record, e.g. a crash between a BigQuery MERGE and its record).
 */
export type StaleReason = 'upstream' | 'code' | 'source' | 'unknown';

export const STALE_REASONS: readonly StaleReason[] = ['upstream', 'code', 'source', 'unknown'];

export interface Stale {
  readonly reason: StaleReason;
  /** One line for the operator, e.g. `player_game_summary 2023-01-18 rebuilt after it`. */
  readonly detail: string;
}

export interface StaleDate extends Stale {
  readonly table: DerivedTableName;
  readonly date: IsoDate;
}

/** The stale dates of every derived table (covered dates only: a missing date is missing, not stale). */
export type StaleMap = ReadonlyMap<DerivedTableName, ReadonlyMap<IsoDate, Stale>>;
