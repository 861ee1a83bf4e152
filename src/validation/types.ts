// Results of `backfill validate` (SPEC §5): shared by the command, the report and the console.
import type {DateRange, IsoDate} from '../dates.js';
import type {Row} from '../warehouse/types.js';

export type CheckName =
  | 'completeness'
  | 'duplicates'
  | 'nulls'
  | 'reconcile_raw' // PGS against boxscore_traditional
  | 'reconcile_team' // TOGS against the sum of PGS per team-game
  | 'row_counts' // rows per date against roster and schedule
  | 'point_in_time' // phase 4 and upcoming rows recomputed from data cut at D
  | 'fresh' // no covered date stale (src/freshness)
  // The raw sources themselves (checks/raw-*.ts), each on the source table it names:
  | 'raw_minutes' // boxscore_traditional.minutes not M:SS / MM:SS
  | 'raw_negative' // a negative count in boxscore_traditional
  | 'raw_shooting' // makes above attempts (fgm > fga, fg3m > fgm, ...)
  | 'raw_shot_chart' // shot_chart rows that disagree with the box score, per player-game
  | 'raw_scores'; // a Final game without both scores in the schedule

export interface CheckResult {
  readonly check: CheckName;
  readonly table: string;
  readonly passed: boolean;
  /** Offending rows, dates or keys, counted. */
  readonly failures: number;
  /** Every date concerned, sorted (the console marks them in the grid). */
  readonly dates: readonly IsoDate[];
  /** A few offending rows for the operator. */
  readonly sample: readonly Row[];
  /** One line: what was checked and what was found. */
  readonly message: string;
  readonly durationMs: number;
}

export interface ValidationReport {
  readonly range: DateRange;
  readonly tables: readonly string[];
  readonly results: readonly CheckResult[];
  readonly passed: boolean;
  readonly startedAt: string;
  readonly durationMs: number;
}

/** Reported after each check finishes, so a console can show a progress bar. */
export interface ValidationProgress {
  readonly done: number;
  readonly total: number;
  readonly result: CheckResult;
}

/** What `preflight` found missing: one input table and the game dates it lacks. */
export interface MissingInput {
  readonly table: string;
  readonly dates: readonly IsoDate[];
  /** The same dates compressed into runs of consecutive game dates, e.g. `2021-11-03..2021-11-09`. */
  readonly ranges: readonly string[];
}

export interface PreflightResult {
  readonly range: DateRange;
  /** The phase 4 tables whose inputs were checked. */
  readonly tables: readonly string[];
  /** No input missing and every raw check passed. */
  readonly ready: boolean;
  readonly missing: readonly MissingInput[];
  /** The raw-source checks of the range, passed or not (a failure keeps the run from being ready). */
  readonly raw: readonly CheckResult[];
}
