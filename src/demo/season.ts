// One season of the schedule table and its games: the regular season (with 2021-22's wave of
// postponements), then the Play-In and four best-of-seven rounds seeded from the standings.
// Games before as-of are played (Final, with box scores); later regular-season games are listed as
// Scheduled; post-season games after as-of are not known yet and not listed.
import {addDays, type IsoDate} from '../dates.js';
import type {SeasonCalendar} from './calendar.js';
import {simulateGame, type GameResult} from './game.js';
import type {SeasonLeague} from './league.js';
import {seasonProfile} from './profile.js';
import {Rng} from './random.js';
import {placeRegularSeason, regularSeasonDays, type PlacedGame} from './schedule.js';
import {TEAMS} from './teams.js';

export type SeasonType = 'Regular Season' | 'Play-In' | 'Playoffs';
export type GameStatus = 'Final' | 'Postponed' | 'Scheduled';

export interface ScheduleRow {
  readonly gameId: string;
  readonly date: IsoDate;
  readonly season: string;
  readonly seasonType: SeasonType;
  readonly home: number;
  readonly away: number;
  readonly status: GameStatus;
  readonly homeScore: number | null;
  readonly awayScore: number | null;
  /** Box scores of a Final game. */
  readonly result: GameResult | null;
}

/** The 2021-22 Omicron wave: games in this window were postponed and made up after it. */
const POSTPONE_WINDOW = ['2021-12-19', '2022-01-10'] as const;
const POSTPONE_RATE = 0.25;

/**
 * Plays the season's games before as-of. `pause` is awaited every hundred regular-season games with
 * the share of them done, so that a console can redraw its progress bar during the simulation.
 */
export async function playSeason(
  calendar: SeasonCalendar,
  league: SeasonLeague,
  seed: number,
  asOf: IsoDate,
  pause: (done: number) => Promise<void> = async () => undefined,
): Promise<ScheduleRow[]> {
  const profile = seasonProfile(calendar.startYear);
  const rows: ScheduleRow[] = [];
  const play = (gameId: string, date: IsoDate, seasonType: SeasonType, home: number, away: number): ScheduleRow => {
    const base = {gameId, date, season: calendar.season, seasonType, home, away};
    if (date >= asOf) return {...base, status: 'Scheduled', homeScore: null, awayScore: null, result: null};
    const result = simulateGame({gameId, date, home, away, postseason: seasonType !== 'Regular Season'}, league, profile, seed);
    return {...base, status: 'Final', homeScore: result.homeScore, awayScore: result.awayScore, result};
  };

  const regular = regularSeason(calendar, seed, asOf);
  for (const [index, game] of regular.entries()) {
    if (index % 100 === 99) await pause(index / regular.length);
    if (game.postponedTo === undefined) rows.push(play(game.gameId, game.date, 'Regular Season', game.home, game.away));
    else rows.push({gameId: game.gameId, date: game.date, season: calendar.season, seasonType: 'Regular Season', home: game.home, away: game.away, status: 'Postponed', homeScore: null, awayScore: null, result: null});
  }
  if (asOf > calendar.regularEnd) rows.push(...postseason(calendar, rows, play, asOf));
  return rows.sort((a, b) => a.date.localeCompare(b.date) || a.gameId.localeCompare(b.gameId));
}

interface RegularGame extends PlacedGame {
  readonly gameId: string;
  /** Set on the row that stays at the original date with status Postponed. */
  readonly postponedTo?: IsoDate;
}

/** Game ids in date order; a postponed game keeps its id and its make-up gets the next free one. */
function regularSeason(calendar: SeasonCalendar, seed: number, asOf: IsoDate): RegularGame[] {
  const placed = placeRegularSeason(calendar, seed).sort((a, b) => a.date.localeCompare(b.date) || a.home - b.home);
  const id = (n: number) => `002${calendar.idYear}${String(n).padStart(5, '0')}`;
  const games: RegularGame[] = placed.map((g, i) => ({...g, gameId: id(i + 1)}));
  if (calendar.startYear !== 2021) return games;

  const rng = new Rng(seed, `postpone:${calendar.startYear}`);
  const playing = new Map<IsoDate, Set<number>>();
  const mark = (date: IsoDate, g: PlacedGame) => {
    const day = playing.get(date) ?? new Set<number>();
    day.add(g.home).add(g.away);
    playing.set(date, day);
  };
  for (const g of games) mark(g.date, g);
  const free = (team: number, date: IsoDate) => !(playing.get(date)?.has(team) ?? false);
  const makeupDays = regularSeasonDays(calendar).filter((d) => d >= '2022-01-24' && d <= addDays(calendar.regularEnd, -3));
  const out: RegularGame[] = [];
  const makeups: RegularGame[] = [];
  for (const game of games) {
    // Postponements are only known once their date has come.
    const postponed = game.date >= POSTPONE_WINDOW[0] && game.date <= POSTPONE_WINDOW[1] && game.date < asOf && rng.chance(POSTPONE_RATE);
    if (!postponed) {
      out.push(game);
      continue;
    }
    // A make-up date when both teams are free and neither ends up playing three days in a row.
    const fits = (team: number, d: IsoDate) => {
      const busy = (n: number) => !free(team, addDays(d, n));
      return !busy(0) && !(busy(-1) && busy(1)) && !(busy(-2) && busy(-1)) && !(busy(1) && busy(2));
    };
    const candidates = makeupDays.filter((d) => fits(game.home, d) && fits(game.away, d) && (playing.get(d)?.size ?? 0) < 24);
    if (candidates.length === 0) {
      out.push(game);
      continue;
    }
    const date = rng.pick(candidates);
    mark(date, game);
    out.push({...game, postponedTo: date});
    makeups.push({home: game.home, away: game.away, date, gameId: ''});
  }
  makeups.sort((a, b) => a.date.localeCompare(b.date) || a.home - b.home);
  makeups.forEach((g, i) => out.push({...g, gameId: id(games.length + i + 1)}));
  return out;
}

type Play = (gameId: string, date: IsoDate, seasonType: SeasonType, home: number, away: number) => ScheduleRow;

/** Days after a series' first game on which games 1..7 are played. */
const SERIES_DAYS = [0, 2, 5, 7, 9, 11, 13];

function postseason(calendar: SeasonCalendar, regular: readonly ScheduleRow[], play: Play, asOf: IsoDate): ScheduleRow[] {
  const rows: ScheduleRow[] = [];
  const wins = new Array<number>(TEAMS.length).fill(0);
  const diff = new Array<number>(TEAMS.length).fill(0);
  for (const row of regular) {
    if (row.status !== 'Final') continue;
    const margin = row.homeScore! - row.awayScore!;
    wins[margin > 0 ? row.home : row.away]++;
    diff[row.home] += margin;
    diff[row.away] -= margin;
  }
  const better = (a: number, b: number) => wins[b] - wins[a] || diff[b] - diff[a] || a - b;
  const standings = (conference: 'East' | 'West') => [...TEAMS.keys()].filter((t) => TEAMS[t].conference === conference).sort(better);

  // Play-In: 7 v 8 and 9 v 10 (East on Tuesday, West on Wednesday); the loser of 7 v 8 hosts the
  // winner of 9 v 10 on Friday for the 8th seed.
  let sequence = 0;
  const playInId = () => `005${calendar.idYear}${String(++sequence).padStart(5, '0')}`;
  const seeds = new Map<'East' | 'West', number[]>();
  const first: Record<string, {winner7: number; loser7: number; winner9: number}> = {};
  for (const [c, conference] of (['East', 'West'] as const).entries()) {
    const s = standings(conference);
    const date = calendar.playInDays[c];
    if (date >= asOf) return rows;
    const g78 = play(playInId(), date, 'Play-In', s[6], s[7]);
    const g910 = play(playInId(), date, 'Play-In', s[8], s[9]);
    rows.push(g78, g910);
    first[conference] = {winner7: winner(g78), loser7: loser(g78), winner9: winner(g910)};
  }
  for (const conference of ['East', 'West'] as const) {
    if (calendar.playInDays[2] >= asOf) return rows;
    const {winner7, loser7, winner9} = first[conference];
    const decider = play(playInId(), calendar.playInDays[2], 'Play-In', loser7, winner9);
    rows.push(decider);
    seeds.set(conference, [...standings(conference).slice(0, 6), winner7, winner(decider)]);
  }

  // Four rounds; bracket order 1v8, 4v5, 3v6, 2v7 in each conference.
  const seedOf = new Map<number, number>();
  for (const list of seeds.values()) list.forEach((t, i) => seedOf.set(t, i + 1));
  const east = seeds.get('East')!;
  const west = seeds.get('West')!;
  const bracket = (s: number[]) => [[s[0], s[7]], [s[3], s[4]], [s[2], s[5]], [s[1], s[6]]];
  let series: number[][] = [...bracket(east), ...bracket(west)];
  let start = calendar.playoffStart;
  for (let round = 1; round <= 4; round++) {
    const winners: number[] = [];
    let lastDay = start;
    for (const [index, [a, b]] of series.entries()) {
      // Higher seed (better record in the Finals) has home court: games 1, 2, 5 and 7.
      const [high, low] = (round < 4 ? seedOf.get(a)! < seedOf.get(b)! : better(a, b) < 0) ? [a, b] : [b, a];
      const won = new Map([[high, 0], [low, 0]]);
      const offset = round === 4 ? 0 : index % 2;
      for (let g = 0; g < 7 && won.get(high)! < 4 && won.get(low)! < 4; g++) {
        const date = addDays(start, offset + SERIES_DAYS[g] + (round === 4 ? g : 0));
        if (date >= asOf) return rows;
        const hostsHigh = g === 0 || g === 1 || g === 4 || g === 6;
        const row = play(`004${calendar.idYear}00${round}${index}${g + 1}`, date, 'Playoffs', hostsHigh ? high : low, hostsHigh ? low : high);
        rows.push(row);
        won.set(winner(row), won.get(winner(row))! + 1);
        if (date > lastDay) lastDay = date;
      }
      winners.push(won.get(high)! === 4 ? high : low);
    }
    series = [];
    for (let i = 0; i < winners.length; i += 2) series.push([winners[i], winners[i + 1]]);
    start = addDays(lastDay, 2);
  }
  return rows;
}

function winner(row: ScheduleRow): number {
  return row.homeScore! > row.awayScore! ? row.home : row.away;
}

function loser(row: ScheduleRow): number {
  return row.homeScore! > row.awayScore! ? row.away : row.home;
}
