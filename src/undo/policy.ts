// What a run keeps of the rows its batches replace, from the config's `undo` key and the engine.
// DuckDB always copies them into kept tables of the warehouse file (in the batch's transaction).
// BigQuery reads them back through time travel by default: nothing is copied, and the replaced
// rows stay readable for the datasets' time-travel window (7 days unless the dataset says less);
// `keep: "copy"` copies them into kept tables instead, for retention longer than that window.
import type {Config} from '../config.js';
import type {Engine} from '../queries/dialect.js';

/** Where the replaced rows of a batch are read back from. */
export type KeepMode = 'copy' | 'time-travel';

export interface UndoPolicy {
  /** The replaced rows of this many runs are kept; 0: nothing is kept, no change report. */
  readonly runs: number;
  readonly mode: KeepMode;
  /** Time travel: how long BigQuery keeps the replaced versions (the dataset's max_time_travel_hours). */
  readonly timeTravelHours: number;
  /** Floats are "changed" when they differ by more than this, relative to their size (at least 1). */
  readonly floatTolerance: number;
}

export const DEFAULT_UNDO_RUNS = 3;
export const DEFAULT_TIME_TRAVEL_HOURS = 168;
/**
 * A rebuild of the same inputs differs in the last bits of some averages (DuckDB adds in parallel in
 * varying order: 1e-15), which is not a change; a real change of a stat moves a figure by far more.
 */
export const FLOAT_TOLERANCE = 1e-9;

export function undoPolicy(config: Pick<Config, 'undo'>, engine: Engine): UndoPolicy {
  const settings = config.undo ?? {};
  return {
    runs: settings.runs ?? DEFAULT_UNDO_RUNS,
    mode: engine === 'bigquery' && (settings.keep ?? 'time-travel') === 'time-travel' ? 'time-travel' : 'copy',
    timeTravelHours: settings.timeTravelHours ?? DEFAULT_TIME_TRAVEL_HOURS,
    floatTolerance: FLOAT_TOLERANCE,
  };
}

export const keepsNothing = (policy: UndoPolicy): boolean => policy.runs === 0;

/**
 * Time travel: replaced rows older than the window can no longer be read. An hour of margin: an
 * undo that starts just inside the window must not find its last ranges gone half-way.
 */
export function pastTimeTravel(policy: UndoPolicy, keptAt: string, now = Date.now()): boolean {
  if (policy.mode !== 'time-travel') return false;
  return now - Date.parse(keptAt) > (policy.timeTravelHours - 1) * 3_600_000;
}
