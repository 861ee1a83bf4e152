// The bounds of a run's knobs, read by every place that accepts them: the command line, the
// config file, the attach protocol and the state file. One module, so they cannot disagree.

/** Game dates per batch: a season (about 200 with the playoffs) fits twice. */
export const MAX_BATCH_SIZE = 400;
/** Batches in flight across all processors (`--workers`, config `workers`). */
export const MAX_WORKERS = 64;
/** Batches in flight for one processor (config `processors.X.workers`). */
export const MAX_PROCESSOR_WORKERS = 32;

/** Which batches start first (`--order`, config `order`): the oldest dates (default) or the newest. */
export const RUN_ORDERS = ['oldest-first', 'newest-first'] as const;
export type RunOrder = (typeof RUN_ORDERS)[number];

/** BigQuery job priority as the command line and the config write it (`--priority`, config `priority`). */
export const PRIORITIES = ['interactive', 'batch'] as const;
export type Priority = (typeof PRIORITIES)[number];
/** Runs whose replaced rows are kept for undo (config `undo.runs`): at most the run history's length. */
export const MAX_UNDO_RUNS = 20;
