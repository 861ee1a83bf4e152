// What a long action of the session (validation, undo) needs from the session that runs it: the
// open warehouse and its state, the job log, the status line's activity, and the grid's refresh.
import type {DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';
import type {LogLevel} from '../runner/types.js';
import type {Warehouse} from '../warehouse/types.js';

export interface SessionActionContext {
  readonly warehouse: Warehouse;
  readonly stateDir: string;
  readonly config: Config;
  /** The warehouse's key in the state dir (its lock, its last validation). */
  readonly key: string;
  log(level: LogLevel, message: string, processor?: DerivedTableName): void;
  /** The long action under way (the status line), or null once it ended. */
  activity(text: string | null): void;
  refreshCoverage(): Promise<unknown>;
}
