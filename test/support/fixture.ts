// A tiny hand-made source warehouse (DuckDB, in memory or a file) that tests can reason about by
// hand. Three teams, seven Final games in October 2021 (one in overtime, two back-to-backs, one
// Postponed and one Scheduled game that are not game dates), one game of the next season, a
// trade, DNPs and a rostered player without any box-score row. Box scores are derived from the
// shot-chart lines below, so the raw invariants of SPEC §2 hold by construction (shot rows = fga,
// made = fgm, 3-point zones = fg3a/fg3m, team points = the schedule's score).
//
// Game dates: 2021-10-19, 20, 22, 24, 26, 27 (season 2021-22) and 2022-10-18 (season 2022-23).
//
//   game         date        home  away  status      score (home-away)
//   0022100001   2021-10-19  AAA   BBB   Final       47-36
//   0022100002   2021-10-20  CCC   AAA   Final       32-26  (AAA back-to-back)
//   0022100003   2021-10-22  BBB   CCC   Final       30-20
//   0022100004   2021-10-24  AAA   CCC   Final (OT)  33-32  (team minutes 265)
//   0022100005   2021-10-25  AAA   BBB   Postponed
//   0022100006   2021-10-26  BBB   AAA   Final       24-23
//   0022100007   2021-10-27  CCC   BBB   Final       18-19  (BBB back-to-back)
//   0022100008   2021-10-29  CCC   AAA   Scheduled
//   0022200001   2022-10-18  BBB   AAA   Final       10-9   (season 2022-23)
//
// Rosters 2021-22 (all from 2021-10-01, open-ended unless said):
//   AAA aaronalpha 101, adamalpha 102, alalpha 103, arnoldalpha 104 (DNP on 10-19, 10-20, 10-26; plays 10-24)
//   BBB bobbeta 201, billbeta 202, benbeta 203 (no box row before 10-26), tomtrade 301 (BBB until 10-22)
//   CCC carlgamma 401, chrisgamma 402, coreygamma 403 (DNP on 10-27), tomtrade 301 (CCC from 10-23)
// Rosters 2022-23 (from 2022-10-01): AAA aaronalpha adamalpha alalpha; BBB bobbeta billbeta tomtrade.
import {ALL_TABLES, boxscoreTraditional, nbaSchedule, shotChart, teamRoster} from '../../src/catalog/index.js';
import type {DerivedTable, SourceTable} from '../../src/catalog/types.js';
import {processorFor} from '../../src/queries/processors/index.js';
import {selectedColumns} from '../../src/queries/write.js';
import {openDuckDb, type DuckDbWarehouse} from '../../src/warehouse/duckdb.js';
import {rangeParams, type Row, type SqlValue, type Warehouse} from '../../src/warehouse/types.js';

export const FIXTURE_SEASON = '2021-22';
/** Every game date of the fixture, in order. */
export const FIXTURE_GAME_DATES = ['2021-10-19', '2021-10-20', '2021-10-22', '2021-10-24', '2021-10-26', '2021-10-27', '2022-10-18'];
export const FIXTURE_RANGE = {start: '2021-10-19', end: '2022-10-18'} as const;

export interface FixtureGame {
  readonly gameId: string;
  readonly date: string;
  readonly season: string;
  readonly home: string;
  readonly away: string;
  readonly status: 'Final' | 'Postponed' | 'Scheduled';
}

export const FIXTURE_GAMES: readonly FixtureGame[] = [
  {gameId: '0022100001', date: '2021-10-19', season: '2021-22', home: 'AAA', away: 'BBB', status: 'Final'},
  {gameId: '0022100002', date: '2021-10-20', season: '2021-22', home: 'CCC', away: 'AAA', status: 'Final'},
  {gameId: '0022100003', date: '2021-10-22', season: '2021-22', home: 'BBB', away: 'CCC', status: 'Final'},
  {gameId: '0022100004', date: '2021-10-24', season: '2021-22', home: 'AAA', away: 'CCC', status: 'Final'},
  {gameId: '0022100005', date: '2021-10-25', season: '2021-22', home: 'AAA', away: 'BBB', status: 'Postponed'},
  {gameId: '0022100006', date: '2021-10-26', season: '2021-22', home: 'BBB', away: 'AAA', status: 'Final'},
  {gameId: '0022100007', date: '2021-10-27', season: '2021-22', home: 'CCC', away: 'BBB', status: 'Final'},
  {gameId: '0022100008', date: '2021-10-29', season: '2021-22', home: 'CCC', away: 'AAA', status: 'Scheduled'},
  {gameId: '0022200001', date: '2022-10-18', season: '2022-23', home: 'BBB', away: 'AAA', status: 'Final'},
];

export interface FixturePlayer {
  readonly id: number;
  readonly lookup: string;
  readonly name: string;
  readonly position: string;
}

export const FIXTURE_PLAYERS: readonly FixturePlayer[] = [
  {id: 101, lookup: 'aaronalpha', name: 'Aaron Alpha', position: 'G'},
  {id: 102, lookup: 'adamalpha', name: 'Adam Alpha', position: 'F'},
  {id: 103, lookup: 'alalpha', name: 'Al Alpha', position: 'C'},
  {id: 104, lookup: 'arnoldalpha', name: 'Arnold Alpha', position: 'G'},
  {id: 201, lookup: 'bobbeta', name: 'Bob Beta', position: 'G'},
  {id: 202, lookup: 'billbeta', name: 'Bill Beta', position: 'F'},
  {id: 203, lookup: 'benbeta', name: 'Ben Beta', position: 'C'},
  {id: 301, lookup: 'tomtrade', name: "Tom O'Trade", position: 'F'},
  {id: 401, lookup: 'carlgamma', name: 'Carl Gamma', position: 'G'},
  {id: 402, lookup: 'chrisgamma', name: 'Chris Gamma', position: 'F'},
  {id: 403, lookup: 'coreygamma', name: 'Corey Gamma', position: 'C'},
];

export interface FixtureStint {
  readonly season: string;
  readonly team: string;
  readonly lookup: string;
  readonly from: string;
  readonly to: string | null;
}

function stints(season: string, team: string, from: string, lookups: string): FixtureStint[] {
  return lookups.split(' ').map((lookup) => ({season, team, lookup, from, to: null}));
}

export const FIXTURE_ROSTER: readonly FixtureStint[] = [
  ...stints('2021-22', 'AAA', '2021-10-01', 'aaronalpha adamalpha alalpha arnoldalpha'),
  ...stints('2021-22', 'BBB', '2021-10-01', 'bobbeta billbeta benbeta'),
  {season: '2021-22', team: 'BBB', lookup: 'tomtrade', from: '2021-10-01', to: '2021-10-22'},
  ...stints('2021-22', 'CCC', '2021-10-01', 'carlgamma chrisgamma coreygamma'),
  {season: '2021-22', team: 'CCC', lookup: 'tomtrade', from: '2021-10-23', to: null},
  ...stints('2022-23', 'AAA', '2022-10-01', 'aaronalpha adamalpha alalpha'),
  ...stints('2022-23', 'BBB', '2022-10-01', 'bobbeta billbeta tomtrade'),
];

/** Attempts/makes per shot zone for one player-game. */
export interface Zones {
  readonly ra?: readonly [number, number];
  readonly pt?: readonly [number, number];
  readonly mid?: readonly [number, number];
  readonly c3?: readonly [number, number];
  readonly ab3?: readonly [number, number];
}

/** One box-score line as written by hand: shooting comes from `zones`, the rest is given. */
export interface FixtureLine {
  readonly gameId: string;
  readonly team: string;
  readonly lookup: string;
  /** 'MM:SS', or null with `dnp` for a DNP. */
  readonly minutes: string | null;
  readonly dnp?: string;
  readonly starter: boolean;
  readonly zones: Zones;
  /** [ftm, fta] */
  readonly ft: readonly [number, number];
  /** oreb, dreb, ast, stl, blk, tov, pf */
  readonly other: readonly [number, number, number, number, number, number, number];
}

const NONE: Zones = {};
const ZERO = [0, 0, 0, 0, 0, 0, 0] as const;

function line(gameId: string, team: string, lookup: string, minutes: string, starter: boolean, zones: Zones,
  ft: readonly [number, number], other: FixtureLine['other']): FixtureLine {
  return {gameId, team, lookup, minutes, starter, zones, ft, other};
}

function dnp(gameId: string, team: string, lookup: string, reason: string): FixtureLine {
  return {gameId, team, lookup, minutes: null, dnp: reason, starter: false, zones: NONE, ft: [0, 0], other: ZERO};
}

// Points in the comments: 2·(fgm − fg3m) + 3·fg3m + ftm.
export const FIXTURE_LINES: readonly FixtureLine[] = [
  // G1 2021-10-19 AAA 47 - BBB 36
  line('0022100001', 'AAA', 'aaronalpha', '48:00', true, {ra: [4, 3], mid: [2, 1], ab3: [4, 2]}, [4, 5], [1, 5, 6, 2, 0, 3, 2]), // 18
  line('0022100001', 'AAA', 'adamalpha', '112:30', true, {ra: [6, 4], pt: [4, 2], c3: [2, 1], ab3: [4, 1]}, [2, 2], [3, 8, 4, 1, 1, 2, 3]), // 20
  line('0022100001', 'AAA', 'alalpha', '79:30', true, {pt: [2, 1], mid: [4, 2], ab3: [2, 1]}, [0, 0], [0, 3, 2, 0, 1, 1, 1]), // 9
  dnp('0022100001', 'AAA', 'arnoldalpha', 'Coach decision'),
  line('0022100001', 'BBB', 'bobbeta', '48:00', true, {ra: [5, 3], ab3: [5, 2]}, [3, 4], [2, 4, 3, 1, 0, 4, 2]), // 15
  line('0022100001', 'BBB', 'billbeta', '96:00', true, {ra: [4, 2], pt: [2, 1], mid: [3, 1], c3: [2, 1]}, [2, 3], [1, 6, 5, 2, 1, 2, 2]), // 13
  line('0022100001', 'BBB', 'tomtrade', '96:00', true, {ra: [3, 2], mid: [2, 0], ab3: [3, 1]}, [1, 2], [1, 3, 1, 0, 0, 1, 3]), // 8
  // G2 2021-10-20 CCC 32 - AAA 26
  line('0022100002', 'AAA', 'aaronalpha', '48:00', true, {ra: [3, 2], ab3: [3, 1]}, [2, 2], [0, 4, 5, 1, 0, 2, 1]), // 9
  line('0022100002', 'AAA', 'adamalpha', '96:00', true, {ra: [4, 3], pt: [2, 1], ab3: [2, 1]}, [0, 0], [2, 5, 2, 0, 1, 1, 2]), // 11
  line('0022100002', 'AAA', 'alalpha', '96:00', true, {mid: [4, 2], c3: [2, 0]}, [2, 2], [1, 2, 1, 1, 0, 0, 2]), // 6
  dnp('0022100002', 'AAA', 'arnoldalpha', 'Injury'),
  line('0022100002', 'CCC', 'carlgamma', '48:00', true, {ra: [6, 4], mid: [2, 1], ab3: [2, 1]}, [4, 4], [2, 5, 3, 1, 2, 2, 3]), // 17
  line('0022100002', 'CCC', 'chrisgamma', '96:00', true, {ra: [3, 1], c3: [3, 2]}, [0, 1], [1, 4, 4, 2, 0, 3, 2]), // 8
  line('0022100002', 'CCC', 'coreygamma', '96:00', true, {pt: [4, 2], mid: [2, 1]}, [1, 2], [3, 6, 1, 0, 1, 1, 4]), // 7
  // G3 2021-10-22 BBB 30 - CCC 20
  line('0022100003', 'BBB', 'bobbeta', '48:00', true, {ra: [4, 2], ab3: [4, 2]}, [2, 2], [1, 3, 4, 1, 0, 2, 2]), // 12
  line('0022100003', 'BBB', 'billbeta', '96:00', true, {ra: [2, 2], mid: [2, 1]}, [0, 0], [2, 5, 2, 1, 1, 1, 3]), // 6
  line('0022100003', 'BBB', 'tomtrade', '96:00', true, {ra: [4, 3], ab3: [2, 1]}, [3, 4], [0, 2, 3, 0, 0, 2, 1]), // 12
  line('0022100003', 'CCC', 'carlgamma', '48:00', true, {ra: [4, 2], ab3: [3, 1]}, [2, 3], [1, 4, 2, 0, 1, 3, 2]), // 9
  line('0022100003', 'CCC', 'chrisgamma', '96:00', true, {ra: [2, 1], pt: [2, 1], c3: [2, 1]}, [0, 0], [1, 3, 3, 1, 0, 1, 3]), // 7
  line('0022100003', 'CCC', 'coreygamma', '96:00', true, {mid: [3, 1], ab3: [1, 0]}, [2, 2], [2, 5, 0, 1, 1, 2, 2]), // 4
  // G4 2021-10-24 AAA 33 - CCC 32, one overtime: 265 team minutes
  line('0022100004', 'AAA', 'aaronalpha', '53:00', true, {ra: [5, 4], mid: [1, 1], ab3: [4, 2]}, [3, 4], [1, 6, 7, 1, 0, 4, 3]), // 19
  line('0022100004', 'AAA', 'adamalpha', '80:00', true, {ra: [3, 2], ab3: [2, 0]}, [1, 2], [2, 4, 2, 1, 1, 1, 2]), // 5
  line('0022100004', 'AAA', 'alalpha', '80:00', true, {pt: [2, 1], mid: [2, 1]}, [0, 0], [0, 3, 1, 0, 0, 1, 2]), // 4
  line('0022100004', 'AAA', 'arnoldalpha', '52:00', false, {ra: [2, 1], c3: [2, 1]}, [0, 0], [1, 2, 0, 0, 0, 0, 1]), // 5
  line('0022100004', 'CCC', 'carlgamma', '53:00', true, {ra: [5, 3], ab3: [3, 1]}, [4, 4], [2, 3, 2, 1, 0, 2, 4]), // 13
  line('0022100004', 'CCC', 'chrisgamma', '70:00', true, {ra: [2, 1], c3: [2, 1]}, [0, 0], [0, 4, 3, 0, 1, 2, 2]), // 5
  line('0022100004', 'CCC', 'coreygamma', '70:00', true, {pt: [2, 2], mid: [2, 0]}, [1, 2], [2, 5, 1, 1, 2, 1, 3]), // 5
  line('0022100004', 'CCC', 'tomtrade', '72:00', false, {ra: [3, 2], ab3: [2, 1]}, [2, 2], [1, 2, 2, 1, 0, 1, 2]), // 9
  // G6 2021-10-26 BBB 24 - AAA 23
  line('0022100006', 'BBB', 'bobbeta', '48:00', true, {ra: [3, 2], ab3: [3, 1]}, [2, 2], [1, 3, 2, 1, 0, 2, 2]), // 9
  line('0022100006', 'BBB', 'billbeta', '96:00', true, {ra: [4, 3], pt: [2, 1]}, [2, 2], [2, 5, 3, 0, 1, 1, 3]), // 10
  line('0022100006', 'BBB', 'benbeta', '96:00', true, {mid: [2, 1], c3: [2, 1]}, [0, 0], [0, 2, 1, 1, 0, 1, 1]), // 5
  line('0022100006', 'AAA', 'aaronalpha', '48:00', true, {ra: [4, 2], ab3: [2, 1]}, [1, 2], [0, 3, 4, 1, 0, 3, 2]), // 8
  line('0022100006', 'AAA', 'adamalpha', '96:00', true, {ra: [4, 3], c3: [2, 1]}, [2, 2], [2, 4, 2, 1, 0, 1, 2]), // 11
  line('0022100006', 'AAA', 'alalpha', '96:00', true, {pt: [2, 1], mid: [2, 1]}, [0, 0], [1, 2, 1, 0, 1, 0, 1]), // 4
  dnp('0022100006', 'AAA', 'arnoldalpha', 'Coach decision'),
  // G7 2021-10-27 CCC 18 - BBB 19
  line('0022100007', 'CCC', 'carlgamma', '48:00', true, {ra: [4, 3], ab3: [2, 1]}, [2, 2], [1, 4, 3, 1, 0, 1, 2]), // 11
  line('0022100007', 'CCC', 'tomtrade', '96:00', true, {ra: [2, 1], mid: [2, 1]}, [0, 0], [0, 2, 1, 0, 0, 1, 2]), // 4
  line('0022100007', 'CCC', 'chrisgamma', '96:00', true, {ra: [2, 1], c3: [2, 0]}, [1, 2], [1, 3, 2, 1, 1, 2, 3]), // 3
  dnp('0022100007', 'CCC', 'coreygamma', 'Injury'),
  line('0022100007', 'BBB', 'bobbeta', '48:00', true, {ra: [3, 2], ab3: [3, 2]}, [2, 2], [1, 3, 3, 0, 0, 2, 2]), // 12
  line('0022100007', 'BBB', 'billbeta', '96:00', true, {ra: [2, 1], pt: [2, 1]}, [1, 2], [2, 4, 2, 1, 1, 1, 3]), // 5
  line('0022100007', 'BBB', 'benbeta', '96:00', true, {mid: [2, 1]}, [0, 0], [0, 2, 0, 0, 0, 0, 1]), // 2
  // G9 2022-10-18 BBB 10 - AAA 9 (season 2022-23)
  line('0022200001', 'BBB', 'bobbeta', '48:00', true, {ra: [2, 1]}, [0, 0], [0, 2, 1, 0, 0, 1, 1]), // 2
  line('0022200001', 'BBB', 'billbeta', '96:00', true, {ra: [2, 2]}, [0, 0], [1, 2, 0, 0, 0, 0, 1]), // 4
  line('0022200001', 'BBB', 'tomtrade', '96:00', true, {mid: [2, 1]}, [2, 2], [0, 1, 1, 0, 0, 0, 0]), // 4
  line('0022200001', 'AAA', 'aaronalpha', '48:00', true, {ra: [2, 1], ab3: [1, 1]}, [0, 0], [0, 1, 1, 0, 0, 1, 1]), // 5
  line('0022200001', 'AAA', 'adamalpha', '96:00', true, {ra: [2, 1]}, [0, 0], [0, 1, 0, 0, 0, 0, 0]), // 2
  line('0022200001', 'AAA', 'alalpha', '96:00', true, {pt: [2, 1]}, [0, 0], [0, 1, 0, 0, 0, 0, 0]), // 2
];

/** Shooting totals of a line, derived from its zones. */
export function shooting(l: FixtureLine): {fgm: number; fga: number; fg3m: number; fg3a: number; points: number} {
  const z = (k: keyof Zones) => l.zones[k] ?? [0, 0];
  const zones = [z('ra'), z('pt'), z('mid'), z('c3'), z('ab3')];
  const fga = zones.reduce((s, [a]) => s + a, 0);
  const fgm = zones.reduce((s, [, m]) => s + m, 0);
  const fg3a = z('c3')[0] + z('ab3')[0];
  const fg3m = z('c3')[1] + z('ab3')[1];
  return {fgm, fga, fg3m, fg3a, points: 2 * (fgm - fg3m) + 3 * fg3m + l.ft[0]};
}

function teamPoints(gameId: string, team: string): number {
  return FIXTURE_LINES.filter((l) => l.gameId === gameId && l.team === team).reduce((s, l) => s + shooting(l).points, 0);
}

const ZONE_ROWS: readonly {key: keyof Zones; zone: string; distance: number}[] = [
  {key: 'ra', zone: 'restricted_area', distance: 2},
  {key: 'pt', zone: 'paint', distance: 8},
  {key: 'mid', zone: 'mid_range', distance: 16},
  {key: 'c3', zone: 'corner_3', distance: 22},
  {key: 'ab3', zone: 'above_break_3', distance: 25},
];

type SourceRow = Record<string, SqlValue>;

function gameOf(gameId: string): FixtureGame {
  return FIXTURE_GAMES.find((g) => g.gameId === gameId)!;
}

function playerOf(lookup: string): FixturePlayer {
  return FIXTURE_PLAYERS.find((p) => p.lookup === lookup)!;
}

export function scheduleRows(): SourceRow[] {
  return FIXTURE_GAMES.map((g) => {
    const final = g.status === 'Final';
    return {
      game_id: g.gameId, game_date: g.date, season: g.season, season_type: 'Regular Season',
      home_team_abbr: g.home, away_team_abbr: g.away, game_status: g.status,
      home_score: final ? teamPoints(g.gameId, g.home) : null,
      away_score: final ? teamPoints(g.gameId, g.away) : null,
    };
  });
}

export function rosterRows(): SourceRow[] {
  return FIXTURE_ROSTER.map((s) => {
    const p = playerOf(s.lookup);
    return {
      season: s.season, team_abbr: s.team, player_id: p.id, player_lookup: p.lookup, player_name: p.name,
      position: p.position, valid_from: s.from, valid_to: s.to,
    };
  });
}

export function boxscoreRows(): SourceRow[] {
  return FIXTURE_LINES.map((l) => {
    const g = gameOf(l.gameId);
    const p = playerOf(l.lookup);
    const s = shooting(l);
    const played = l.minutes !== null;
    const [oreb, dreb, ast, stl, blk, tov, pf] = l.other;
    const opponent = l.team === g.home ? g.away : g.home;
    const stat = (v: number) => (played ? v : null);
    return {
      game_id: l.gameId, game_date: g.date, team_abbr: l.team, player_id: p.id, player_name: p.name,
      player_lookup: p.lookup, starter: l.starter, minutes: l.minutes, dnp_reason: l.dnp ?? null,
      points: stat(s.points), fgm: stat(s.fgm), fga: stat(s.fga), fg3m: stat(s.fg3m), fg3a: stat(s.fg3a),
      ftm: stat(l.ft[0]), fta: stat(l.ft[1]), oreb: stat(oreb), dreb: stat(dreb), reb: stat(oreb + dreb),
      ast: stat(ast), stl: stat(stl), blk: stat(blk), tov: stat(tov), pf: stat(pf),
      plus_minus: stat(teamPoints(l.gameId, l.team) - teamPoints(l.gameId, opponent)),
    };
  });
}

export function shotChartRows(): SourceRow[] {
  const rows: SourceRow[] = [];
  const shotNumbers = new Map<string, number>();
  for (const l of FIXTURE_LINES) {
    const g = gameOf(l.gameId);
    for (const {key, zone, distance} of ZONE_ROWS) {
      const [attempts, makes] = l.zones[key] ?? [0, 0];
      for (let i = 0; i < attempts; i++) {
        const n = (shotNumbers.get(l.gameId) ?? 0) + 1;
        shotNumbers.set(l.gameId, n);
        rows.push({
          game_id: l.gameId, game_date: g.date, shot_number: n, team_abbr: l.team, player_lookup: l.lookup,
          period: 1 + (n % 4), zone, shot_distance_ft: distance, made: i < makes,
        });
      }
    }
  }
  return rows;
}

function literal(value: SqlValue, type: string): string {
  if (value === null) return 'NULL';
  if (type === 'DATE') return `DATE '${value}'`;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return String(value);
}

/** Appends rows to a source table (DuckDB SQL literals; test data only). */
export async function insertSourceRows(warehouse: Warehouse, table: SourceTable, rows: readonly SourceRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = table.columns;
  const values = rows.map((row) => `(${columns.map((c) => literal(row[c.name] ?? null, c.type)).join(', ')})`);
  await warehouse.query(
    `INSERT INTO ${warehouse.dialect.table(table)} (${columns.map((c) => warehouse.dialect.ident(c.name)).join(', ')}) VALUES\n${values.join(',\n')}`,
  );
}

/** Loads the fixture's sources into a warehouse whose tables exist. */
export async function loadFixtureSources(warehouse: Warehouse): Promise<void> {
  await insertSourceRows(warehouse, nbaSchedule, scheduleRows());
  await insertSourceRows(warehouse, teamRoster, rosterRows());
  await insertSourceRows(warehouse, boxscoreTraditional, boxscoreRows());
  await insertSourceRows(warehouse, shotChart, shotChartRows());
}

/** A DuckDB warehouse (in memory by default) with every catalog table and the fixture's sources. */
export async function openFixtureWarehouse(path = ':memory:'): Promise<DuckDbWarehouse> {
  const warehouse = await openDuckDb(path);
  await warehouse.ensureTables(ALL_TABLES);
  await loadFixtureSources(warehouse);
  return warehouse;
}

/** Builds [start, end] of a derived table with its registered processor, as the runner does. */
export async function buildRange(warehouse: Warehouse, table: DerivedTable, start: string, end: string, runId = 'test'): Promise<number> {
  const processor = processorFor(table);
  const result = await warehouse.replaceRange(table, processor.select(warehouse.dialect), rangeParams(start, end, runId));
  return result.rowsWritten;
}

/** A derived table's rows without lineage, ordered by key (optionally only game_date = date). */
export async function derivedRows(warehouse: Warehouse, table: DerivedTable, date?: string): Promise<Row[]> {
  const d = warehouse.dialect;
  const columns = selectedColumns(table).map((c) => d.ident(c)).join(', ');
  const where = date ? `WHERE game_date = DATE '${date}'` : '';
  return warehouse.query(`SELECT ${columns} FROM ${d.table(table)} ${where} ORDER BY ${table.key.join(', ')}`);
}
