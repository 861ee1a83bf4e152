// The schedule seen one team at a time, for the context tables (UPGC, UTGC) that look back over
// the season: history is read from the first game of each season the range touches up to the
// range's end, and never after it.
import {nbaSchedule} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import {rangeBounds} from './project.js';

/**
 * CTEs `range_seasons` (seasons with a Final game in the range) and `team_games`: one row per team
 * per Final game of those seasons dated on or before the range's end, with opponent, is_home and
 * won (1/0 from the official score).
 */
export function teamGamesCtes(d: Dialect): Array<[string, string]> {
  const {start, end} = rangeBounds(d);
  const side = (team: string, opponent: string, isHome: string, teamScore: string, opponentScore: string) => `
  SELECT game_id, game_date, season, ${team} AS team_abbr, ${opponent} AS opponent_team_abbr, ${isHome} AS is_home,
    CASE WHEN ${teamScore} > ${opponentScore} THEN 1 ELSE 0 END AS won
  FROM ${d.table(nbaSchedule)}
  WHERE game_status = 'Final' AND game_date <= ${end} AND season IN (SELECT season FROM range_seasons)`;
  return [
    ['range_seasons', `
  SELECT DISTINCT season FROM ${d.table(nbaSchedule)}
  WHERE game_status = 'Final' AND game_date BETWEEN ${start} AND ${end}`],
    ['team_games', `${side('home_team_abbr', 'away_team_abbr', 'TRUE', 'home_score', 'away_score')}
  UNION ALL${side('away_team_abbr', 'home_team_abbr', 'FALSE', 'away_score', 'home_score')}`],
  ];
}

/**
 * Appearances (or games) within [D − 7, D − 1], given the dates of the last seven before D as
 * `<prefix>1` … `<prefix>7`: at most one per day, so the seven latest hold every one of them.
 * games_last_7_days = Σₖ [previous_date_k ≥ D − 7]
 */
export function countSince7Days(d: Dialect, dateColumns: readonly string[], gameDate: string): string {
  const weekAgo = d.dateSub(gameDate, 7);
  return dateColumns.map((c) => `CASE WHEN ${c} >= ${weekAgo} THEN 1 ELSE 0 END`).join(' + ');
}
