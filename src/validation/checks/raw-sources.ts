// Raw checks across sources for the range: the shot chart against the box score per player-game
// (shot rows = fga, made = fgm, 3-point zones = fg3a / fg3m; SPEC §2's invariants), and Final games
// in the schedule without both scores. Then the list every validate and preflight runs.
import {boxscoreTraditional, nbaSchedule, shotChart} from '../../catalog/tables.js';
import {rangePredicate} from '../../queries/write.js';
import {anyDiffers, differenceText, type ComparedColumn} from '../compare.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery} from '../failures.js';
import type {CheckName, CheckResult} from '../types.js';
import {plural, type CheckContext} from './context.js';
import {rawMinutes, rawNegative, rawShooting} from './raw-box.js';

export function rawShotChart(context: CheckContext): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const zone = d.ident('zone');
  const three = `${zone} IN ('corner_3', 'above_break_3')`;
  const compared: ComparedColumn[] = [
    {name: 'fga', left: 'COALESCE(box.fga, 0)', right: 'COALESCE(shots.attempts, 0)'},
    {name: 'fgm', left: 'COALESCE(box.fgm, 0)', right: 'COALESCE(shots.makes, 0)'},
    {name: 'fg3a', left: 'COALESCE(box.fg3a, 0)', right: 'COALESCE(shots.three_attempts, 0)'},
    {name: 'fg3m', left: 'COALESCE(box.fg3m, 0)', right: 'COALESCE(shots.three_makes, 0)'},
  ];
  return runFailureQuery(context.warehouse, {
    check: 'raw_shot_chart',
    table: shotChart,
    params: context.params,
    with: `shots AS (
  SELECT game_id, player_lookup, MIN(game_date) AS game_date, MIN(team_abbr) AS team_abbr, COUNT(*) AS attempts,
    SUM(CASE WHEN made THEN 1 ELSE 0 END) AS makes,
    SUM(CASE WHEN ${three} THEN 1 ELSE 0 END) AS three_attempts,
    SUM(CASE WHEN ${three} AND made THEN 1 ELSE 0 END) AS three_makes
  FROM ${d.table(shotChart)} WHERE ${rangePredicate(d)}
  GROUP BY game_id, player_lookup
),
box AS (
  SELECT game_date, game_id, team_abbr, player_lookup, fga, fgm, fg3a, fg3m FROM ${d.table(boxscoreTraditional)} WHERE ${rangePredicate(d)}
)`,
    bad: `  SELECT COALESCE(box.game_date, shots.game_date) AS game_date, COALESCE(box.game_id, shots.game_id) AS game_id,
    COALESCE(box.team_abbr, shots.team_abbr) AS team_abbr, COALESCE(box.player_lookup, shots.player_lookup) AS player_lookup,
    CASE WHEN box.game_id IS NULL THEN 'shot_chart rows for a player-game without a boxscore_traditional line'
      ELSE CONCAT('boxscore_traditional vs shot_chart: ', ${differenceText(d, compared, 'vs shot rows')}) END AS problem
  FROM box FULL OUTER JOIN shots ON shots.game_id = box.game_id AND shots.player_lookup = box.player_lookup
  WHERE box.game_id IS NULL OR ${anyDiffers(compared)}`,
    order: ['game_id', 'player_lookup'],
    describe: ({failures, dates, rows}) =>
      failures === 0
        ? 'shot_chart agrees with boxscore_traditional per player-game (shots = fga, made = fgm, 3-point zones = fg3a, fg3m)'
        : `${plural(failures, 'player-game')} where shot_chart and boxscore_traditional disagree on ${shortDateList(dates, context.calendar)}` +
          ` (first: game ${rows[0].game_id} (${rows[0].team_abbr}) player ${rows[0].player_lookup}: ${String(rows[0].problem).replace(/; $/, '')})`,
  });
}

export function rawScores(context: CheckContext): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  return runFailureQuery(context.warehouse, {
    check: 'raw_scores',
    table: nbaSchedule,
    params: context.params,
    bad: `  SELECT game_date, game_id, home_team_abbr, away_team_abbr, home_score, away_score
  FROM ${d.table(nbaSchedule)}
  WHERE ${rangePredicate(d)} AND game_status = 'Final' AND (home_score IS NULL OR away_score IS NULL)`,
    order: ['game_id'],
    describe: ({failures, dates, rows}) =>
      failures === 0
        ? 'every Final game has both scores'
        : `${plural(failures, 'Final game')} without both scores in nba_schedule on ${shortDateList(dates, context.calendar)}` +
          ` (first: game ${rows[0].game_id} ${rows[0].home_team_abbr} ${rows[0].home_score ?? 'NULL'} - ${rows[0].away_team_abbr} ${rows[0].away_score ?? 'NULL'})`,
  });
}

/** The raw checks, in the order they are reported. */
export const RAW_CHECKS: readonly CheckName[] = ['raw_minutes', 'raw_negative', 'raw_shooting', 'raw_shot_chart', 'raw_scores'];

const RUN: Readonly<Record<string, (context: CheckContext) => Promise<CheckResult>>> = {
  raw_minutes: rawMinutes,
  raw_negative: rawNegative,
  raw_shooting: rawShooting,
  raw_shot_chart: rawShotChart,
  raw_scores: rawScores,
};

/** One deferred run per raw check, for validate's progress and preflight. */
export function rawChecks(context: CheckContext): (() => Promise<CheckResult>)[] {
  return RAW_CHECKS.map((name) => () => RUN[name](context));
}
