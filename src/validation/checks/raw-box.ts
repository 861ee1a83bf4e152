// Raw checks on boxscore_traditional for the range, one player-game per offending row, named by
// game, team and player: minutes that are not M:SS / MM:SS (the rule of queries/minutes.ts, which
// fails any batch reading such a row), negative counts, and makes above attempts.
import {boxscoreTraditional} from '../../catalog/tables.js';
import {malformedMinutes} from '../../queries/minutes.js';
import {rangePredicate} from '../../queries/write.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery, type Found} from '../failures.js';
import type {CheckResult} from '../types.js';
import {plural, type CheckContext} from './context.js';

const PLAYER_GAME = ['game_id', 'player_lookup'];

/** Counts that cannot be negative (plus_minus can). */
export const COUNT_COLUMNS = ['points', 'fgm', 'fga', 'fg3m', 'fg3a', 'ftm', 'fta', 'oreb', 'dreb', 'reb', 'ast', 'stl', 'blk', 'tov', 'pf'] as const;

/** made ≤ attempted, and threes are field goals. */
export const SHOOTING_ORDER: readonly (readonly [string, string])[] = [
  ['fgm', 'fga'],
  ['fg3m', 'fgm'],
  ['fg3m', 'fg3a'],
  ['fg3a', 'fga'],
  ['ftm', 'fta'],
];

/** `game 0022100001 (BOS) player aaronalpha` for the first sample row. */
function firstPlayerGame(found: Found, extra: (row: Found['rows'][number]) => string): string {
  const row = found.rows[0];
  return `first: game ${row.game_id} (${row.team_abbr}) player ${row.player_lookup}${extra(row)}`;
}

function describe(context: CheckContext, what: string, passed: string, extra: (row: Found['rows'][number]) => string) {
  return (found: Found) =>
    found.failures === 0
      ? passed
      : `${plural(found.failures, 'player-game')} in boxscore_traditional with ${what} on ${shortDateList(found.dates, context.calendar)} (${firstPlayerGame(found, extra)})`;
}

export function rawMinutes(context: CheckContext): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const minutes = d.ident('minutes');
  return runFailureQuery(context.warehouse, {
    check: 'raw_minutes',
    table: boxscoreTraditional,
    params: context.params,
    bad: `  SELECT game_date, game_id, team_abbr, player_lookup, ${minutes}
  FROM ${d.table(boxscoreTraditional)}
  WHERE ${rangePredicate(d)} AND ${malformedMinutes(d, minutes)}`,
    order: PLAYER_GAME,
    describe: describe(context, 'minutes that are not M:SS or MM:SS', 'every minutes value is M:SS or MM:SS (or NULL for a DNP)', (r) => `, minutes '${r.minutes}'`),
  });
}

export function rawNegative(context: CheckContext): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const which = COUNT_COLUMNS.map((c) => `CASE WHEN ${c} < 0 THEN ${d.literal(`${c} `)} ELSE '' END`).join(', ');
  return runFailureQuery(context.warehouse, {
    check: 'raw_negative',
    table: boxscoreTraditional,
    params: context.params,
    bad: `  SELECT game_date, game_id, team_abbr, player_lookup, TRIM(CONCAT(${which})) AS negative_columns
  FROM ${d.table(boxscoreTraditional)}
  WHERE ${rangePredicate(d)} AND (${COUNT_COLUMNS.map((c) => `${c} < 0`).join(' OR ')})`,
    order: PLAYER_GAME,
    describe: describe(context, 'negative counts', `no negative count (${COUNT_COLUMNS.length} columns)`, (r) => `: ${r.negative_columns}`),
  });
}

export function rawShooting(context: CheckContext): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const text = (c: string) => `CAST(${c} AS ${d.columnType('STRING')})`;
  const problems = SHOOTING_ORDER.map(
    ([made, attempted]) => `CASE WHEN ${made} > ${attempted} THEN CONCAT(${d.literal(`${made} `)}, ${text(made)}, ${d.literal(` > ${attempted} `)}, ${text(attempted)}, '; ') ELSE '' END`,
  );
  return runFailureQuery(context.warehouse, {
    check: 'raw_shooting',
    table: boxscoreTraditional,
    params: context.params,
    bad: `  SELECT game_date, game_id, team_abbr, player_lookup, CONCAT(${problems.join(', ')}) AS problem
  FROM ${d.table(boxscoreTraditional)}
  WHERE ${rangePredicate(d)} AND (${SHOOTING_ORDER.map(([made, attempted]) => `${made} > ${attempted}`).join(' OR ')})`,
    order: PLAYER_GAME,
    describe: describe(context, 'more makes than attempts', `makes never above attempts (${SHOOTING_ORDER.map(([m, a]) => `${m} <= ${a}`).join(', ')})`, (r) => `: ${String(r.problem).replace(/; $/, '')}`),
  });
}
