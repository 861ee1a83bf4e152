// UPGC: one row per rostered player of each team playing a Final game on D (DNPs included), with
// his history strictly before D in the same season, across teams when traded.
//
// One query for any range, no loop over dates: each appearance (box row with minutes > 0) carries
// the running figures "after this appearance"; each target (player, D) counts the appearances
// before D, and an equi-join on that count picks the state after his last appearance before D.
// History follows player_id (the same person across teams; an integer key sorts and hashes
// faster than player_lookup in the windows).
import {boxscoreTraditional, teamRoster, upcomingPlayerGameContext} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import {boxRowLabel, playedOrMalformed} from '../../minutes.js';
import type {Processor} from '../../processor.js';
import {copied, formula, projectColumns, rangeBounds, withClause} from './project.js';
import {countSince7Days, teamGamesCtes} from './schedule-history.js';

/** The appearance itself (lag 0) and the six before it: the last seven appearance dates. */
const LAGS = [0, 1, 2, 3, 4, 5, 6];

function select(d: Dialect): string {
  const {start, end} = rangeBounds(d);
  const raw = `b.${d.ident('minutes')}`;
  // Parsed (and guarded) in the projection, filtered without raising: minutes.ts.
  const minutes = d.minutesToDecimal(raw, boxRowLabel('b'));
  const career = 'PARTITION BY player_id, season ORDER BY game_date, game_id';
  const last = (n: number) => `${career} ROWS BETWEEN ${n - 1} PRECEDING AND CURRENT ROW`;
  const soFar = `${career} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`;
  const ctes: Array<[string, string]> = [
    ...teamGamesCtes(d),
    // Every player whose stint on a team playing D covers D (valid_to inclusive, NULL = current).
    ['targets', `
  SELECT g.game_date, g.game_id, g.season, g.team_abbr, g.opponent_team_abbr, g.is_home,
    r.player_lookup, r.player_id, r.player_name
  FROM team_games AS g
  JOIN ${d.table(teamRoster)} AS r
    ON r.team_abbr = g.team_abbr AND r.season = g.season
    AND r.valid_from <= g.game_date AND (r.valid_to IS NULL OR r.valid_to >= g.game_date)
  WHERE g.game_date BETWEEN ${start} AND ${end}`],
    // Appearances before the range's end, in the seasons of the range (history never reads past D).
    ['appearances', `
  SELECT b.player_id, g.season, g.game_date, g.game_id, b.points, ${minutes} AS minutes_played
  FROM ${d.table(boxscoreTraditional)} AS b
  JOIN team_games AS g ON g.game_id = b.game_id AND g.team_abbr = b.team_abbr
  WHERE b.game_date < ${end} AND ${playedOrMalformed(d, raw)}`],
    ['appearance_state', `
  SELECT player_id, season,
    ROW_NUMBER() OVER (${career}) AS appearance_number,
    game_date AS appearance_date_0,
    ${LAGS.slice(1).map((k) => `LAG(game_date, ${k}) OVER (${career}) AS appearance_date_${k}`).join(',\n    ')},
    AVG(points) OVER (${soFar}) AS season_points_avg,
    AVG(points) OVER (${last(5)}) AS l5_points_avg,
    AVG(points) OVER (${last(10)}) AS l10_points_avg,
    AVG(minutes_played) OVER (${soFar}) AS season_minutes_avg,
    AVG(minutes_played) OVER (${last(5)}) AS l5_minutes_avg,
    minutes_played AS last_game_minutes
  FROM appearances`],
    // Targets sort before same-day appearances, so the running count is "appearances before D".
    ['markers', `
  SELECT player_id, season, game_date, game_id, 0 AS is_appearance FROM targets
  UNION ALL
  SELECT player_id, season, game_date, game_id, 1 AS is_appearance FROM appearances`],
    ['counted', `
  SELECT player_id, game_id, is_appearance,
    COUNT(CASE WHEN is_appearance = 1 THEN 1 END) OVER (PARTITION BY player_id, season ORDER BY game_date, is_appearance
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS appearances_before
  FROM markers`],
  ];
  const columns = projectColumns(d, upcomingPlayerGameContext, {
    ...copied('t', ['game_date', 'game_id', 'player_lookup', 'player_id', 'player_name', 'season', 'team_abbr', 'opponent_team_abbr', 'is_home']),
    days_rest: formula('days_rest = D − date of the previous appearance (NULL before the first)', d.daysBetween('s.appearance_date_0', 't.game_date')),
    is_back_to_back: formula('is_back_to_back = (days_rest = 1), false without a previous appearance', `CASE WHEN ${d.daysBetween('s.appearance_date_0', 't.game_date')} = 1 THEN TRUE ELSE FALSE END`),
    games_last_7_days: formula('games_last_7_days = appearances in [D − 7, D − 1]', countSince7Days(d, LAGS.map((k) => `s.appearance_date_${k}`), 't.game_date')),
    season_games_played: formula('season_games_played = appearances (minutes > 0) before D this season', 'c.appearances_before'),
    season_points_avg: formula('season_points_avg = mean points over those appearances', 's.season_points_avg'),
    l5_points_avg: formula('l5_points_avg = mean points over the last 5 of them', 's.l5_points_avg'),
    l10_points_avg: formula('l10_points_avg = mean points over the last 10 of them', 's.l10_points_avg'),
    season_minutes_avg: formula('season_minutes_avg = mean decimal minutes over those appearances', 's.season_minutes_avg'),
    l5_minutes_avg: formula('l5_minutes_avg = mean decimal minutes over the last 5', 's.l5_minutes_avg'),
    last_game_minutes: formula('last_game_minutes = decimal minutes of the previous appearance', 's.last_game_minutes'),
  });
  return `${withClause(ctes)}
SELECT
${columns}
FROM targets AS t
JOIN counted AS c
  ON c.is_appearance = 0 AND c.player_id = t.player_id AND c.game_id = t.game_id
LEFT JOIN appearance_state AS s
  ON s.player_id = t.player_id AND s.season = t.season AND s.appearance_number = c.appearances_before`;
}

export const upcomingPlayerGameContextProcessor: Processor = {table: upcomingPlayerGameContext, select};
