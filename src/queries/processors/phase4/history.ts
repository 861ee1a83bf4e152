// Shared building blocks of the as-of tables: which input partitions a range may read, and
// "the last N games strictly before D" computed for a whole date range with window functions.
import type {DerivedTable} from '../../../catalog/types.js';
import type {Dialect} from '../../dialect.js';

/**
 * Days before start_date that reach back to the first game of start_date's season: an NBA
 * season (even the 2019-20 bubble season) spans fewer than 366 days, so 400 is conservative.
 */
export const SEASON_LOOKBACK_DAYS = 400;

/** As SEASON_LOOKBACK_DAYS, but reaching the first game of the previous season (≤ 2 × 366 days). */
export const TWO_SEASONS_LOOKBACK_DAYS = 800;

/**
 * The game_date filter every read of a derived table carries: BigQuery tables have
 * require_partition_filter, and it keeps scans to the partitions the range needs on both engines.
 * `lookbackDays` 0 reads the range itself (the catalog's 'date' dependencies).
 */
function partitionFilter(d: Dialect, lookbackDays: number): string {
  const start = d.param('start_date', 'DATE');
  const lower = lookbackDays === 0 ? start : d.dateSub(start, lookbackDays);
  return `game_date BETWEEN ${lower} AND ${d.param('end_date', 'DATE')}`;
}

/** `SELECT <columns> FROM <derived table> WHERE <partition filter>`: the only way phase 4 reads a derived table. */
export function readDerived(d: Dialect, table: DerivedTable, columns: readonly string[], lookbackDays: number): string {
  const list = columns.map((c) => d.ident(c)).join(', ');
  return `SELECT ${list} FROM ${d.table(table)} WHERE ${partitionFilter(d, lookbackDays)}`;
}

export interface HistorySpec {
  /** Entity columns besides season (e.g. ['team_abbr']); empty for league-wide figures. */
  readonly keys: readonly string[];
  /** A relation (CTE name) of the rows to compute history for: keys, season, game_date; one row per key and date. */
  readonly targets: string;
  /** A relation (CTE name) of past games: keys, season, game_date and the aggregated columns; one row per key and date. */
  readonly games: string;
  /** How many of the latest games count; 'season' for every game of the season so far. */
  readonly lastGames: number | 'season';
  /** Output column → aggregate over the games in the window, e.g. {sum_fga: 'SUM(fga)'}. */
  readonly aggregates: Readonly<Record<string, string>>;
}

/**
 * For each target (keys, season, game_date = D): `games_in_sample` (0 when none) and the
 * aggregates over the entity's last N games of the same season dated strictly before D
 * (NULL when none).
 *
 * Set-based without a range join: games get an ordinal within (keys, season) and rolling
 * aggregates over ROWS frames; targets are merged into the same ordered stream (before the
 * games of their own date, so that D's game is never counted) and the running count of games
 * before them is the ordinal of the last game they may see, which is then an equality join.
 */
export function lastGamesBefore(spec: HistorySpec): string {
  const partition = [...spec.keys, 'season'];
  const keyList = partition.join(', ');
  const frame = spec.lastGames === 'season' ? 'UNBOUNDED PRECEDING' : `${spec.lastGames - 1} PRECEDING`;
  const over = `OVER (PARTITION BY ${keyList} ORDER BY game_date ROWS BETWEEN ${frame} AND CURRENT ROW)`;
  const aggregates = Object.entries(spec.aggregates);
  const rolled = [
    `ROW_NUMBER() OVER (PARTITION BY ${keyList} ORDER BY game_date) AS ordinal`,
    `COUNT(*) ${over} AS games_in_sample`,
    ...aggregates.map(([alias, aggregate]) => `${aggregate} ${over} AS ${alias}`),
  ];
  const join = partition.map((k) => `rolled.${k} = stream.${k}`).join(' AND ');
  return `SELECT ${partition.map((k) => `stream.${k}`).join(', ')}, stream.game_date,
  COALESCE(rolled.games_in_sample, 0) AS games_in_sample${aggregates.map(([alias]) => `,\n  rolled.${alias} AS ${alias}`).join('')}
FROM (
  SELECT ${keyList}, game_date, is_game,
    SUM(is_game) OVER (PARTITION BY ${keyList} ORDER BY game_date, is_game ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS games_before
  FROM (
    SELECT ${keyList}, game_date, 0 AS is_game FROM ${spec.targets}
    UNION ALL
    SELECT ${keyList}, game_date, 1 AS is_game FROM ${spec.games}
  ) AS merged
) AS stream
LEFT JOIN (
  SELECT ${keyList},
    ${rolled.join(',\n    ')}
  FROM ${spec.games}
) AS rolled ON ${join} AND rolled.ordinal = stream.games_before
WHERE stream.is_game = 0`;
}
