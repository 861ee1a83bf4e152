// How many game dates a batch holds and how many batches of a processor run at once, unless the
// config or the command line says otherwise. One set-based query per batch is cheap on both
// engines, so batches are large: the fixed cost of a job (and, for lookback tables, of reading the
// season before the batch) is paid once per batch, not once per date.
import type {DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';

/** A season has about 200 game dates with the playoffs: by default one batch per processor and season. */
const SEASON_BATCH = 250;

export const DEFAULT_BATCH_SIZE: Readonly<Record<DerivedTableName, number>> = {
  player_game_summary: SEASON_BATCH,
  team_offense_game_summary: SEASON_BATCH,
  team_defense_game_summary: SEASON_BATCH,
  upcoming_player_game_context: SEASON_BATCH,
  upcoming_team_game_context: SEASON_BATCH,
  team_defensive_zone_analytics: SEASON_BATCH,
  player_shot_zone_analytics: SEASON_BATCH,
  player_defensive_context: SEASON_BATCH,
  player_composite_factors: SEASON_BATCH,
  ml_feature_store: SEASON_BATCH,
};

export const DEFAULT_PROCESSOR_WORKERS = 2;
/** Batches in flight across all processors. */
export const DEFAULT_GLOBAL_WORKERS = 4;

export interface ProcessorLimits {
  readonly batchSize: number;
  readonly workers: number;
  /** argv template of an external processor, null for SQL. */
  readonly command: readonly string[] | null;
}

/** Command line beats config beats defaults. */
export function limitsFor(
  name: DerivedTableName,
  config: Config,
  overrides: {readonly batchSize?: number; readonly workers?: number},
): ProcessorLimits {
  const settings = config.processors[name] ?? {};
  return {
    batchSize: overrides.batchSize ?? settings.batchSize ?? DEFAULT_BATCH_SIZE[name],
    workers: overrides.workers ?? settings.workers ?? DEFAULT_PROCESSOR_WORKERS,
    command: settings.command ?? null,
  };
}

export function globalWorkers(config: Config, overrides: {readonly workers?: number}): number {
  // --workers N bounds each processor; the global limit grows with it so that N is honoured.
  return Math.max(config.workers ?? DEFAULT_GLOBAL_WORKERS, overrides.workers ?? 0);
}
