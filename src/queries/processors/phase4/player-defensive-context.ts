// PDC: for each player in UPGC on D, the defensive profile (TDZA on D) of the team he faces.
import {playerDefensiveContext, teamDefensiveZoneAnalytics, upcomingPlayerGameContext} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {readDerived} from './history.js';

function select(d: Dialect): string {
  return `WITH
players AS (
  ${readDerived(d, upcomingPlayerGameContext, ['game_date', 'game_id', 'player_lookup', 'team_abbr', 'opponent_team_abbr'], 0)}
),
defences AS (
  ${readDerived(d, teamDefensiveZoneAnalytics, ['game_date', 'team_abbr', 'games_in_sample', 'def_rating_avg', 'pace_avg', 'paint_fg_pct_vs_league', 'mid_range_fg_pct_vs_league', 'three_fg_pct_vs_league'], 0)}
)
SELECT
  players.game_date, players.game_id, players.player_lookup, players.team_abbr, players.opponent_team_abbr,
  -- An opponent without a TDZA row has no sample yet, like a team on its season opener.
  COALESCE(defences.games_in_sample, 0) AS opp_games_in_sample,
  defences.def_rating_avg AS opp_def_rating_avg,
  defences.pace_avg AS opp_pace_avg,
  defences.paint_fg_pct_vs_league AS opp_paint_fg_pct_vs_league,
  defences.mid_range_fg_pct_vs_league AS opp_mid_range_fg_pct_vs_league,
  defences.three_fg_pct_vs_league AS opp_three_fg_pct_vs_league
FROM players
LEFT JOIN defences
  ON defences.game_date = players.game_date AND defences.team_abbr = players.opponent_team_abbr`;
}

export const playerDefensiveContextProcessor: Processor = {table: playerDefensiveContext, select};
