// Reconciliation: PGS holds exactly the player-games of boxscore_traditional with minutes > 0 and
// their box figures; TOGS equals the sum of PGS per team-game. Only dates the checked table covers
// are compared (a missing date is completeness's finding, not reported twice).
import {boxscoreTraditional, playerGameSummary, teamOffenseGameSummary} from '../../catalog/tables.js';
import type {Dialect} from '../../queries/dialect.js';
import {minutesOrNull} from '../../queries/minutes.js';
import {rangePredicate} from '../../queries/write.js';
import {anyDiffers, differenceText, type ComparedColumn} from '../compare.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery} from '../failures.js';
import type {CheckResult} from '../types.js';
import {plural, verb, type CheckContext} from './context.js';

/** PGS column → boxscore_traditional expression (`box` is the boxscore row). */
const PGS_FROM_BOX: Record<string, string> = {
  player_id: 'player_id', team_abbr: 'team_abbr', starter: 'starter',
  points: 'points', fgm: 'fgm', fga: 'fga', fg3m: 'fg3m', fg3a: 'fg3a', ftm: 'ftm', fta: 'fta',
  offensive_rebounds: 'oreb', defensive_rebounds: 'dreb', rebounds: 'reb', assists: 'ast',
  steals: 'stl', blocks: 'blk', turnovers: 'tov', personal_fouls: 'pf', plus_minus: 'plus_minus',
};

const PLAYER_GAME = ['game_date', 'game_id', 'player_lookup'];
const TEAM_GAME = ['game_date', 'game_id', 'team_abbr'];

/** One side of a reconciliation: its relation's name and what a row missing from the other side says. */
interface Side {
  readonly name: string;
  readonly onlyHere: string;
}

/**
 * The rows of `checked` and `against` that disagree on `keys`: a key on one side only, or a key on
 * both whose `columns` differ (the problem names each difference, `label` first).
 */
function disagreements(d: Dialect, keys: readonly string[], checked: Side, against: Side, columns: readonly ComparedColumn[], label: string, versus: string): string {
  const [a, b] = [checked.name, against.name];
  return `  SELECT ${keys.map((k) => `COALESCE(${a}.${k}, ${b}.${k}) AS ${k}`).join(', ')},
    CASE WHEN ${a}.game_id IS NULL THEN '${against.onlyHere}'
      WHEN ${b}.game_id IS NULL THEN '${checked.onlyHere}'
      ELSE CONCAT('${label}: ', ${differenceText(d, columns, versus)}) END AS problem
  FROM ${a} FULL OUTER JOIN ${b} ON ${keys.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ')}
  WHERE ${a}.game_id IS NULL OR ${b}.game_id IS NULL
    OR ${anyDiffers(columns)}`;
}

/** Malformed minutes compare as NULL here: they are raw_minutes's finding, and would fail PGS's batch. */
function minutesPlayed(d: Dialect, column: string): string {
  return minutesOrNull(d, column);
}

export function reconcileRaw(context: CheckContext): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const columns: ComparedColumn[] = [
    {name: 'minutes', left: `pgs.${d.ident('minutes')}`, right: `box.${d.ident('minutes')}`, float: true},
    ...Object.keys(PGS_FROM_BOX).map((c) => ({name: c, left: `pgs.${d.ident(c)}`, right: `box.${d.ident(c)}`})),
  ];
  const boxColumns = Object.entries(PGS_FROM_BOX).map(([pgs, box]) => `${d.ident(box)} AS ${d.ident(pgs)}`);
  return runFailureQuery(context.warehouse, {
    check: 'reconcile_raw',
    table: playerGameSummary,
    params: context.params,
    with: `pgs AS (
  SELECT * FROM ${d.table(playerGameSummary)} WHERE ${rangePredicate(d)}
),
pgs_dates AS (SELECT DISTINCT game_date FROM pgs),
box AS (
  SELECT game_date, game_id, player_lookup, ${minutesPlayed(d, d.ident('minutes'))} AS ${d.ident('minutes')}, ${boxColumns.join(', ')}
  FROM ${d.table(boxscoreTraditional)}
  WHERE ${rangePredicate(d)} AND ${d.ident('minutes')} IS NOT NULL AND ${minutesPlayed(d, d.ident('minutes'))} > 0
    AND game_date IN (SELECT game_date FROM pgs_dates)
)`,
    bad: disagreements(
      d, PLAYER_GAME,
      {name: 'pgs', onlyHere: 'PGS row has no player-game with minutes > 0 in boxscore_traditional'},
      {name: 'box', onlyHere: 'player-game with minutes > 0 in boxscore_traditional is missing from PGS'},
      columns, 'PGS vs boxscore_traditional', 'vs raw',
    ),
    order: PLAYER_GAME,
    describe: ({failures, dates}) =>
      failures === 0
        ? 'every PGS row matches boxscore_traditional (player-games with minutes > 0, box figures)'
        : `${plural(failures, 'player-game')} ${verb(failures, 'differs', 'differ')} from boxscore_traditional on ${shortDateList(dates, context.calendar)}`,
  });
}

/** The box and zone counts TOGS and PGS both carry: TOGS must be the sum of PGS's. */
export function teamSummedColumns(): string[] {
  const pgs = new Set(playerGameSummary.columns.filter((c) => c.type === 'INT64').map((c) => c.name));
  return teamOffenseGameSummary.columns.filter((c) => c.type === 'INT64' && pgs.has(c.name)).map((c) => c.name);
}

export function reconcileTeam(context: CheckContext): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const summed = teamSummedColumns();
  const columns: ComparedColumn[] = summed.map((c) => ({name: c, left: `togs.${d.ident(c)}`, right: `pgs_sum.${d.ident(c)}`}));
  return runFailureQuery(context.warehouse, {
    check: 'reconcile_team',
    table: teamOffenseGameSummary,
    params: context.params,
    with: `pgs AS (
  SELECT * FROM ${d.table(playerGameSummary)} WHERE ${rangePredicate(d)}
),
togs_all AS (
  SELECT * FROM ${d.table(teamOffenseGameSummary)} WHERE ${rangePredicate(d)}
),
both_dates AS (
  SELECT DISTINCT game_date FROM togs_all WHERE game_date IN (SELECT game_date FROM pgs)
),
togs AS (
  SELECT * FROM togs_all WHERE game_date IN (SELECT game_date FROM both_dates)
),
pgs_sum AS (
  SELECT game_date, game_id, team_abbr, ${summed.map((c) => `SUM(${d.ident(c)}) AS ${d.ident(c)}`).join(', ')}
  FROM pgs WHERE game_date IN (SELECT game_date FROM both_dates)
  GROUP BY game_date, game_id, team_abbr
)`,
    bad: disagreements(
      d, TEAM_GAME,
      {name: 'togs', onlyHere: 'TOGS team-game has no PGS rows'},
      {name: 'pgs_sum', onlyHere: 'team-game with PGS rows is missing from TOGS'},
      columns, 'TOGS vs sum of PGS', 'vs PGS',
    ),
    order: TEAM_GAME,
    describe: ({failures, dates}) =>
      failures === 0
        ? `every TOGS row equals the sum of PGS per team-game (${summed.length} columns)`
        : `${plural(failures, 'team-game')} of TOGS ${verb(failures, 'differs', 'differ')} from the sum of PGS on ${shortDateList(dates, context.calendar)}`,
  });
}
