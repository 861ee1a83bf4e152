// UTGC: one row per team playing a Final game on D, with its schedule context strictly before D
// in the same season. One pass of window functions over each team's season, then the range.
import {upcomingTeamGameContext} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {copied, formula, projectColumns, rangeBounds, TEAM_GAME_COLUMNS, withClause} from './project.js';
import {countSince7Days, teamGamesCtes} from './schedule-history.js';

const LAGS = [1, 2, 3, 4, 5, 6, 7];

function select(d: Dialect): string {
  const {start, end} = rangeBounds(d);
  // Each team's games in date order; a team plays at most once a day, game_id breaks no real tie.
  const season = 'PARTITION BY team_abbr, season ORDER BY game_date, game_id';
  const before = `${season} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING`;
  const soFar = `${season} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
  const ctes: Array<[string, string]> = [
    ...teamGamesCtes(d),
    ['sequenced', `
  SELECT team_games.*,
    ${LAGS.map((k) => `LAG(game_date, ${k}) OVER (${season}) AS previous_date_${k}`).join(',\n    ')},
    -- season_wins / season_losses: results of the games before this one
    COALESCE(SUM(won) OVER (${before}), 0) AS season_wins,
    COALESCE(SUM(1 - won) OVER (${before}), 0) AS season_losses,
    -- l10_wins: wins in the (up to) ten games before this one
    COALESCE(SUM(won) OVER (${season} ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING), 0) AS l10_wins,
    -- a new run starts where the result (or home/away) differs from the previous game's
    CASE WHEN won = LAG(won) OVER (${season}) THEN 0 ELSE 1 END AS result_changed,
    CASE WHEN is_home = LAG(is_home) OVER (${season}) THEN 0 ELSE 1 END AS venue_changed
  FROM team_games`],
    ['runs', `
  SELECT sequenced.*,
    SUM(result_changed) OVER (${soFar}) AS result_run,
    SUM(venue_changed) OVER (${soFar}) AS venue_run
  FROM sequenced`],
    ['run_lengths', `
  SELECT runs.*,
    ROW_NUMBER() OVER (PARTITION BY team_abbr, season, result_run ORDER BY game_date, game_id) AS result_run_length,
    ROW_NUMBER() OVER (PARTITION BY team_abbr, season, venue_run ORDER BY game_date, game_id) AS venue_run_length
  FROM runs`],
    ['context', `
  SELECT run_lengths.*,
    -- days_rest = D − previous game date (NULL for the first game of the season)
    ${d.daysBetween('previous_date_1', 'game_date')} AS days_rest,
    -- streak = the run after the previous game: +n after n straight wins, −n after n straight losses, 0 before any game
    COALESCE(LAG(CASE WHEN won = 1 THEN result_run_length ELSE -result_run_length END) OVER (${season}), 0) AS streak
  FROM run_lengths`],
  ];
  const columns = projectColumns(d, upcomingTeamGameContext, {
    ...copied('t', [...TEAM_GAME_COLUMNS, 'days_rest']),
    is_back_to_back: formula('is_back_to_back = (days_rest = 1), false for the first game', 'CASE WHEN t.days_rest = 1 THEN TRUE ELSE FALSE END'),
    opponent_days_rest: 'o.days_rest',
    rest_advantage: formula('rest_advantage = days_rest − opponent_days_rest (NULL when either has no previous game)', 't.days_rest - o.days_rest'),
    games_last_7_days: formula('games_last_7_days = games in [D − 7, D − 1]', countSince7Days(d, LAGS.map((k) => `t.previous_date_${k}`), 't.game_date')),
    season_wins: 't.season_wins',
    season_losses: 't.season_losses',
    win_pct: formula('win_pct = season_wins / (season_wins + season_losses), NULL before the first game', d.safeDiv('t.season_wins', 't.season_wins + t.season_losses')),
    l10_wins: 't.l10_wins',
    streak: 't.streak',
    consecutive_road_games: formula('consecutive_road_games = length of the current away run, this game included; 0 at home', 'CASE WHEN t.is_home THEN 0 ELSE t.venue_run_length END'),
  });
  return `${withClause(ctes)}
SELECT
${columns}
FROM context AS t
LEFT JOIN context AS o ON o.game_id = t.game_id AND o.team_abbr = t.opponent_team_abbr
WHERE t.game_date BETWEEN ${start} AND ${end}`;
}

export const upcomingTeamGameContextProcessor: Processor = {table: upcomingTeamGameContext, select};
