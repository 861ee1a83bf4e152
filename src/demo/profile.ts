// League-wide per-team-per-game means of a season (SPEC §6 ranges), moving a little from season
// to season the way the real league did: scoring rose after 2021-22, threes kept climbing.
import {ZONES} from './league.js';

export interface SeasonProfile {
  readonly fga: number;
  /** FG% per zone, in ZONES order. */
  readonly zonePct: readonly number[];
  readonly fta: number;
  readonly oreb: number;
  readonly dreb: number;
  /** Assists per field goal made. */
  readonly astPerFgm: number;
  readonly tov: number;
  readonly stl: number;
  readonly blk: number;
  readonly pf: number;
  /** The league's share of field-goal attempts from three; each team's mix is pulled towards it. */
  readonly threeShare: number;
}

const BASE_PCT = [0.65, 0.432, 0.416, 0.381, 0.352];

/** [efficiency, fga, fta, oreb, tov, pf, three-point share] by season start year; later seasons repeat the last. */
const SEASONS: Record<number, readonly number[]> = {
  2021: [1.008, 85.7, 22.0, 10.4, 13.4, 19.6, 0.408],
  2022: [1.02, 85.4, 23.2, 10.5, 13.8, 20.0, 0.41],
  2023: [1.02, 86.0, 21.9, 10.7, 13.2, 19.2, 0.412],
  2024: [1.018, 86.0, 21.6, 10.9, 13.8, 19.3, 0.432],
  2025: [1.018, 85.8, 22.1, 10.8, 13.5, 19.5, 0.428],
};

export function seasonProfile(startYear: number): SeasonProfile {
  const known = Math.min(Math.max(startYear, 2021), 2025);
  const [efficiency, fga, fta, oreb, tov, pf, threeShare] = SEASONS[known];
  return {
    fga,
    zonePct: ZONES.map((_, z) => BASE_PCT[z] * efficiency),
    fta,
    oreb,
    dreb: 33.4,
    astPerFgm: 0.615,
    tov,
    stl: 7.6,
    blk: 4.9,
    pf,
    threeShare,
  };
}
