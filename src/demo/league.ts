// The league's people: players with a talent that is stable within a season and drifts between
// seasons (age curve), 15-man rosters, off-season moves, rookies, and a few mid-season trades.
// Everything a box score needs about a player is decided here, once per season.
import {addDays, type IsoDate} from '../dates.js';
import type {SeasonCalendar} from './calendar.js';
import {inventName, playerLookup} from './names.js';
import {seasonProfile, type SeasonProfile} from './profile.js';
import {Rng} from './random.js';
import {TEAMS} from './teams.js';

export type Position = 'G' | 'G-F' | 'F' | 'F-C' | 'C';

/** Zones in the order the box score counts them. */
export const ZONES = ['restricted_area', 'paint', 'mid_range', 'corner_3', 'above_break_3'] as const;

export interface Player {
  readonly id: number;
  readonly name: string;
  readonly lookup: string;
  readonly position: Position;
  readonly birthYear: number;
  /** Talent in standard deviations; changes only between seasons. */
  quality: number;
}

/** What one season of a player looks like: fixed for the season so rolling averages mean something. */
export interface SeasonPlayer {
  readonly player: Player;
  /** Rotation order within his team: higher plays more. */
  readonly priority: number;
  usage: number;
  /** Share of his attempts per zone (sums to 1). */
  readonly zoneMix: readonly number[];
  /** Relative shooting over the league (0.03 = 3% better at every zone). */
  shooting: number;
  readonly ftPct: number;
  readonly ftRate: number;
  readonly oreb: number;
  readonly dreb: number;
  readonly ast: number;
  readonly stl: number;
  readonly blk: number;
  readonly tov: number;
  readonly pf: number;
  /** Dates he is out injured. */
  readonly injured: ReadonlySet<IsoDate>;
  /** Veterans sit some games out for rest. */
  readonly restRate: number;
}

export interface Stint {
  readonly team: number;
  readonly player: SeasonPlayer;
  readonly from: IsoDate;
  /** Last day on the team, inclusive; null while the season lasts. */
  readonly to: IsoDate | null;
}

export interface TeamSeason {
  /** Relative shooting of its offense, and what its defense takes off opponents. */
  readonly offense: number;
  readonly defense: number;
  readonly pace: number;
}

export interface SeasonLeague {
  readonly calendar: SeasonCalendar;
  readonly stints: readonly Stint[];
  readonly teams: readonly TeamSeason[];
  /** The players of `team` on `date`. */
  roster(team: number, date: IsoDate): SeasonPlayer[];
}

const ROSTER_SIZE = 15;
/** Minutes of the rotation by rank, before scaling to the team's 240. */
export const ROTATION_MINUTES = [37, 35, 33, 31, 28, 25, 22, 19, 16, 14, 12];
/** The best scorer of a season is held near this many points a game (SPEC §6: 30-34). */
const TOP_SCORER_PPG = 31.5;
const POSITIONS: readonly Position[] = ['G', 'G', 'G', 'G', 'G-F', 'G-F', 'F', 'F', 'F', 'F', 'F-C', 'F-C', 'C', 'C', 'G'];

/** Position traits: 3-point share relative to the league, corner share of threes, 2-point split, rebounding, playmaking, rim protection. */
const TRAITS: Record<Position, {three: number; corner: number; two: [number, number, number]; oreb: number; dreb: number; ast: number; stl: number; blk: number; pf: number; ft: number}> = {
  'G': {three: 1.2, corner: 0.17, two: [0.44, 0.22, 0.34], oreb: 0.55, dreb: 1.05, ast: 2.3, stl: 1.2, blk: 0.4, pf: 0.9, ft: 0.03},
  'G-F': {three: 1.12, corner: 0.22, two: [0.48, 0.22, 0.30], oreb: 0.8, dreb: 1.35, ast: 1.4, stl: 1.15, blk: 0.6, pf: 0.95, ft: 0.01},
  'F': {three: 1.0, corner: 0.26, two: [0.52, 0.25, 0.23], oreb: 1.4, dreb: 1.9, ast: 1.0, stl: 1.0, blk: 1.0, pf: 1.0, ft: -0.01},
  'F-C': {three: 0.7, corner: 0.3, two: [0.58, 0.26, 0.16], oreb: 2.3, dreb: 2.6, ast: 0.8, stl: 0.85, blk: 2.1, pf: 1.15, ft: -0.04},
  'C': {three: 0.35, corner: 0.32, two: [0.66, 0.24, 0.10], oreb: 3.0, dreb: 3.1, ast: 0.75, stl: 0.75, blk: 2.9, pf: 1.3, ft: -0.08},
};

/** The whole league, season after season; each season is derived from the previous one. */
export class LeagueHistory {
  private readonly taken = new Set<string>();
  private nextId = 1629001;
  /** Team of each active player at the end of the previous season. */
  private teamOf = new Map<Player, number>();
  private teamStrength: TeamSeason[] = [];

  constructor(private readonly seed: number) {}

  /** Must be called for consecutive seasons, 2021 first. */
  season(calendar: SeasonCalendar): SeasonLeague {
    const year = calendar.startYear;
    const rng = new Rng(this.seed, `league:${year}`);
    if (this.teamOf.size === 0) this.foundLeague(rng, year);
    else this.offseason(rng, year);

    const strength = TEAMS.map((_, t) => {
      const before = this.teamStrength[t];
      const drift = (value: number | undefined, sd: number) => (value === undefined ? rng.normal(0, sd) : 0.55 * value + rng.normal(0, sd * 0.85));
      return {offense: drift(before?.offense, 0.028), defense: drift(before?.defense, 0.028), pace: 1 + rng.normal(0, 0.018)};
    });
    // Strengths are relative to the league: centred, so the league's scoring is the profile's.
    const mean = (pick: (t: TeamSeason) => number) => strength.reduce((n, t) => n + pick(t), 0) / strength.length;
    const [offense, defense, pace] = [mean((t) => t.offense), mean((t) => t.defense), mean((t) => t.pace)];
    this.teamStrength = strength.map((t) => ({offense: t.offense - offense, defense: t.defense - defense, pace: t.pace - pace + 1}));

    const seasonPlayers = new Map<Player, SeasonPlayer>();
    // Every day from opening night to the end of the Finals, for injury spells.
    const days: IsoDate[] = [];
    for (let d = calendar.opener, last = addDays(calendar.playoffStart, 75); d <= last; d = addDays(d, 1)) days.push(d);
    for (const player of [...this.teamOf.keys()].sort((a, b) => a.id - b.id)) {
      seasonPlayers.set(player, seasonPlayer(new Rng(this.seed, `player:${year}:${player.id}`), player, year, days));
    }
    const rosters = TEAMS.map((_, t) => [...this.teamOf].filter(([, team]) => team === t).map(([p]) => seasonPlayers.get(p)!));
    centerShooting(rosters);
    capStarScoring(rosters, seasonProfile(year));
    const stints: Stint[] = [];
    const open = new Map<Player, {team: number; from: IsoDate}>();
    for (const [player, team] of this.teamOf) open.set(player, {team, from: calendar.opener});

    // Mid-season trades: one-for-one swaps of players of similar standing, before the deadline.
    const traded = new Set<Player>();
    const trades = rng.int(4, 8);
    for (let i = 0; i < trades; i++) {
      const date = addDays(`${year}-12-15`, rng.int(0, 56));
      const [a, b] = rng.shuffle([...TEAMS.keys()]).slice(0, 2);
      const pickFrom = (team: number) =>
        [...open.entries()].filter(([p, s]) => s.team === team && !traded.has(p)).map(([p]) => p).sort((x, y) => x.id - y.id);
      const fromA = rng.pick(pickFrom(a));
      const candidates = pickFrom(b).sort((x, y) => Math.abs(x.quality - fromA.quality) - Math.abs(y.quality - fromA.quality) || x.id - y.id);
      const fromB = candidates[rng.int(0, 2)];
      for (const [player, to] of [[fromA, b], [fromB, a]] as const) {
        const stint = open.get(player)!;
        stints.push({team: stint.team, player: seasonPlayers.get(player)!, from: stint.from, to: addDays(date, -1)});
        open.set(player, {team: to, from: date});
        this.teamOf.set(player, to);
        traded.add(player);
      }
    }
    for (const [player, stint] of open) stints.push({team: stint.team, player: seasonPlayers.get(player)!, from: stint.from, to: null});
    stints.sort((x, y) => x.team - y.team || x.from.localeCompare(y.from) || x.player.player.id - y.player.player.id);

    const byTeam = TEAMS.map((_, t) => stints.filter((s) => s.team === t));
    const cache = new Map<string, SeasonPlayer[]>();
    return {
      calendar,
      stints,
      teams: this.teamStrength,
      roster(team, date) {
        const key = `${team}:${date}`;
        let list = cache.get(key);
        if (!list) {
          list = byTeam[team].filter((s) => s.from <= date && (s.to === null || s.to >= date)).map((s) => s.player);
          list.sort((x, y) => y.priority - x.priority || x.player.id - y.player.id);
          cache.set(key, list);
        }
        return list;
      },
    };
  }

  private newPlayer(rng: Rng, year: number, age: number, quality: number, position: Position): Player {
    const name = inventName(rng, this.taken);
    const player: Player = {id: this.nextId++, name, lookup: playerLookup(name), position, birthYear: year - age, quality};
    return player;
  }

  private foundLeague(rng: Rng, year: number): void {
    for (const team of TEAMS.keys()) {
      for (const position of POSITIONS) {
        const age = rng.int(20, 35);
        this.teamOf.set(this.newPlayer(rng, year, age, rng.normal(0, 1) - 0.02 * Math.abs(age - 27), position), team);
      }
    }
  }

  /** Ageing, retirements, free agency and the draft between two seasons. */
  private offseason(rng: Rng, year: number): void {
    const pool: Player[] = [];
    const rosters = TEAMS.map(() => [] as Player[]);
    for (const [player, team] of [...this.teamOf].sort((a, b) => a[0].id - b[0].id)) {
      const age = year - player.birthYear;
      player.quality += (age <= 23 ? 0.3 : age <= 27 ? 0.1 : age <= 30 ? 0 : -0.18 * (age - 30) ** 0.7) + rng.normal(0, 0.25);
      const retires = (age >= 33 && rng.chance(0.12 * (age - 32))) || (player.quality < -1.7 && rng.chance(0.5));
      if (retires) continue;
      if (rng.chance(0.22)) pool.push(player);
      else rosters[team].push(player);
    }
    // The draft: two rookies per team, a few of them ready to start.
    for (let pick = 0; pick < 60; pick++) {
      const quality = pick < 5 ? rng.normal(0.9, 0.5) : rng.normal(-0.7, 0.7);
      pool.push(this.newPlayer(rng, year, rng.int(19, 22), quality, rng.pick(POSITIONS)));
    }
    // Teams with the most open spots sign first; the pool is ordered by talent with some noise.
    const ranked = pool.map((p) => ({p, key: p.quality + rng.normal(0, 0.6)})).sort((a, b) => b.key - a.key).map((x) => x.p);
    while (ranked.length > 0 && rosters.some((r) => r.length < ROSTER_SIZE)) {
      const team = rosters.map((r, t) => ({t, open: ROSTER_SIZE - r.length})).filter((x) => x.open > 0).sort((a, b) => b.open - a.open || a.t - b.t)[0].t;
      rosters[team].push(ranked.shift()!);
    }
    // Roster holes left by a thin pool are filled by undrafted players.
    for (const roster of rosters) {
      while (roster.length < ROSTER_SIZE) roster.push(this.newPlayer(rng, year, rng.int(21, 24), rng.normal(-1.2, 0.4), rng.pick(POSITIONS)));
    }
    this.teamOf = new Map(rosters.flatMap((roster, team) => roster.map((p) => [p, team] as [Player, number])));
  }
}

/** Makes shooting relative to the league: the minutes- and usage-weighted mean of rotation players is 0. */
function centerShooting(rosters: SeasonPlayer[][]): void {
  let weighted = 0;
  let total = 0;
  for (const roster of rosters) {
    [...roster].sort((a, b) => b.priority - a.priority).slice(0, 10).forEach((p, rank) => {
      weighted += ROTATION_MINUTES[rank] * p.usage * p.shooting;
      total += ROTATION_MINUTES[rank] * p.usage;
    });
  }
  for (const roster of rosters) for (const p of roster) p.shooting -= weighted / total;
}

/**
 * Lowers the usage of the players whose expected scoring (template minutes, their share of the
 * team's shots and free throws, their shooting) is above the cap, so that one lucky draw of talent
 * does not produce a 40-point scorer.
 */
function capStarScoring(rosters: SeasonPlayer[][], profile: SeasonProfile): void {
  for (let pass = 0; pass < 4; pass++) {
    for (const roster of rosters) {
      const rotation = [...roster].sort((a, b) => b.priority - a.priority).slice(0, 10);
      const minutes = rotation.map((_, rank) => (ROTATION_MINUTES[rank] * 240) / 260);
      const shots = rotation.reduce((n, p, i) => n + minutes[i] * p.usage, 0);
      const trips = rotation.reduce((n, p, i) => n + minutes[i] * p.ftRate, 0);
      rotation.forEach((p, i) => {
        const pointsPerShot = p.zoneMix.reduce((n, share, z) => n + share * profile.zonePct[z] * (1 + p.shooting) * (z >= 3 ? 3 : 2), 0);
        const expected = ((profile.fga * minutes[i] * p.usage) / shots) * pointsPerShot + ((profile.fta * minutes[i] * p.ftRate) / trips) * p.ftPct;
        if (expected > TOP_SCORER_PPG) p.usage *= (TOP_SCORER_PPG / expected) ** 1.3;
      });
    }
  }
}

function seasonPlayer(rng: Rng, player: Player, year: number, days: readonly IsoDate[]): SeasonPlayer {
  const trait = TRAITS[player.position];
  const q = player.quality;
  const three = Math.min(0.8, Math.max(0.02, 0.41 * trait.three * Math.exp(rng.normal(0, 0.25))));
  const corner = Math.min(0.6, Math.max(0.05, trait.corner * Math.exp(rng.normal(0, 0.2))));
  const two = trait.two.map((s) => s * Math.exp(rng.normal(0, 0.2)));
  const twoSum = two[0] + two[1] + two[2];
  const zoneMix = [...two.map((s) => ((1 - three) * s) / twoSum), three * corner, three * (1 - corner)];
  const usage = Math.exp(0.36 * q + rng.normal(0, 0.1));
  const jitter = (sd: number) => Math.exp(rng.normal(0, sd));
  const injured = new Set<IsoDate>();
  for (let d = 0; d < days.length; d++) {
    if (!rng.chance(0.0045)) continue;
    const length = rng.chance(0.6) ? rng.int(1, 3) : rng.chance(0.75) ? rng.int(4, 14) : rng.int(15, 50);
    for (let i = 0; i < length && d + i < days.length; i++) injured.add(days[d + i]);
    d += length;
  }
  const age = year - player.birthYear;
  return {
    player,
    priority: q + rng.normal(0, 0.35),
    usage,
    zoneMix,
    shooting: 0.012 * q + rng.normal(0, 0.035),
    ftPct: Math.min(0.93, Math.max(0.5, rng.normal(0.79 + trait.ft, 0.055))),
    ftRate: usage ** 1.4 * (1 + (player.position === 'C' ? 0.15 : 0)) * jitter(0.25),
    oreb: trait.oreb * jitter(0.25),
    dreb: trait.dreb * jitter(0.2),
    ast: trait.ast * Math.sqrt(usage) * jitter(0.3),
    stl: trait.stl * jitter(0.2),
    blk: trait.blk * jitter(0.3),
    tov: usage * Math.sqrt(trait.ast) * jitter(0.2),
    pf: trait.pf * jitter(0.15),
    injured,
    restRate: age >= 31 && q > 0.8 ? 0.03 : 0,
  };
}
