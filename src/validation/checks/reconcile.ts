// Reconciliation: PGS holds exactly the player-games of boxscore_traditional with minutes > 0 and
// their box figures; TOGS equals the sum of PGS per team-game. Only dates the checked table covers
// are compared (a missing date is completeness's finding, not reported twice).
import {boxscoreTraditional, playerGameSummary, teamOffenseGameSummary} from '../../catalog/tables.js';
import type {DerivedTable} from '../../catalog/types.js';
import type {Dialect} from '../../queries/dialect.js';
import {minutesOrNull} from '../../queries/minutes.js';
import {rangePredicate} from '../../queries/write.js';
import {anyDiffers, differenceText, type ComparedColumn} from '../compare.js';
import {shortDateList} from '../dateRuns.js';
import {runFailureQuery} from '../failures.js';
import type {CheckName, CheckResult} from '../types.js';
import {plural, verb, type CheckContext} from './context.js';

/** PGS column → boxscore_traditional expression (`box` is the boxscore row). */
const PGS_FROM_BOX: Record<string, string> = {
  player_id: 'player_id', team_abbr: 'team_abbr', starter: 'starter',
  points: 'points', fgm: 'fgm', fga: 'fga', fg3m: 'fg3m', fg3a: 'fg3a', ftm: 'ftm', fta: 'fta',
  offensive_rebounds: 'oreb', defensive_rebounds: 'dreb', rebounds: 'reb', assists: 'ast',
  steals: 'stl', blocks: 'blk', turnovers: 'tov', personal_fouls: 'pf', plus_minus: 'plus_minus',
};

/** A grain both sides are joined on, and what one of its rows is called in the messages. */
interface Grain {
  readonly keys: readonly string[];
  readonly unit: string;
}

const PLAYER_GAME: Grain = {keys: ['game_date', 'game_id', 'player_lookup'], unit: 'player-game'};
const TEAM_GAME: Grain = {keys: ['game_date', 'game_id', 'team_abbr'], unit: 'team-game'};

/** One side of a reconciliation: its relation's name and what a row missing from the other side says. */
interface Side {
  readonly name: string;
  readonly onlyHere: string;
}

/** A reconciliation check: `with` defines both sides' relations, compared row by row on `grain`. */
interface Reconciliation {
  readonly check: CheckName;
  readonly table: DerivedTable;
  readonly grain: Grain;
  readonly with: string;
  readonly checked: Side;
  readonly against: Side;
  readonly columns: readonly ComparedColumn[];
  /** A row's problem names each difference, `label` first, the other side's value after `versus`. */
  readonly label: string;
  readonly versus: string;
  readonly passed: string;
  /** What differs, e.g. `2 player-games differ from boxscore_traditional` (the dates follow). */
  readonly failed: (count: string, differ: string) => string;
}

/**
 * The rows of `checked` and `against` that disagree on the grain's keys: a key on one side only,
 * or a key on both whose columns differ.
 */
function reconcile(context: CheckContext, r: Reconciliation): Promise<CheckResult> {
  const d = context.warehouse.dialect;
  const [a, b] = [r.checked.name, r.against.name];
  const keys = r.grain.keys;
  return runFailureQuery(context.warehouse, {
    check: r.check,
    table: r.table,
    params: context.params,
    with: r.with,
    bad: `  SELECT ${keys.map((k) => `COALESCE(${a}.${k}, ${b}.${k}) AS ${k}`).join(', ')},
    CASE WHEN ${a}.game_id IS NULL THEN '${r.against.onlyHere}'
      WHEN ${b}.game_id IS NULL THEN '${r.checked.onlyHere}'
      ELSE CONCAT('${r.label}: ', ${differenceText(d, r.columns, r.versus)}) END AS problem
  FROM ${a} FULL OUTER JOIN ${b} ON ${keys.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ')}
  WHERE ${a}.game_id IS NULL OR ${b}.game_id IS NULL
    OR ${anyDiffers(r.columns)}`,
    order: keys,
    describe: ({failures, dates}) =>
      failures === 0 ? r.passed : `${r.failed(plural(failures, r.grain.unit), verb(failures, 'differs', 'differ'))} on ${shortDateList(dates, context.calendar)}`,
  });
}

/** Both reconciliations read PGS's rows of the range, as `pgs`. */
function pgsInRange(d: Dialect): string {
  return `pgs AS (
  SELECT * FROM ${d.table(playerGameSummary)} WHERE ${rangePredicate(d)}
)`;
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
  return reconcile(context, {
    check: 'reconcile_raw',
    table: playerGameSummary,
    grain: PLAYER_GAME,
    with: `${pgsInRange(d)},
pgs_dates AS (SELECT DISTINCT game_date FROM pgs),
box AS (
  SELECT game_date, game_id, player_lookup, ${minutesPlayed(d, d.ident('minutes'))} AS ${d.ident('minutes')}, ${boxColumns.join(', ')}
  FROM ${d.table(boxscoreTraditional)}
  WHERE ${rangePredicate(d)} AND ${d.ident('minutes')} IS NOT NULL AND ${minutesPlayed(d, d.ident('minutes'))} > 0
    AND game_date IN (SELECT game_date FROM pgs_dates)
)`,
    checked: {name: 'pgs', onlyHere: 'PGS row has no player-game with minutes > 0 in boxscore_traditional'},
    against: {name: 'box', onlyHere: 'player-game with minutes > 0 in boxscore_traditional is missing from PGS'},
    columns,
    label: 'PGS vs boxscore_traditional',
    versus: 'vs raw',
    passed: 'every PGS row matches boxscore_traditional (player-games with minutes > 0, box figures)',
    failed: (count, differ) => `${count} ${differ} from boxscore_traditional`,
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
  return reconcile(context, {
    check: 'reconcile_team',
    table: teamOffenseGameSummary,
    grain: TEAM_GAME,
    with: `${pgsInRange(d)},
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
    checked: {name: 'togs', onlyHere: 'TOGS team-game has no PGS rows'},
    against: {name: 'pgs_sum', onlyHere: 'team-game with PGS rows is missing from TOGS'},
    columns: summed.map((c) => ({name: c, left: `togs.${d.ident(c)}`, right: `pgs_sum.${d.ident(c)}`})),
    label: 'TOGS vs sum of PGS',
    versus: 'vs PGS',
    passed: `every TOGS row equals the sum of PGS per team-game (${summed.length} columns)`,
    failed: (count, differ) => `${count} of TOGS ${differ} from the sum of PGS`,
  });
}
