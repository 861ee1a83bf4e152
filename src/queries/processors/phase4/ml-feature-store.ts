// MLFS: one row of model features per player in UPGC on D (everything as of D, i.e. from games
// before D) and the training targets from D itself (NULL when he did not play).
import {
  FEATURE_VERSION,
  mlFeatureStore,
  playerCompositeFactors,
  playerDefensiveContext,
  playerGameSummary,
  playerShotZoneAnalytics,
  upcomingPlayerGameContext,
  upcomingTeamGameContext,
} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {readDerived, TWO_SEASONS_LOOKBACK_DAYS} from './history.js';

/**
 * season_ppg of a player with no game this season nor last season: roughly what a rookie
 * who gets on the floor scores. A constant, so that the feature is never NULL.
 */
export const ROOKIE_DEFAULT_PPG = 6.0;

function select(d: Dialect): string {
  const int64 = d.columnType('INT64');
  const startYear = (season: string) => `CAST(SUBSTR(${season}, 1, 4) AS ${int64})`;
  const minutes = d.ident('minutes');
  return `WITH
players AS (
  ${readDerived(d, upcomingPlayerGameContext, [
    'game_date', 'game_id', 'player_lookup', 'player_id', 'team_abbr', 'opponent_team_abbr', 'season', 'is_home',
    'days_rest', 'is_back_to_back', 'games_last_7_days', 'season_games_played', 'season_points_avg',
    'l5_points_avg', 'l10_points_avg', 'season_minutes_avg', 'l5_minutes_avg', 'last_game_minutes',
  ], 0)}
),
teams AS (
  ${readDerived(d, upcomingTeamGameContext, ['game_date', 'team_abbr', 'days_rest', 'opponent_days_rest', 'rest_advantage', 'win_pct', 'streak'], 0)}
),
shots AS (
  ${readDerived(d, playerShotZoneAnalytics, ['game_date', 'player_lookup', 'fga_per_game', 'paint_share', 'mid_range_share', 'three_share', 'paint_fg_pct', 'mid_range_fg_pct', 'three_fg_pct'], 0)}
),
context AS (
  ${readDerived(d, playerDefensiveContext, ['game_date', 'player_lookup', 'opp_def_rating_avg', 'opp_pace_avg', 'opp_paint_fg_pct_vs_league', 'opp_three_fg_pct_vs_league'], 0)}
),
factors AS (
  ${readDerived(d, playerCompositeFactors, ['game_date', 'player_lookup', 'shot_zone_matchup', 'fatigue_factor', 'pace_factor', 'usage_trend', 'composite_adjustment'], 0)}
),
-- Every appearance from the previous season's first game to the range's end: the fallback
-- averages (whole previous seasons, all before D) and the targets (games on D).
appearances AS (
  ${readDerived(d, playerGameSummary, ['game_date', 'player_lookup', 'season', 'points', 'minutes'], TWO_SEASONS_LOOKBACK_DAYS)}
),
season_averages AS (
  SELECT player_lookup, ${startYear('season')} AS season_start_year, AVG(points) AS points_avg
  FROM appearances GROUP BY player_lookup, season
)
SELECT
  players.game_date, players.game_id, players.player_lookup, players.player_id,
  players.team_abbr, players.opponent_team_abbr, players.season,
  ${d.literal(FEATURE_VERSION)} AS feature_version,
  ${d.float(`CASE
    WHEN players.season_games_played > 0 AND players.season_points_avg IS NOT NULL THEN players.season_points_avg
    WHEN previous.points_avg IS NOT NULL THEN previous.points_avg
    ELSE ${ROOKIE_DEFAULT_PPG} END`)} AS season_ppg,
  CASE
    WHEN players.season_games_played > 0 AND players.season_points_avg IS NOT NULL THEN 'current_season'
    WHEN previous.points_avg IS NOT NULL THEN 'previous_season'
    ELSE 'rookie_default' END AS season_ppg_source,
  players.l5_points_avg, players.l10_points_avg, players.season_minutes_avg, players.l5_minutes_avg,
  players.last_game_minutes, players.season_games_played,
  players.is_home, players.days_rest, players.is_back_to_back, players.games_last_7_days,
  teams.days_rest AS team_days_rest, teams.opponent_days_rest, teams.rest_advantage,
  teams.win_pct AS team_win_pct, teams.streak AS team_streak,
  shots.fga_per_game, shots.paint_share, shots.mid_range_share, shots.three_share,
  shots.paint_fg_pct, shots.mid_range_fg_pct, shots.three_fg_pct,
  context.opp_def_rating_avg, context.opp_pace_avg, context.opp_paint_fg_pct_vs_league, context.opp_three_fg_pct_vs_league,
  factors.shot_zone_matchup, factors.fatigue_factor, factors.pace_factor, factors.usage_trend, factors.composite_adjustment,
  ${d.float('target.points')} AS target_points,
  ${d.float(`target.${minutes}`)} AS target_minutes
FROM players
LEFT JOIN teams ON teams.game_date = players.game_date AND teams.team_abbr = players.team_abbr
LEFT JOIN shots ON shots.game_date = players.game_date AND shots.player_lookup = players.player_lookup
LEFT JOIN context ON context.game_date = players.game_date AND context.player_lookup = players.player_lookup
LEFT JOIN factors ON factors.game_date = players.game_date AND factors.player_lookup = players.player_lookup
LEFT JOIN season_averages AS previous
  ON previous.player_lookup = players.player_lookup AND previous.season_start_year = ${startYear('players.season')} - 1
LEFT JOIN appearances AS target
  ON target.game_date = players.game_date AND target.player_lookup = players.player_lookup`;
}

export const mlFeatureStoreProcessor: Processor = {table: mlFeatureStore, select};
