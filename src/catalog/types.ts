// The shapes of the catalog: plain data that the planner, the grid, the DDL and validation read.

export type ColumnType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'DATE' | 'TIMESTAMP';

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /** One line for the operator (shown by `backfill sql` reviews and the report). */
  readonly doc?: string;
}

/** `nba_backfill` holds the backfill's own bookkeeping in the warehouse (what built each date, what a run replaced). */
export type Dataset = 'nba_orchestration' | 'nba_raw' | 'nba_analytics' | 'nba_precompute' | 'nba_backfill';

/**
 * How much of an input a derived table needs for game date D:
 * - `date`: the input's rows on D itself;
 * - `season`: the input's rows on every game date of D's season up to D (rolling windows and
 *   season-to-date figures read them), which is what "lookback" means in the planner and preflight;
 * - `two-seasons`: as `season`, plus every game date of the previous season (fallbacks such as
 *   MLFS's previous-season scoring average read it).
 */
export type Lookback = 'date' | 'season' | 'two-seasons';

export interface Dependency {
  readonly table: DerivedTableName;
  readonly lookback: Lookback;
}

interface TableBase {
  readonly name: string;
  readonly dataset: Dataset;
  readonly columns: readonly Column[];
  /** The grain: unique per row. */
  readonly key: readonly string[];
  readonly doc: string;
}

export interface SourceTable extends TableBase {
  readonly kind: 'source';
}

export interface DerivedTable extends TableBase {
  readonly kind: 'derived';
  readonly name: DerivedTableName;
  readonly short: string;
  readonly phase: 3 | 4;
  /** Never NULL in a valid row (validation checks them; MLFS promises them to the ML code). */
  readonly critical: readonly string[];
  /** The derived tables read to build a date, with their gates: derived from READS (reads.ts). */
  readonly dependsOn: readonly Dependency[];
}

/** The backfill's own bookkeeping in `nba_backfill` (build records): created with the rest, never a source. */
export interface BookkeepingTable extends TableBase {
  readonly kind: 'bookkeeping';
}

export type Table = SourceTable | DerivedTable | BookkeepingTable;

export const DERIVED_TABLE_NAMES = [
  'player_game_summary',
  'team_offense_game_summary',
  'team_defense_game_summary',
  'upcoming_player_game_context',
  'upcoming_team_game_context',
  'team_defensive_zone_analytics',
  'player_shot_zone_analytics',
  'player_defensive_context',
  'player_composite_factors',
  'ml_feature_store',
] as const;

export type DerivedTableName = (typeof DERIVED_TABLE_NAMES)[number];

export type SourceTableName = 'nba_schedule' | 'team_roster' | 'boxscore_traditional' | 'shot_chart';
