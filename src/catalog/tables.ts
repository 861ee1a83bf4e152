// The one list of every table of the warehouse (SPEC §2). Everything else derives from it:
// the planner (dependencies, lookback), the grid (derived tables by phase), the DDL of both
// engines, validation (keys, critical columns) and the demo generator (source columns).
import {BOOKKEEPING_TABLES} from './bookkeeping.js';
import {cols} from './columns.js';
import {dependenciesOf} from './reads.js';
import type {Column, DerivedTable, SourceTable, Table} from './types.js';

/** Every derived row says when and by which run it was written. */
const LINEAGE: Column[] = [
  {name: 'processed_at', type: 'TIMESTAMP', doc: 'when the batch that wrote this row ran'},
  {name: 'run_id', type: 'STRING', doc: 'the run that wrote this row'},
];

const BOX_TOTALS = 'points fgm fga fg3m fg3a ftm fta offensive_rebounds defensive_rebounds rebounds assists steals blocks turnovers personal_fouls';
const ZONE_COUNTS = 'paint_attempts paint_makes mid_range_attempts mid_range_makes three_attempts three_makes';

// ---------------------------------------------------------------- sources

export const nbaSchedule: SourceTable = {
  kind: 'source',
  name: 'nba_schedule',
  dataset: 'nba_orchestration',
  doc: 'one row per game; a game date is a date with at least one Final game',
  key: ['game_id'],
  columns: [
    {name: 'game_id', type: 'STRING', doc: '0022100001: 002 regular, 004 playoffs, 005 play-in; 21 = season start year'},
    {name: 'game_date', type: 'DATE'},
    {name: 'season', type: 'STRING', doc: '2021-22'},
    {name: 'season_type', type: 'STRING', doc: 'Regular Season | Play-In | Playoffs'},
    ...cols('STRING', 'home_team_abbr away_team_abbr'),
    {name: 'game_status', type: 'STRING', doc: 'Final | Postponed | Scheduled'},
    ...cols('INT64', 'home_score away_score'),
  ],
};

export const teamRoster: SourceTable = {
  kind: 'source',
  name: 'team_roster',
  dataset: 'nba_raw',
  doc: 'one row per player stint on a team; valid_to is the last day of the stint (inclusive), NULL while current',
  key: ['season', 'team_abbr', 'player_id', 'valid_from'],
  columns: [
    ...cols('STRING', 'season team_abbr'),
    {name: 'player_id', type: 'INT64'},
    ...cols('STRING', 'player_lookup player_name position'),
    ...cols('DATE', 'valid_from valid_to'),
  ],
};

export const boxscoreTraditional: SourceTable = {
  kind: 'source',
  name: 'boxscore_traditional',
  dataset: 'nba_raw',
  doc: 'one row per player per game, DNPs included (minutes NULL, dnp_reason set)',
  key: ['game_id', 'player_id'],
  columns: [
    {name: 'game_id', type: 'STRING'},
    {name: 'game_date', type: 'DATE'},
    {name: 'team_abbr', type: 'STRING'},
    {name: 'player_id', type: 'INT64'},
    ...cols('STRING', 'player_name player_lookup'),
    {name: 'starter', type: 'BOOL'},
    {name: 'minutes', type: 'STRING', doc: 'MM:SS, NULL when DNP'},
    {name: 'dnp_reason', type: 'STRING'},
    ...cols('INT64', 'points fgm fga fg3m fg3a ftm fta oreb dreb reb ast stl blk tov pf plus_minus'),
  ],
};

export const shotChart: SourceTable = {
  kind: 'source',
  name: 'shot_chart',
  dataset: 'nba_raw',
  doc: 'one row per field-goal attempt',
  key: ['game_id', 'shot_number'],
  columns: [
    {name: 'game_id', type: 'STRING'},
    {name: 'game_date', type: 'DATE'},
    {name: 'shot_number', type: 'INT64', doc: 'order of the attempt within the game'},
    ...cols('STRING', 'team_abbr player_lookup'),
    {name: 'period', type: 'INT64'},
    {name: 'zone', type: 'STRING', doc: 'restricted_area | paint | mid_range | corner_3 | above_break_3'},
    {name: 'shot_distance_ft', type: 'INT64'},
    {name: 'made', type: 'BOOL'},
  ],
};

// ---------------------------------------------------------------- phase 3: nba_analytics

export const playerGameSummary: DerivedTable = {
  kind: 'derived',
  name: 'player_game_summary',
  short: 'PGS',
  phase: 3,
  dataset: 'nba_analytics',
  doc: 'one row per player with minutes > 0 per game',
  key: ['game_date', 'game_id', 'player_lookup'],
  critical: ['game_date', 'game_id', 'player_lookup', 'team_abbr', 'opponent_team_abbr', 'minutes', 'points', 'rebounds', 'assists'],
  dependsOn: dependenciesOf('player_game_summary'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id player_lookup'),
    {name: 'player_id', type: 'INT64'},
    ...cols('STRING', 'player_name season team_abbr opponent_team_abbr'),
    ...cols('BOOL', 'is_home starter'),
    {name: 'minutes', type: 'FLOAT64', doc: 'decimal minutes: 31:30 → 31.5'},
    ...cols('INT64', `${BOX_TOTALS} plus_minus`),
    {name: 'ts_pct', type: 'FLOAT64', doc: 'points / (2 · (fga + 0.44 · fta))'},
    {name: 'efg_pct', type: 'FLOAT64', doc: '(fgm + 0.5 · fg3m) / fga'},
    {name: 'usage_rate', type: 'FLOAT64', doc: '100 · (fga + 0.44 · fta + tov) · (team minutes / 5) / (minutes · team (fga + 0.44 · fta + tov))'},
    ...cols('INT64', ZONE_COUNTS),
    ...LINEAGE,
  ],
};

export const teamOffenseGameSummary: DerivedTable = {
  kind: 'derived',
  name: 'team_offense_game_summary',
  short: 'TOGS',
  phase: 3,
  dataset: 'nba_analytics',
  doc: 'one row per team per game: its box totals and offensive efficiency',
  key: ['game_date', 'game_id', 'team_abbr'],
  critical: ['game_date', 'game_id', 'team_abbr', 'opponent_team_abbr', 'points', 'possessions', 'offensive_rating', 'pace'],
  dependsOn: dependenciesOf('team_offense_game_summary'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id team_abbr opponent_team_abbr season'),
    ...cols('BOOL', 'is_home win'),
    {name: 'margin', type: 'INT64'},
    {name: 'team_minutes', type: 'FLOAT64', doc: '240 plus 25 per overtime'},
    ...cols('INT64', BOX_TOTALS),
    {name: 'possessions', type: 'FLOAT64', doc: 'fga − oreb + tov + 0.44 · fta'},
    {name: 'offensive_rating', type: 'FLOAT64', doc: '100 · points / possessions'},
    {name: 'pace', type: 'FLOAT64', doc: '48 · (possessions + opponent possessions) / 2 / (team_minutes / 5)'},
    ...cols('FLOAT64', 'efg_pct ft_rate three_rate'),
    ...cols('INT64', ZONE_COUNTS),
    ...LINEAGE,
  ],
};

export const teamDefenseGameSummary: DerivedTable = {
  kind: 'derived',
  name: 'team_defense_game_summary',
  short: 'TDGS',
  phase: 3,
  dataset: 'nba_analytics',
  doc: 'one row per team per game: what its opponent did against it',
  key: ['game_date', 'game_id', 'team_abbr'],
  critical: ['game_date', 'game_id', 'team_abbr', 'opponent_team_abbr', 'points_allowed', 'defensive_rating', 'pace'],
  dependsOn: dependenciesOf('team_defense_game_summary'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id team_abbr opponent_team_abbr season'),
    {name: 'is_home', type: 'BOOL'},
    ...cols('INT64', 'points_allowed opp_fgm opp_fga opp_fg3m opp_fg3a opp_ftm opp_fta'),
    {name: 'opp_efg_pct', type: 'FLOAT64'},
    {name: 'opp_possessions', type: 'FLOAT64'},
    {name: 'defensive_rating', type: 'FLOAT64', doc: '100 · points_allowed / opponent possessions'},
    {name: 'pace', type: 'FLOAT64'},
    ...cols('INT64', 'steals blocks forced_turnovers defensive_rebounds'),
    ...cols('INT64', 'opp_paint_attempts opp_paint_makes opp_mid_range_attempts opp_mid_range_makes opp_three_attempts opp_three_makes'),
    ...LINEAGE,
  ],
};

export const upcomingPlayerGameContext: DerivedTable = {
  kind: 'derived',
  name: 'upcoming_player_game_context',
  short: 'UPGC',
  phase: 3,
  dataset: 'nba_analytics',
  doc: 'one row per rostered player of each team playing on the date (DNPs included); history strictly before the date, same season',
  key: ['game_date', 'game_id', 'player_lookup'],
  critical: ['game_date', 'game_id', 'player_lookup', 'team_abbr', 'opponent_team_abbr', 'is_home', 'is_back_to_back', 'games_last_7_days', 'season_games_played'],
  dependsOn: dependenciesOf('upcoming_player_game_context'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id player_lookup'),
    {name: 'player_id', type: 'INT64'},
    ...cols('STRING', 'player_name season team_abbr opponent_team_abbr'),
    {name: 'is_home', type: 'BOOL'},
    {name: 'days_rest', type: 'INT64', doc: 'days since the previous appearance this season; NULL before the first'},
    {name: 'is_back_to_back', type: 'BOOL', doc: 'previous appearance was the day before'},
    {name: 'games_last_7_days', type: 'INT64', doc: 'appearances in [D−7, D−1]'},
    {name: 'season_games_played', type: 'INT64', doc: 'appearances (minutes > 0) before D this season'},
    ...cols('FLOAT64', 'season_points_avg l5_points_avg l10_points_avg season_minutes_avg l5_minutes_avg last_game_minutes'),
    ...LINEAGE,
  ],
};

export const upcomingTeamGameContext: DerivedTable = {
  kind: 'derived',
  name: 'upcoming_team_game_context',
  short: 'UTGC',
  phase: 3,
  dataset: 'nba_analytics',
  doc: 'one row per team playing on the date; schedule history strictly before the date, same season',
  key: ['game_date', 'game_id', 'team_abbr'],
  critical: ['game_date', 'game_id', 'team_abbr', 'opponent_team_abbr', 'is_home', 'is_back_to_back', 'games_last_7_days', 'season_wins', 'season_losses', 'consecutive_road_games'],
  dependsOn: dependenciesOf('upcoming_team_game_context'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id team_abbr opponent_team_abbr season'),
    {name: 'is_home', type: 'BOOL'},
    {name: 'days_rest', type: 'INT64', doc: "days since the team's previous Final game this season; NULL for its first"},
    {name: 'is_back_to_back', type: 'BOOL'},
    {name: 'opponent_days_rest', type: 'INT64'},
    {name: 'rest_advantage', type: 'INT64', doc: 'days_rest − opponent_days_rest'},
    ...cols('INT64', 'games_last_7_days season_wins season_losses'),
    {name: 'win_pct', type: 'FLOAT64'},
    {name: 'l10_wins', type: 'INT64'},
    {name: 'streak', type: 'INT64', doc: '+n after n straight wins, −n after n straight losses, 0 before the first game'},
    {name: 'consecutive_road_games', type: 'INT64', doc: 'road games in a row including this one when it is away; 0 at home'},
    ...LINEAGE,
  ],
};

// ---------------------------------------------------------------- phase 4: nba_precompute

export const teamDefensiveZoneAnalytics: DerivedTable = {
  kind: 'derived',
  name: 'team_defensive_zone_analytics',
  short: 'TDZA',
  phase: 4,
  dataset: 'nba_precompute',
  doc: "per team playing on D: its last 15 games before D this season, zone by zone, against the league's season-to-date figure",
  key: ['game_date', 'team_abbr'],
  critical: ['game_date', 'game_id', 'team_abbr', 'games_in_sample'],
  dependsOn: dependenciesOf('team_defensive_zone_analytics'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id team_abbr season'),
    {name: 'games_in_sample', type: 'INT64'},
    ...cols('FLOAT64', 'opp_paint_fg_pct opp_mid_range_fg_pct opp_three_fg_pct'),
    ...cols('FLOAT64', 'opp_paint_attempts_pg opp_mid_range_attempts_pg opp_three_attempts_pg'),
    ...cols('FLOAT64', 'def_rating_avg pace_avg'),
    ...cols('FLOAT64', 'paint_fg_pct_vs_league mid_range_fg_pct_vs_league three_fg_pct_vs_league'),
    ...LINEAGE,
  ],
};

export const playerShotZoneAnalytics: DerivedTable = {
  kind: 'derived',
  name: 'player_shot_zone_analytics',
  short: 'PSZA',
  phase: 4,
  dataset: 'nba_precompute',
  doc: 'per player in UPGC on D: his last 20 games before D this season, zone shares and FG%',
  key: ['game_date', 'player_lookup'],
  critical: ['game_date', 'game_id', 'player_lookup', 'games_in_sample'],
  dependsOn: dependenciesOf('player_shot_zone_analytics'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id player_lookup team_abbr season'),
    {name: 'games_in_sample', type: 'INT64'},
    {name: 'fga_per_game', type: 'FLOAT64'},
    ...cols('FLOAT64', 'paint_share mid_range_share three_share'),
    ...cols('FLOAT64', 'paint_fg_pct mid_range_fg_pct three_fg_pct'),
    ...LINEAGE,
  ],
};

export const playerDefensiveContext: DerivedTable = {
  kind: 'derived',
  name: 'player_defensive_context',
  short: 'PDC',
  phase: 4,
  dataset: 'nba_precompute',
  doc: "per player in UPGC on D: the opponent's TDZA profile on D",
  key: ['game_date', 'player_lookup'],
  critical: ['game_date', 'game_id', 'player_lookup', 'team_abbr', 'opponent_team_abbr', 'opp_games_in_sample'],
  dependsOn: dependenciesOf('player_defensive_context'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id player_lookup team_abbr opponent_team_abbr'),
    {name: 'opp_games_in_sample', type: 'INT64'},
    ...cols('FLOAT64', 'opp_def_rating_avg opp_pace_avg'),
    ...cols('FLOAT64', 'opp_paint_fg_pct_vs_league opp_mid_range_fg_pct_vs_league opp_three_fg_pct_vs_league'),
    ...LINEAGE,
  ],
};

export const playerCompositeFactors: DerivedTable = {
  kind: 'derived',
  name: 'player_composite_factors',
  short: 'PCF',
  phase: 4,
  dataset: 'nba_precompute',
  doc: 'per player in UPGC on D: matchup, fatigue, pace and usage factors and their composite',
  key: ['game_date', 'player_lookup'],
  critical: ['game_date', 'game_id', 'player_lookup', 'shot_zone_matchup', 'fatigue_factor', 'pace_factor', 'usage_trend', 'composite_adjustment'],
  dependsOn: dependenciesOf('player_composite_factors'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id player_lookup team_abbr'),
    ...cols('FLOAT64', 'shot_zone_matchup fatigue_factor pace_factor usage_trend composite_adjustment'),
    ...LINEAGE,
  ],
};

/** Bumped whenever a feature's definition changes, so models can tell training sets apart. */
export const FEATURE_VERSION = 'v1';

export const mlFeatureStore: DerivedTable = {
  kind: 'derived',
  name: 'ml_feature_store',
  short: 'MLFS',
  phase: 4,
  dataset: 'nba_precompute',
  doc: 'per player in UPGC on D: the model features (all from before D) and the targets (from D)',
  key: ['game_date', 'player_lookup'],
  critical: ['game_date', 'game_id', 'player_lookup', 'team_abbr', 'opponent_team_abbr', 'feature_version', 'season_ppg', 'season_ppg_source'],
  dependsOn: dependenciesOf('ml_feature_store'),
  columns: [
    {name: 'game_date', type: 'DATE'},
    ...cols('STRING', 'game_id player_lookup'),
    {name: 'player_id', type: 'INT64'},
    ...cols('STRING', 'team_abbr opponent_team_abbr season feature_version'),
    // features: player form
    {name: 'season_ppg', type: 'FLOAT64', doc: 'season points average before D; else previous season; else rookie default'},
    {name: 'season_ppg_source', type: 'STRING', doc: 'current_season | previous_season | rookie_default'},
    ...cols('FLOAT64', 'l5_points_avg l10_points_avg season_minutes_avg l5_minutes_avg last_game_minutes'),
    {name: 'season_games_played', type: 'INT64'},
    // features: schedule and rest
    {name: 'is_home', type: 'BOOL'},
    {name: 'days_rest', type: 'INT64'},
    {name: 'is_back_to_back', type: 'BOOL'},
    {name: 'games_last_7_days', type: 'INT64'},
    ...cols('INT64', 'team_days_rest opponent_days_rest rest_advantage'),
    {name: 'team_win_pct', type: 'FLOAT64'},
    {name: 'team_streak', type: 'INT64'},
    // features: shooting profile and matchup
    ...cols('FLOAT64', 'fga_per_game paint_share mid_range_share three_share paint_fg_pct mid_range_fg_pct three_fg_pct'),
    ...cols('FLOAT64', 'opp_def_rating_avg opp_pace_avg opp_paint_fg_pct_vs_league opp_three_fg_pct_vs_league'),
    ...cols('FLOAT64', 'shot_zone_matchup fatigue_factor pace_factor usage_trend composite_adjustment'),
    // targets: from D itself, NULL when the player did not play
    ...cols('FLOAT64', 'target_points target_minutes'),
    ...LINEAGE,
  ],
};

export const SOURCE_TABLES: readonly SourceTable[] = [nbaSchedule, teamRoster, boxscoreTraditional, shotChart];

/** In dependency order: every table comes after the tables it depends on. */
export const DERIVED_TABLES: readonly DerivedTable[] = [
  playerGameSummary,
  teamOffenseGameSummary,
  teamDefenseGameSummary,
  upcomingPlayerGameContext,
  upcomingTeamGameContext,
  teamDefensiveZoneAnalytics,
  playerShotZoneAnalytics,
  playerDefensiveContext,
  playerCompositeFactors,
  mlFeatureStore,
];

export const ALL_TABLES: readonly Table[] = [...SOURCE_TABLES, ...DERIVED_TABLES, ...BOOKKEEPING_TABLES];
