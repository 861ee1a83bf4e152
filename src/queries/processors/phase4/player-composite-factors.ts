// PCF: four adjustment factors per player in UPGC on D and their weighted composite. Every
// input is as-of D (PSZA, PDC and UPGC on D), and every factor has a neutral value used when its
// inputs are missing (first games of a season), so the critical columns are never NULL.
//
//   shot_zone_matchup    = Σ_zone share_zone × opp_zone_fg_pct_vs_league          (neutral 0)
//                          over paint, mid_range, three; a missing share or delta counts 0.
//                          > 0: the player shoots most where this defence concedes more than the league.
//   fatigue_factor       = 1 − 0.05 · [back-to-back]
//                            − 0.02 · max(games_last_7_days − 3, 0)
//                            − 0.004 · max(l5_minutes_avg − 32, 0)
//                            + 0.02 · [days_rest ≥ 3]                             (neutral 1)
//                          missing l5_minutes_avg adds no load; missing days_rest (first game) no bonus.
//   pace_factor          = opp_pace_avg / league pace on D, the league pace being the mean
//                          opp_pace_avg of the distinct opponents playing on D    (neutral 1)
//   usage_trend          = (l5_minutes_avg − season_minutes_avg) / season_minutes_avg  (neutral 0)
//   composite_adjustment = 1.0 · shot_zone_matchup + 0.5 · (fatigue_factor − 1)
//                          + 0.3 · (pace_factor − 1) + 0.2 · usage_trend         (neutral 0)
//                          read as the expected relative change of the player's output.
import {
  playerCompositeFactors,
  playerDefensiveContext,
  playerShotZoneAnalytics,
  upcomingPlayerGameContext,
} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {readDerived} from './history.js';

export const FATIGUE = {
  backToBack: 0.05,
  perGameOver3In7Days: 0.02,
  perMinuteOver32: 0.004,
  restBonus: 0.02,
} as const;

export const COMPOSITE_WEIGHTS = {shotZoneMatchup: 1.0, fatigue: 0.5, pace: 0.3, usageTrend: 0.2} as const;

const ZONES = ['paint', 'mid_range', 'three'] as const;

/** max(expr, 0) written with CASE: GREATEST treats NULL differently on the two engines. */
function positivePart(expr: string): string {
  return `CASE WHEN ${expr} > 0 THEN ${expr} ELSE 0 END`;
}

function select(d: Dialect): string {
  const matchup = ZONES.map((z) => `COALESCE(shots.${z}_share * context.opp_${z}_fg_pct_vs_league, 0)`).join(' + ');
  const fatigue = `1.0
      - ${FATIGUE.backToBack} * CASE WHEN players.is_back_to_back THEN 1 ELSE 0 END
      - ${FATIGUE.perGameOver3In7Days} * ${positivePart('COALESCE(players.games_last_7_days, 0) - 3')}
      - ${FATIGUE.perMinuteOver32} * ${positivePart('COALESCE(players.l5_minutes_avg, 32) - 32')}
      + ${FATIGUE.restBonus} * CASE WHEN players.days_rest >= 3 THEN 1 ELSE 0 END`;
  const pace = `COALESCE(${d.safeDiv('context.opp_pace_avg', 'league.pace')}, 1.0)`;
  const usage = `COALESCE(${d.safeDiv('players.l5_minutes_avg - players.season_minutes_avg', 'players.season_minutes_avg')}, 0.0)`;
  const w = COMPOSITE_WEIGHTS;
  return `WITH
players AS (
  ${readDerived(d, upcomingPlayerGameContext, ['game_date', 'game_id', 'player_lookup', 'team_abbr', 'is_back_to_back', 'games_last_7_days', 'days_rest', 'l5_minutes_avg', 'season_minutes_avg'], 0)}
),
shots AS (
  ${readDerived(d, playerShotZoneAnalytics, ['game_date', 'player_lookup', ...ZONES.map((z) => `${z}_share`)], 0)}
),
context AS (
  ${readDerived(d, playerDefensiveContext, ['game_date', 'player_lookup', 'opponent_team_abbr', 'opp_pace_avg', ...ZONES.map((z) => `opp_${z}_fg_pct_vs_league`)], 0)}
),
-- Each team playing on the date counted once, however many players face it (all its rows agree).
league AS (
  SELECT game_date, AVG(opp_pace_avg) AS pace
  FROM (
    SELECT game_date, opponent_team_abbr, MAX(opp_pace_avg) AS opp_pace_avg FROM context GROUP BY game_date, opponent_team_abbr
  ) AS opponents
  GROUP BY game_date
),
factors AS (
  SELECT
    players.game_date, players.game_id, players.player_lookup, players.team_abbr,
    ${d.float(matchup)} AS shot_zone_matchup,
    ${d.float(fatigue)} AS fatigue_factor,
    ${d.float(pace)} AS pace_factor,
    ${d.float(usage)} AS usage_trend
  FROM players
  LEFT JOIN shots ON shots.game_date = players.game_date AND shots.player_lookup = players.player_lookup
  LEFT JOIN context ON context.game_date = players.game_date AND context.player_lookup = players.player_lookup
  LEFT JOIN league ON league.game_date = players.game_date
)
SELECT
  game_date, game_id, player_lookup, team_abbr,
  shot_zone_matchup, fatigue_factor, pace_factor, usage_trend,
  ${w.shotZoneMatchup} * shot_zone_matchup + ${w.fatigue} * (fatigue_factor - 1) + ${w.pace} * (pace_factor - 1) + ${w.usageTrend} * usage_trend AS composite_adjustment
FROM factors`;
}

export const playerCompositeFactorsProcessor: Processor = {table: playerCompositeFactors, select};
