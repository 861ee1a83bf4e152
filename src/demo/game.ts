// One game's box score, player by player. Team totals are drawn around the season's league means
// (adjusted for pace, the two teams' strengths and home court), then handed out to the players who
// played in proportion to their minutes and their skills, shot by shot. Every invariant of the raw
// tables follows by construction: points = 2·fgm + fg3m + ftm, reb = oreb + dreb, minutes add up to
// 240 (+25 per overtime), zone counts add up to fga and fgm.
import type {IsoDate} from '../dates.js';
import {ROTATION_MINUTES, type SeasonLeague, type SeasonPlayer} from './league.js';
import type {SeasonProfile} from './profile.js';
import {Rng} from './random.js';

export type DnpReason = 'Injury/Illness' | 'Rest' | "Coach's Decision";

export interface PlayerLine {
  readonly player: SeasonPlayer;
  readonly starter: boolean;
  /** Seconds played; null for a DNP. */
  seconds: number | null;
  readonly dnpReason: DnpReason | null;
  fgm: number;
  fga: number;
  fg3m: number;
  fg3a: number;
  ftm: number;
  fta: number;
  oreb: number;
  dreb: number;
  ast: number;
  stl: number;
  blk: number;
  tov: number;
  pf: number;
  plusMinus: number;
  points: number;
  /** Attempts and makes per zone (ZONES order). */
  readonly zoneAttempts: number[];
  readonly zoneMakes: number[];
}

export interface GameInput {
  readonly gameId: string;
  readonly date: IsoDate;
  readonly home: number;
  readonly away: number;
  readonly postseason: boolean;
}

export interface GameResult {
  readonly home: PlayerLine[];
  readonly away: PlayerLine[];
  readonly homeScore: number;
  readonly awayScore: number;
  readonly overtimes: number;
}

const HOME_EDGE = 0.007;
const FOUL_OUT = 6;

interface Lineup {
  readonly lines: PlayerLine[];
  /** Rotation players (indexes into lines) with their base minutes. */
  readonly rotation: {index: number; weight: number}[];
  /** Seconds of end-of-bench players who got in. */
  readonly garbage: {index: number; seconds: number}[];
}

export function simulateGame(game: GameInput, league: SeasonLeague, profile: SeasonProfile, seed: number): GameResult {
  const rng = new Rng(seed, `game:${game.gameId}`);
  const homeLineup = chooseLineup(rng, league, game.home, game);
  const awayLineup = chooseLineup(rng, league, game.away, game);
  const pace = ((league.teams[game.home].pace + league.teams[game.away].pace) / 2) * Math.exp(rng.normal(0, 0.025));
  const homeEdge = league.teams[game.home].offense - league.teams[game.away].defense + HOME_EDGE;
  const awayEdge = league.teams[game.away].offense - league.teams[game.home].defense - HOME_EDGE;

  let overtimes = 0;
  let forcedClose = false;
  for (;;) {
    const home = playTeam(rng, homeLineup, profile, pace, homeEdge, overtimes, true);
    const away = playTeam(rng, awayLineup, profile, pace, awayEdge, overtimes, false);
    const homeScore = sum(home, (l) => l.points);
    const awayScore = sum(away, (l) => l.points);
    // A tie goes to overtime; so do some close games, which brings overtime to ~6% of games.
    const tie = homeScore === awayScore;
    const close: boolean = !forcedClose && overtimes === 0 && Math.abs(homeScore - awayScore) <= 3 && rng.chance(0.38);
    if ((tie || close) && overtimes < 4) {
      forcedClose ||= close;
      overtimes++;
      continue;
    }
    if (tie) continue;
    spreadPlusMinus(rng, home, homeScore - awayScore);
    spreadPlusMinus(rng, away, awayScore - homeScore);
    return {home, away, homeScore, awayScore, overtimes};
  }
}

function chooseLineup(rng: Rng, league: SeasonLeague, team: number, game: GameInput): Lineup {
  const roster = league.roster(team, game.date);
  const available: SeasonPlayer[] = [];
  const out = new Map<SeasonPlayer, DnpReason>();
  for (const player of roster) {
    // A team always dresses at least eight: past that, the injured play through it.
    if (player.injured.has(game.date) && roster.length - out.size > 8) out.set(player, 'Injury/Illness');
    else if (!game.postseason && rng.chance(player.restRate)) out.set(player, 'Rest');
    else available.push(player);
  }
  const rotationSize = Math.min(available.length, game.postseason ? rng.int(8, 9) : rng.int(9, 11));
  const lines: PlayerLine[] = [];
  const rotation: Lineup['rotation'] = [];
  const garbage: Lineup['garbage'] = [];
  available.forEach((player, rank) => {
    let dnpReason: DnpReason | null = null;
    if (rank < rotationSize) rotation.push({index: lines.length, weight: ROTATION_MINUTES[rank] * Math.exp(rng.normal(0, 0.12))});
    else if (rank < rotationSize + 3 && rng.chance(game.postseason ? 0.25 : 0.45)) garbage.push({index: lines.length, seconds: rng.int(60, 480)});
    else dnpReason = "Coach's Decision";
    lines.push(emptyLine(player, rank < 5, dnpReason));
  });
  for (const [player, reason] of out) lines.push(emptyLine(player, false, reason));
  return {lines, rotation, garbage};
}

function emptyLine(player: SeasonPlayer, starter: boolean, dnpReason: DnpReason | null): PlayerLine {
  return {
    player, starter, seconds: null, dnpReason,
    fgm: 0, fga: 0, fg3m: 0, fg3a: 0, ftm: 0, fta: 0, oreb: 0, dreb: 0, ast: 0, stl: 0, blk: 0, tov: 0, pf: 0, plusMinus: 0, points: 0,
    zoneAttempts: [0, 0, 0, 0, 0], zoneMakes: [0, 0, 0, 0, 0],
  };
}

/** A fresh copy of the lineup's lines with minutes for `overtimes` and every stat drawn. */
function playTeam(rng: Rng, lineup: Lineup, profile: SeasonProfile, pace: number, edge: number, overtimes: number, home: boolean): PlayerLine[] {
  const lines = lineup.lines.map((l) => emptyLine(l.player, l.starter, l.dnpReason));
  assignMinutes(lines, lineup, overtimes);
  const length = 1 + (5 * overtimes) / 48;
  const playing = lines.filter((l) => l.seconds !== null);
  const secs = playing.map((l) => l.seconds!);
  const weights = (rate: (p: SeasonPlayer) => number) => playing.map((l, i) => secs[i] * rate(l.player));

  // Field goals, shot by shot: who shoots, from where, and whether it falls.
  const fga = Math.max(60, Math.round(rng.normal(profile.fga * pace * length, 5.5)));
  const shooters = weights((p) => p.usage);
  const shooterTotal = sum(shooters, (w) => w);
  // Pull the team's three-point rate towards the league's (odds ratio, partly): rosters drawn at
  // random would otherwise move the league average from season to season and seed to seed.
  let teamThree = 0;
  playing.forEach((l, i) => (teamThree += shooters[i] * (l.player.zoneMix[3] + l.player.zoneMix[4])));
  teamThree /= shooterTotal;
  const odds = ((profile.threeShare / (1 - profile.threeShare)) / (teamThree / (1 - teamThree))) ** 0.8;
  const zoneWeights = playing.map((l) => l.player.zoneMix.map((m, z) => (z >= 3 ? m * odds : m)));
  for (let shot = 0; shot < fga; shot++) {
    const i = rng.weighted(shooters, shooterTotal);
    const line = playing[i];
    const zone = rng.weighted(zoneWeights[i]);
    line.zoneAttempts[zone]++;
    if (rng.chance(profile.zonePct[zone] * (1 + line.player.shooting + edge))) line.zoneMakes[zone]++;
  }
  for (const line of playing) {
    const [a, m] = [line.zoneAttempts, line.zoneMakes];
    line.fga = a[0] + a[1] + a[2] + a[3] + a[4];
    line.fgm = m[0] + m[1] + m[2] + m[3] + m[4];
    line.fg3a = a[3] + a[4];
    line.fg3m = m[3] + m[4];
  }

  const fta = rng.count(profile.fta * length + (home ? 0.5 : -0.5), 5.5);
  const drawers = weights((p) => p.ftRate);
  for (let i = 0; i < fta; i++) {
    const line = playing[rng.weighted(drawers)];
    line.fta++;
    if (rng.chance(line.player.ftPct)) line.ftm++;
  }

  const teamFgm = sum(playing, (l) => l.fgm);
  const hand = (total: number, rate: (p: SeasonPlayer) => number, add: (l: PlayerLine) => void) => {
    const w = weights(rate);
    for (let i = 0; i < total; i++) add(playing[rng.weighted(w)]);
  };
  hand(rng.count(profile.oreb * length, 3.2), (p) => p.oreb, (l) => l.oreb++);
  hand(rng.count(profile.dreb * length, 4.5), (p) => p.dreb, (l) => l.dreb++);
  hand(Math.min(teamFgm, rng.count(teamFgm * profile.astPerFgm, 2.5)), (p) => p.ast, (l) => l.ast++);
  hand(rng.count(profile.stl * length, 2.7), (p) => p.stl, (l) => l.stl++);
  hand(rng.count(profile.blk * length, 2.3), (p) => p.blk, (l) => l.blk++);
  hand(rng.count(profile.tov * length, 3.7), (p) => p.tov, (l) => l.tov++);
  // Fouls stop at six: a fouled-out player takes no more.
  const fouls = weights((p) => p.pf);
  for (let i = rng.count(profile.pf * length, 3.8); i > 0; i--) {
    const index = rng.weighted(fouls);
    if (++playing[index].pf === FOUL_OUT) fouls[index] = 0;
    if (fouls.every((w) => w === 0)) break;
  }
  for (const line of playing) line.points = 2 * line.fgm + line.fg3m + line.ftm;
  return lines;
}

/** Integer seconds that add up to the team's minutes exactly; starters absorb overtime. */
function assignMinutes(lines: PlayerLine[], lineup: Lineup, overtimes: number): void {
  const total = (240 + 25 * overtimes) * 60;
  let rest = total;
  for (const {index, seconds} of lineup.garbage) {
    lines[index].seconds = seconds;
    rest -= seconds;
  }
  const cap = (42 + 4 * overtimes) * 60;
  const weights = lineup.rotation.map((r) => r.weight * (overtimes > 0 && lines[r.index].starter ? 1.25 : 1));
  const shares = new Array<number>(weights.length).fill(0);
  // Scale to the seconds left; anyone over the cap is held at it and the rest re-spread.
  let free = weights.map((_, i) => i);
  let left = rest;
  while (free.length > 0) {
    const w = sum(free, (i) => weights[i]);
    const over = free.filter((i) => (weights[i] / w) * left > cap);
    if (over.length === 0) {
      for (const i of free) shares[i] = (weights[i] / w) * left;
      break;
    }
    for (const i of over) {
      shares[i] = cap;
      left -= cap;
    }
    free = free.filter((i) => !over.includes(i));
  }
  const whole = shares.map(Math.floor);
  let missing = rest - sum(whole, (n) => n);
  const byFraction = shares.map((s, i) => ({i, f: s - Math.floor(s)})).sort((a, b) => b.f - a.f || a.i - b.i);
  for (let k = 0; missing > 0; k = (k + 1) % byFraction.length, missing--) whole[byFraction[k].i]++;
  lineup.rotation.forEach((r, k) => (lines[r.index].seconds = whole[k]));
}

/** Plus-minus that adds up to five times the margin over the team, more for those who played more. */
function spreadPlusMinus(rng: Rng, lines: PlayerLine[], margin: number): void {
  const playing = lines.filter((l) => l.seconds !== null);
  const teamSeconds = sum(playing, (l) => l.seconds!);
  for (const line of playing) {
    const share = line.seconds! / teamSeconds;
    line.plusMinus = Math.round(5 * margin * share + rng.normal(0, 5 * Math.sqrt(share * 5)));
  }
  const top = playing.reduce((a, b) => (b.seconds! > a.seconds! ? b : a));
  top.plusMinus += 5 * margin - sum(playing, (l) => l.plusMinus);
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}
