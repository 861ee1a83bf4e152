// What each derived table reads to build game date D, declared once: from every derived input and
// from every raw source, which game dates relative to D (the processors' SQL in
// src/queries/processors/** reads exactly these, test/catalog-reads.test.ts holds them to it).
// Two things derive from it: the planner's gates (`dependsOn`, the coarse lookback inclusive of D
// that keeps a batch behind its inputs) and freshness (a (table, D) is stale when anything in
// these windows changed since it was built; a rebuilt date cascades to the dates whose windows
// hold it). One declaration, so the gates can never wait on less than the rows a date reads.
import type {Dependency, DerivedTableName, Lookback, SourceTableName} from './types.js';

/**
 * Which game dates of an input a table reads for D:
 * - `date`: D itself;
 * - `season-before`: the game dates of D's season strictly before D (as-of history);
 * - `season-through`: the game dates of D's season up to and including D;
 * - `previous-season`: every game date of the season before D's (fallback averages);
 * - `season-rows`: the rows of D's season in a source keyed by season, not by date (team_roster).
 * The windows of one read never overlap (a date is read once).
 */
export type ReadWindow = 'date' | 'season-before' | 'season-through' | 'previous-season' | 'season-rows';

export interface TableRead {
  readonly table: DerivedTableName | SourceTableName;
  readonly windows: readonly ReadWindow[];
}

/** Sources without a game_date: their rows are grouped (and fingerprinted) by season. */
export const SEASON_KEYED_SOURCES: readonly SourceTableName[] = ['team_roster'];

/** Reads of D itself, one per table (the box score's sources; most phase 4 inputs, as of D). */
function onDate(...tables: TableRead['table'][]): TableRead[] {
  return tables.map((table) => ({table, windows: ['date']}));
}

const box = onDate('nba_schedule', 'boxscore_traditional', 'shot_chart');

export const READS: Readonly<Record<DerivedTableName, readonly TableRead[]>> = {
  // The box score, shot zones and schedule of D's own Final games (box-score.ts).
  player_game_summary: box,
  team_offense_game_summary: box,
  team_defense_game_summary: box,
  // Targets from D's schedule and the season's roster; history from box scores strictly before D
  // in the season (appearances joined to the season's Final games up to D).
  upcoming_player_game_context: [
    {table: 'nba_schedule', windows: ['season-through']},
    {table: 'boxscore_traditional', windows: ['season-before']},
    {table: 'team_roster', windows: ['season-rows']},
  ],
  // The season's schedule up to D: rest, record and streaks before D, the game on D itself.
  upcoming_team_game_context: [{table: 'nba_schedule', windows: ['season-through']}],
  // Teams playing on D from the schedule; their (and the league's) defence strictly before D.
  team_defensive_zone_analytics: [
    {table: 'nba_schedule', windows: ['date']},
    {table: 'team_defense_game_summary', windows: ['season-before']},
  ],
  // Players of UPGC on D; their last 20 appearances strictly before D.
  player_shot_zone_analytics: [
    {table: 'upcoming_player_game_context', windows: ['date']},
    {table: 'player_game_summary', windows: ['season-before']},
  ],
  player_defensive_context: onDate('upcoming_player_game_context', 'team_defensive_zone_analytics'),
  player_composite_factors: onDate('upcoming_player_game_context', 'player_shot_zone_analytics', 'player_defensive_context'),
  // Features from the as-of tables on D; season_ppg's fallback from the whole previous season of
  // PGS and the targets from PGS on D itself (TDZA reaches it through PDC only).
  ml_feature_store: [
    ...onDate('upcoming_player_game_context', 'upcoming_team_game_context', 'player_shot_zone_analytics', 'player_defensive_context', 'player_composite_factors'),
    {table: 'player_game_summary', windows: ['date', 'previous-season']},
  ],
};

const DERIVED = new Set<string>(Object.keys(READS));

export function isDerivedRead(read: TableRead): read is TableRead & {readonly table: DerivedTableName} {
  return DERIVED.has(read.table);
}

/**
 * The gate of a derived read: the smallest lookback inclusive of D that holds its windows. A gate
 * on D itself when only earlier dates are read is deliberate: phase 4 trails its inputs date by
 * date, and a batch never starts beside the batch that rewrites what it reads.
 */
export function gateOf(windows: readonly ReadWindow[]): Lookback {
  if (windows.includes('previous-season')) return 'two-seasons';
  if (windows.includes('season-before') || windows.includes('season-through')) return 'season';
  return 'date';
}

/** The catalog's `dependsOn` of a table: its derived reads with their gates. */
export function dependenciesOf(name: DerivedTableName): Dependency[] {
  return READS[name].filter(isDerivedRead).map((read) => ({table: read.table, lookback: gateOf(read.windows)}));
}
