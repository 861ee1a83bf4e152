// PSZA: for each player in UPGC on D, his shot diet and accuracy by zone over his last 20
// appearances before D this season.
import {playerGameSummary, playerShotZoneAnalytics, upcomingPlayerGameContext} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {lastGamesBefore, readDerived, SEASON_LOOKBACK_DAYS} from './history.js';

/** Appearances in a player's shooting sample. */
export const PSZA_LAST_GAMES = 20;

const ZONES = ['paint', 'mid_range', 'three'] as const;

function select(d: Dialect): string {
  return `WITH
targets AS (
  ${readDerived(d, upcomingPlayerGameContext, ['game_date', 'game_id', 'player_lookup', 'team_abbr', 'season'], 0)}
),
player_games AS (
  ${readDerived(d, playerGameSummary, ['player_lookup', 'season', 'game_date', 'fga', ...ZONES.flatMap((z) => [`${z}_attempts`, `${z}_makes`])], SEASON_LOOKBACK_DAYS)}
),
history AS (
${lastGamesBefore({
  keys: ['player_lookup'],
  targets: 'targets',
  games: 'player_games',
  lastGames: PSZA_LAST_GAMES,
  aggregates: {
    fga: 'SUM(fga)',
    ...Object.fromEntries(ZONES.flatMap((z) => [[`${z}_attempts`, `SUM(${z}_attempts)`], [`${z}_makes`, `SUM(${z}_makes)`]])),
  },
})}
)
SELECT
  targets.game_date, targets.game_id, targets.player_lookup, targets.team_abbr, targets.season,
  history.games_in_sample,
  ${d.safeDiv('history.fga', 'history.games_in_sample')} AS fga_per_game,
  ${ZONES.map((z) => `${d.safeDiv(`history.${z}_attempts`, 'history.fga')} AS ${z}_share`).join(',\n  ')},
  ${ZONES.map((z) => `${d.safeDiv(`history.${z}_makes`, `history.${z}_attempts`)} AS ${z}_fg_pct`).join(',\n  ')}
FROM targets
JOIN history
  ON history.player_lookup = targets.player_lookup AND history.season = targets.season AND history.game_date = targets.game_date`;
}

export const playerShotZoneAnalyticsProcessor: Processor = {table: playerShotZoneAnalytics, select};
