// Row counts per date against what the schedule and the rosters say the table must hold:
// PGS = player-games with minutes > 0; UPGC = rostered players of the teams playing;
// TOGS/TDGS/UTGC/TDZA = 2 per Final game; per-player phase 4 tables = UPGC's rows that date.
// Dates without rows are completeness's finding and are not repeated here.
import {boxscoreTraditional, nbaSchedule, teamRoster, upcomingPlayerGameContext} from '../../catalog/tables.js';
import type {DerivedTable} from '../../catalog/types.js';
import type {Dialect} from '../../queries/dialect.js';
import {minutesOrNull} from '../../queries/minutes.js';
import {rangePredicate} from '../../queries/write.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery} from '../failures.js';
import type {CheckResult} from '../types.js';
import {plural, type CheckContext} from './context.js';

interface Expectation {
  /** What one expected row is, for the message. */
  readonly basis: string;
  /** A SELECT of one row per expected row, with a game_date column, in the range. */
  readonly units: (d: Dialect) => string;
}

function teamGames(d: Dialect): string {
  const side = (column: string) =>
    `SELECT game_date, game_id, season, ${column} AS team_abbr FROM ${d.table(nbaSchedule)} WHERE game_status = 'Final' AND ${rangePredicate(d)}`;
  return `${side('home_team_abbr')}\n    UNION ALL\n    ${side('away_team_abbr')}`;
}

const TWO_PER_GAME: Expectation = {basis: '2 per Final game', units: (d) => `SELECT game_date FROM (${teamGames(d)}) AS team_games`};

const PER_UPGC_ROW: Expectation = {
  basis: "UPGC's rows that date",
  units: (d) => `SELECT game_date FROM ${d.table(upcomingPlayerGameContext)} WHERE ${rangePredicate(d)}`,
};

const EXPECTATIONS: Record<string, Expectation> = {
  player_game_summary: {
    basis: 'player-games with minutes > 0 in boxscore_traditional',
    units: (d) =>
      `SELECT game_date FROM ${d.table(boxscoreTraditional)} WHERE ${rangePredicate(d)} AND ${d.ident('minutes')} IS NOT NULL AND ${minutesOrNull(d, d.ident('minutes'))} > 0`,
  },
  team_offense_game_summary: TWO_PER_GAME,
  team_defense_game_summary: TWO_PER_GAME,
  upcoming_team_game_context: TWO_PER_GAME,
  team_defensive_zone_analytics: {...TWO_PER_GAME, basis: 'teams playing'},
  upcoming_player_game_context: {
    basis: 'rostered players of the teams playing',
    // A player is rostered on D when one of his stints of that season spans D (valid_to inclusive).
    units: (d) => `SELECT DISTINCT team_games.game_date, team_games.game_id, roster.player_lookup
    FROM (${teamGames(d)}) AS team_games
    JOIN ${d.table(teamRoster)} AS roster
      ON roster.team_abbr = team_games.team_abbr AND roster.season = team_games.season
      AND roster.valid_from <= team_games.game_date
      AND (roster.valid_to IS NULL OR roster.valid_to >= team_games.game_date)`,
  },
  player_shot_zone_analytics: PER_UPGC_ROW,
  player_defensive_context: PER_UPGC_ROW,
  player_composite_factors: PER_UPGC_ROW,
  ml_feature_store: PER_UPGC_ROW,
};

export function rowCounts(context: CheckContext, table: DerivedTable): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const expectation = EXPECTATIONS[table.name];
  if (!expectation) throw new Error(`no row-count expectation for ${table.name}`);
  return runFailureQuery(context.warehouse, {
    check: 'row_counts',
    table,
    params: context.params,
    with: `expected AS (
  SELECT game_date, COUNT(*) AS expected_rows FROM (
    ${expectation.units(d)}
  ) AS units GROUP BY game_date
),
actual AS (
  SELECT game_date, COUNT(*) AS actual_rows FROM ${d.table(table)} WHERE ${rangePredicate(d)} GROUP BY game_date
)`,
    bad: `  SELECT actual.game_date, COALESCE(expected.expected_rows, 0) AS expected_rows, actual.actual_rows
  FROM actual LEFT JOIN expected ON expected.game_date = actual.game_date
  WHERE actual.actual_rows <> COALESCE(expected.expected_rows, 0)`,
    order: [],
    describe: ({failures, dates, rows}) => {
      if (failures === 0) return `rows per date = ${expectation.basis}`;
      const first = rows[0];
      return `${plural(failures, 'date')} whose row count differs from ${expectation.basis}: ${shortDateList(dates, context.calendar)}` +
        ` (${first.game_date}: ${first.actual_rows} rows, expected ${first.expected_rows})`;
    },
  });
}
