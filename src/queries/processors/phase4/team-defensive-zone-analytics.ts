// TDZA: for each team playing on D, how its last 15 games before D (this season) defended each
// shot zone, and how that compares with the whole league's season to date before D.
import {nbaSchedule, teamDefenseGameSummary, teamDefensiveZoneAnalytics} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {rangePredicate} from '../../write.js';
import {lastGamesBefore, readDerived, SEASON_LOOKBACK_DAYS} from './history.js';

/** Games in a team's defensive sample. */
export const TDZA_LAST_GAMES = 15;

const ZONES = ['paint', 'mid_range', 'three'] as const;

function select(d: Dialect): string {
  const schedule = d.table(nbaSchedule);
  const zoneSums = Object.fromEntries(
    ZONES.flatMap((z) => [
      [`${z}_makes`, `SUM(opp_${z}_makes)`],
      [`${z}_attempts`, `SUM(opp_${z}_attempts)`],
    ]),
  );
  const teamFgPct = (z: string) => d.safeDiv(`team.${z}_makes`, `team.${z}_attempts`);
  const leagueFgPct = (z: string) => d.safeDiv(`league.${z}_makes`, `league.${z}_attempts`);
  return `WITH
-- Teams playing on each date of the range: both sides of every Final game.
targets AS (
  SELECT game_date, game_id, season, home_team_abbr AS team_abbr FROM ${schedule}
  WHERE game_status = 'Final' AND ${rangePredicate(d)}
  UNION ALL
  SELECT game_date, game_id, season, away_team_abbr AS team_abbr FROM ${schedule}
  WHERE game_status = 'Final' AND ${rangePredicate(d)}
),
team_games AS (
  ${readDerived(d, teamDefenseGameSummary, ['team_abbr', 'season', 'game_date', 'defensive_rating', 'pace', ...ZONES.flatMap((z) => [`opp_${z}_makes`, `opp_${z}_attempts`])], SEASON_LOOKBACK_DAYS)}
),
-- The league as one entity: one row per game date with the zone totals of every team's defence.
league_days AS (
  SELECT season, game_date, ${ZONES.flatMap((z) => [`SUM(opp_${z}_makes) AS opp_${z}_makes`, `SUM(opp_${z}_attempts) AS opp_${z}_attempts`]).join(', ')}
  FROM team_games GROUP BY season, game_date
),
target_days AS (SELECT DISTINCT season, game_date FROM targets),
team_history AS (
${lastGamesBefore({
  keys: ['team_abbr'],
  targets: 'targets',
  games: 'team_games',
  lastGames: TDZA_LAST_GAMES,
  aggregates: {...zoneSums, def_rating_avg: 'AVG(defensive_rating)', pace_avg: 'AVG(pace)'},
})}
),
league_history AS (
${lastGamesBefore({keys: [], targets: 'target_days', games: 'league_days', lastGames: 'season', aggregates: zoneSums})}
)
SELECT
  targets.game_date, targets.game_id, targets.team_abbr, targets.season,
  team.games_in_sample,
  ${ZONES.map((z) => `${teamFgPct(z)} AS opp_${z}_fg_pct`).join(',\n  ')},
  ${ZONES.map((z) => `${d.safeDiv(`team.${z}_attempts`, 'team.games_in_sample')} AS opp_${z}_attempts_pg`).join(',\n  ')},
  ${d.float('team.def_rating_avg')} AS def_rating_avg,
  ${d.float('team.pace_avg')} AS pace_avg,
  ${ZONES.map((z) => `${teamFgPct(z)} - ${leagueFgPct(z)} AS ${z}_fg_pct_vs_league`).join(',\n  ')}
FROM targets
JOIN team_history AS team
  ON team.team_abbr = targets.team_abbr AND team.season = targets.season AND team.game_date = targets.game_date
JOIN league_history AS league
  ON league.season = targets.season AND league.game_date = targets.game_date`;
}

export const teamDefensiveZoneAnalyticsProcessor: Processor = {table: teamDefensiveZoneAnalytics, select};
