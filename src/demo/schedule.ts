// The regular season's 1,230 games: the league's matchup formula (82 games, 41 at home), then a
// day-by-day placement on the calendar that keeps every team on pace, never twice on one day and
// never three days in a row, so back-to-backs happen the way they do in a real schedule.
import {addDays, type IsoDate} from '../dates.js';
import type {SeasonCalendar} from './calendar.js';
import {weekday} from './calendar.js';
import {Rng} from './random.js';
import {DIVISION_NAMES, TEAMS, divisionMembers} from './teams.js';

export interface Matchup {
  readonly home: number;
  readonly away: number;
}

export interface PlacedGame extends Matchup {
  readonly date: IsoDate;
}

/** Every pairing of the season with its home team: 4 games in the division, 3 or 4 in the conference, 2 across. */
export function seasonMatchups(startYear: number): Matchup[] {
  const games: Matchup[] = [];
  const add = (a: number, b: number, homeA: number, homeB: number) => {
    for (let i = 0; i < homeA; i++) games.push({home: a, away: b});
    for (let i = 0; i < homeB; i++) games.push({home: b, away: a});
  };
  const divisions = DIVISION_NAMES.map(divisionMembers);
  for (const members of divisions) {
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) add(members[i], members[j], 2, 2);
  }
  // Conference, other division: with each other division, a team plays two opponents 3 times (one
  // of them twice at home) and three opponents 4 times. The pattern rotates every season.
  for (const conference of ['East', 'West'] as const) {
    const own = divisions.filter((d) => TEAMS[d[0]].conference === conference);
    for (let x = 0; x < own.length; x++) {
      for (let y = x + 1; y < own.length; y++) {
        const rotation = (startYear + x + 2 * y) % 5;
        for (let i = 0; i < 5; i++) {
          for (let j = 0; j < 5; j++) {
            const a = own[x][i];
            const b = own[y][j];
            if (j === (i + rotation) % 5) add(a, b, 2, 1);
            else if (j === (i + rotation + 1) % 5) add(a, b, 1, 2);
            else add(a, b, 2, 2);
          }
        }
      }
    }
  }
  for (const a of TEAMS.keys()) {
    for (const b of TEAMS.keys()) if (a < b && TEAMS[a].conference !== TEAMS[b].conference) add(a, b, 1, 1);
  }
  return games;
}

/** Relative number of games by weekday (Sunday first): Thursdays and weekends are lighter. */
const WEEKDAY_WEIGHT = [0.8, 1.05, 0.95, 1.25, 0.6, 1.15, 0.85];

/** Game days of the regular season, in order. */
export function regularSeasonDays(calendar: SeasonCalendar): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = calendar.opener; d <= calendar.regularEnd; d = addDays(d, 1)) if (!calendar.dark.has(d)) days.push(d);
  return days;
}

/** Places the season's games on the calendar; retries with a fresh stream in the rare dead end. */
export function placeRegularSeason(calendar: SeasonCalendar, seed: number): PlacedGame[] {
  const matchups = seasonMatchups(calendar.startYear);
  for (let attempt = 0; attempt < 50; attempt++) {
    const placed = tryPlace(calendar, matchups, new Rng(seed, `schedule:${calendar.startYear}:${attempt}`));
    if (placed) return placed;
  }
  throw new Error(`could not place the ${calendar.season} schedule`);
}

function tryPlace(calendar: SeasonCalendar, matchups: readonly Matchup[], rng: Rng): PlacedGame[] | null {
  const days = regularSeasonDays(calendar);
  const teams = TEAMS.length;
  const remaining = new Array<number>(teams).fill(0);
  for (const g of matchups) {
    remaining[g.home]++;
    remaining[g.away]++;
  }
  const lastDay = new Array<number>(teams).fill(-10);
  const prevDay = new Array<number>(teams).fill(-10);
  const pairLast = new Map<number, number>();
  let open = rng.shuffle(matchups.map((_, i) => i));
  const placed: PlacedGame[] = [];
  const weights = days.map((d) => WEEKDAY_WEIGHT[weekday(d)]);
  let weightLeft = weights.reduce((a, b) => a + b, 0);

  for (let di = 0; di < days.length; di++) {
    const date = days[di];
    const daysLeft = days.length - di;
    let target = Math.round((open.length * weights[di]) / weightLeft);
    weightLeft -= weights[di];
    if (date === calendar.opener) target = 2;
    else if (date === calendar.christmas) target = 5;
    target = Math.max(1, Math.min(15, target + rng.int(-1, 1)));
    if (di === days.length - 1) target = 15;

    // How pressed each team is: games left against the days it can still play (no 3 in 3 days).
    const urgency = remaining.map((r) => r / Math.max(0.5, (daysLeft * 2) / 3));
    const scored: {index: number; score: number}[] = [];
    for (const index of open) {
      const {home, away} = matchups[index];
      if (!canPlay(home, di, lastDay, prevDay) || !canPlay(away, di, lastDay, prevDay)) continue;
      const pair = home < away ? home * teams + away : away * teams + home;
      const recent = di - (pairLast.get(pair) ?? -100) < 8 ? 0.6 : 0;
      const backToBack = (lastDay[home] === di - 1 ? 0.05 : 0) + (lastDay[away] === di - 1 ? 0.05 : 0);
      scored.push({index, score: urgency[home] + urgency[away] + 0.35 * rng.next() - recent - backToBack});
    }
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    const mustPlay = (index: number) => Math.max(urgency[matchups[index].home], urgency[matchups[index].away]) >= 0.97;
    const busy = new Set<number>();
    const today = new Set<number>();
    for (const {index} of scored) {
      const {home, away} = matchups[index];
      if (busy.has(home) || busy.has(away)) continue;
      // Past the day's target only teams that must play now still get a game.
      if (today.size >= target && !mustPlay(index)) continue;
      busy.add(home);
      busy.add(away);
      today.add(index);
      placed.push({...matchups[index], date});
      for (const t of [home, away]) {
        prevDay[t] = lastDay[t];
        lastDay[t] = di;
        remaining[t]--;
      }
      pairLast.set(home < away ? home * teams + away : away * teams + home, di);
    }
    open = open.filter((i) => !today.has(i));
  }
  return open.length === 0 ? placed : null;
}

function canPlay(team: number, day: number, lastDay: readonly number[], prevDay: readonly number[]): boolean {
  if (lastDay[team] === day) return false;
  return !(lastDay[team] === day - 1 && prevDay[team] === day - 2);
}
