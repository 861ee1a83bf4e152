// How many game dates a batch holds and how many batches of a processor run at once, unless the
// config or the command line says otherwise. One set-based query per batch is cheap on both
// engines, so batches are large: the fixed cost of a job (and, for lookback tables, of reading the
// season before the batch) is paid once per batch, not once per date.
import type {DerivedTableName} from '../catalog/types.js';
import type {Config} from '../config.js';

export const DEFAULT_BATCH_SIZE: Readonly<Record<DerivedTableName, number>> = {
  player_game_summary: 120,
  team_offense_game_summary: 120,
  team_defense_game_summary: 120,
  upcoming_player_game_context: 60,
  upcoming_team_game_context: 120,
  team_defensive_zone_analytics: 60,
  player_shot_zone_analytics: 60,
  player_defensive_context: 60,
  player_composite_factors: 60,
  ml_feature_store: 60,
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
