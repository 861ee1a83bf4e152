// The box-score rows phase 3 summarises, shared by PGS, TOGS and TDGS so that team totals are
// the sum of the player rows by construction (SPEC §5 reconciles TOGS with PGS).
import {boxscoreTraditional, nbaSchedule, shotChart} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import {boxRowLabel, playedOrMalformed} from '../../minutes.js';
import {rangeBounds, withClause} from './project.js';

/** Zone counts of one shot-chart group: paint = restricted_area + paint, three = both 3-point zones. */
function zoneCounts(d: Dialect): string {
  const zone = d.ident('zone');
  const count = (zones: string, madeOnly: boolean) =>
    `SUM(CASE WHEN ${zone} IN (${zones})${madeOnly ? ' AND made' : ''} THEN 1 ELSE 0 END)`;
  const paint = `'restricted_area', 'paint'`;
  const mid = `'mid_range'`;
  const three = `'corner_3', 'above_break_3'`;
  return [
    `${count(paint, false)} AS paint_attempts`,
    `${count(paint, true)} AS paint_makes`,
    `${count(mid, false)} AS mid_range_attempts`,
    `${count(mid, true)} AS mid_range_makes`,
    `${count(three, false)} AS three_attempts`,
    `${count(three, true)} AS three_makes`,
  ].join(',\n    ');
}

export const ZONE_COLUMNS = ['paint_attempts', 'paint_makes', 'mid_range_attempts', 'mid_range_makes', 'three_attempts', 'three_makes'] as const;

/** Box columns summed per team, named as in the catalog. */
export const BOX_TOTAL_COLUMNS = [
  'points', 'fgm', 'fga', 'fg3m', 'fg3a', 'ftm', 'fta', 'offensive_rebounds', 'defensive_rebounds', 'rebounds',
  'assists', 'steals', 'blocks', 'turnovers', 'personal_fouls',
] as const;

/**
 * CTEs `final_games`, `player_zones`, `played`: one row per player with minutes > 0 in a Final
 * game dated in the range, with catalog column names, decimal `minutes_played`, the game's
 * context (season, opponent, home/away, both scores) and the player's zone counts (0 when he took
 * no shot).
 */
function playedRowsCtes(d: Dialect): Array<[string, string]> {
  const {start, end} = rangeBounds(d);
  const raw = `b.${d.ident('minutes')}`;
  // The parse (and its guard) in the projection, a filter that never raises in the WHERE: minutes.ts.
  const minutes = d.minutesToDecimal(raw, boxRowLabel('b'));
  const zero = (c: string) => `COALESCE(z.${c}, 0) AS ${c}`;
  return [
    ['final_games', `
  SELECT game_id, game_date, season, home_team_abbr, away_team_abbr, home_score, away_score
  FROM ${d.table(nbaSchedule)}
  WHERE game_status = 'Final' AND game_date BETWEEN ${start} AND ${end}`],
    ['player_zones', `
  SELECT game_id, player_lookup,
    ${zoneCounts(d)}
  FROM ${d.table(shotChart)}
  WHERE game_date BETWEEN ${start} AND ${end}
  GROUP BY game_id, player_lookup`],
    ['played', `
  SELECT
    g.game_date, g.game_id, g.season, b.team_abbr,
    b.team_abbr = g.home_team_abbr AS is_home,
    CASE WHEN b.team_abbr = g.home_team_abbr THEN g.away_team_abbr ELSE g.home_team_abbr END AS opponent_team_abbr,
    CASE WHEN b.team_abbr = g.home_team_abbr THEN g.home_score ELSE g.away_score END AS team_score,
    CASE WHEN b.team_abbr = g.home_team_abbr THEN g.away_score ELSE g.home_score END AS opponent_score,
    b.player_lookup, b.player_id, b.player_name, b.starter,
    ${minutes} AS minutes_played,
    b.points, b.fgm, b.fga, b.fg3m, b.fg3a, b.ftm, b.fta,
    b.oreb AS offensive_rebounds, b.dreb AS defensive_rebounds, b.reb AS rebounds, b.ast AS assists,
    b.stl AS steals, b.blk AS blocks, b.tov AS turnovers, b.pf AS personal_fouls, b.plus_minus,
    ${ZONE_COLUMNS.map(zero).join(', ')}
  FROM ${d.table(boxscoreTraditional)} AS b
  JOIN final_games AS g ON g.game_id = b.game_id
  LEFT JOIN player_zones AS z
    ON z.game_id = b.game_id AND z.player_lookup = b.player_lookup  -- a player shoots for one team per game
  WHERE b.game_date BETWEEN ${start} AND ${end}
    AND ${playedOrMalformed(d, raw)}`],
  ];
}

/**
 * CTE `team_totals` (after `playedRowsCtes`): one row per team-game, the sums of its played rows.
 * team_minutes = the players' minutes rounded to a multiple of 5 (240, 265 with one overtime...),
 * which absorbs the seconds lost by MM:SS rounding in the box score.
 * possessions = fga − oreb + tov + 0.44 · fta.
 */
function teamTotalsCte(): [string, string] {
  return ['team_totals', `
  SELECT game_date, game_id, season, team_abbr, opponent_team_abbr, is_home, team_score, opponent_score,
    ROUND(SUM(minutes_played) / 5) * 5 AS team_minutes,
    ${BOX_TOTAL_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')},
    ${ZONE_COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')},
    SUM(fga) - SUM(offensive_rebounds) + SUM(turnovers) + 0.44 * SUM(fta) AS possessions
  FROM played
  GROUP BY game_date, game_id, season, team_abbr, opponent_team_abbr, is_home, team_score, opponent_score`];
}

/** The statement of PGS, TOGS and TDGS: the played rows and team totals, then its columns and `from` (what it joins). */
export function boxScoreSelect(d: Dialect, columns: string, from: string): string {
  return `${withClause([...playedRowsCtes(d), teamTotalsCte()])}
SELECT
${columns}
${from}`;
}
