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
  /** Multiplies players' 3-point share so the league lands on the season's three-point rate. */
  readonly threeTrend: number;
}

const BASE_PCT = [0.64, 0.425, 0.41, 0.375, 0.347];

/** [efficiency, fga, fta, oreb, tov, pf, three trend] by season start year; later seasons repeat the last. */
const SEASONS: Record<number, readonly number[]> = {
  2021: [1.002, 85.7, 22.0, 10.4, 13.4, 19.6, 0.98],
  2022: [1.015, 85.4, 23.2, 10.5, 13.8, 20.0, 0.98],
  2023: [1.015, 86.0, 21.9, 10.7, 13.2, 19.2, 1.0],
  2024: [1.014, 86.0, 21.6, 10.9, 13.8, 19.3, 1.04],
  2025: [1.012, 85.8, 22.1, 10.8, 13.5, 19.5, 1.05],
};

export function seasonProfile(startYear: number): SeasonProfile {
  const known = Math.min(Math.max(startYear, 2021), 2025);
  const [efficiency, fga, fta, oreb, tov, pf, threeTrend] = SEASONS[known];
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
    threeTrend,
  };
}
