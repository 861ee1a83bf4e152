// What a run is asked to do, as one schema: the attach protocol validates a console's request with
// it and the state file keeps an interrupted run's request in it, so the two cannot disagree.
// Also: comparing requests (a resumed run that already covers the new request need not be
// followed by it).
import {z} from 'zod';
import {DERIVED_TABLE_NAMES} from '../catalog/types.js';
import {isoDate} from '../config.js';
import type {Config} from '../config.js';
import {MAX_BATCH_SIZE, MAX_WORKERS, RUN_ORDERS} from '../limits.js';
import type {Engine} from '../queries/dialect.js';
import type {ReprocessMode, RunRequest} from './types.js';

export const derivedTableName = z.enum(DERIVED_TABLE_NAMES);

export const REPROCESS_MODES: readonly ReprocessMode[] = ['missing', 'failed', 'stale', 'all'];

export const reprocessMode = z.enum(REPROCESS_MODES as [ReprocessMode, ...ReprocessMode[]]);

export const dateRangeSchema = z.object({start: isoDate, end: isoDate}).refine((r) => r.start <= r.end, 'range end before its start');

export const runRequestSchema = z.object({
  range: dateRangeSchema,
  processors: z.array(derivedTableName).min(1),
  force: z.boolean().optional(),
  reprocess: reprocessMode.optional(),
  cascade: z.boolean().optional(),
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).optional(),
  workers: z.number().int().min(1).max(MAX_WORKERS).optional(),
  order: z.enum(RUN_ORDERS).optional(),
  /** Bytes (parseSize's result: a positive whole number). */
  budget: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});

/**
 * The request as it runs: its order and (where the engine bills) its budget filled from the
 * config when the request does not say, so that the run journals them and a resumed run keeps
 * them whatever the config says by then. A console's selection carries neither: the host's
 * config gives them.
 */
export function withRunDefaults(request: RunRequest, config: Config, engine: Engine): RunRequest {
  const budget = request.budget ?? (engine === 'bigquery' ? config.budget : undefined);
  return {...request, order: request.order ?? config.order ?? 'oldest-first', ...(budget !== undefined ? {budget} : {})};
}

/** The request's mode: `force` is `all`; nothing said is `missing`. */
export function reprocessOf(request: RunRequest): ReprocessMode {
  return request.force ? 'all' : request.reprocess ?? 'missing';
}

export function cascadesOf(request: RunRequest): boolean {
  return request.cascade !== false;
}

export function sameRequest(a: RunRequest, b: RunRequest): boolean {
  const names = (r: RunRequest) => [...r.processors].sort().join(',');
  return (
    a.range.start === b.range.start && a.range.end === b.range.end && names(a) === names(b) &&
    reprocessOf(a) === reprocessOf(b) && cascadesOf(a) === cascadesOf(b)
  );
}
