// The configuration file (--config FILE, JSON), validated with zod so that every error names the
// file, the key and what was expected.
import {readFileSync} from 'node:fs';
import {z} from 'zod';
import {resolveTable} from './catalog/index.js';
import type {DerivedTableName} from './catalog/types.js';
import {parseIsoDate} from './dates.js';
import {UsageError} from './errors.js';
import {MAX_BATCH_SIZE, MAX_PROCESSOR_WORKERS, MAX_UNDO_RUNS, MAX_WORKERS, PRIORITIES, RUN_ORDERS} from './limits.js';
import {clipped, quoted} from './quote.js';
import {parseSize} from './warehouse/sizes.js';

/** A real calendar date in YYYY-MM-DD form (also the attach protocol's dates). */
export const isoDate = z.string().refine((v) => {
  try {
    parseIsoDate(v);
    return true;
  } catch {
    return false;
  }
}, 'a real date in YYYY-MM-DD form');

/** Bytes written with a unit (`2TB`, `500GB`, `10MiB`), read as a number of bytes (src/warehouse/sizes.ts). */
const size = z
  .string()
  .max(64)
  .transform((text, ctx) => {
    try {
      return parseSize(text, 'size');
    } catch {
      ctx.addIssue({code: 'custom', message: 'expected a positive size with a unit, e.g. 500GB or 2TB (B, KB ... PB; KiB ... PiB)'});
      return z.NEVER;
    }
  });

const processorSettings = z
  .object({
    batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).optional(),
    workers: z.number().int().min(1).max(MAX_PROCESSOR_WORKERS).optional(),
    /** An external processor: argv with {start} and {end} placeholders, run without a shell. */
    command: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

const undoSettings = z
  .object({
    /** The replaced rows of this many runs are kept (default 3); 0 keeps nothing (no undo, no change report). */
    runs: z.number().int().min(0).max(MAX_UNDO_RUNS).optional(),
    /** BigQuery: read replaced rows back through time travel (default) or copy them into kept tables. */
    keep: z.enum(['time-travel', 'copy']).optional(),
    /** BigQuery: the datasets' time-travel window (max_time_travel_hours, 48 to 168; default 168). */
    timeTravelHours: z.number().int().min(48).max(168).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    target: z.enum(['duckdb', 'bigquery']).optional(),
    // Bounded: a path past PATH_MAX, or a location no cloud has, is a typo or garbage, not a name.
    warehouse: z.string().min(1).max(4096).optional(),
    project: z.string().min(1).optional(),
    location: z.string().min(1).max(64).optional(),
    datasets: z
      .object({
        nba_orchestration: z.string().min(1),
        nba_raw: z.string().min(1),
        nba_analytics: z.string().min(1),
        nba_precompute: z.string().min(1),
        nba_backfill: z.string().min(1),
      })
      .partial()
      .strict()
      .optional(),
    /** First date of the backfill range (SPEC: the seed's start). */
    start: isoDate.optional(),
    /** The real-time boundary: never written on or after it (default today). */
    boundary: isoDate.optional(),
    /** Global limit on batches in flight across processors. */
    workers: z.number().int().min(1).max(MAX_WORKERS).optional(),
    /** Which batches start first (`--order`). */
    order: z.enum(RUN_ORDERS).optional(),
    /** BigQuery only (ignored on DuckDB, like project and datasets): bytes billed the whole run may reach (`--budget`). */
    budget: size.optional(),
    /** BigQuery only: a fixed maximumBytesBilled per job instead of the dry-run estimate × bytesMargin (`--max-bytes-per-job`). */
    maxBytesPerJob: size.optional(),
    /** BigQuery only: each job's cap is its dry-run estimate times this (default 1.5). */
    bytesMargin: z.number().min(1).max(100).optional(),
    /** BigQuery only: job priority (`--priority`). */
    priority: z.enum(PRIORITIES).optional(),
    /** Per processor, by table name or short name. */
    processors: z.record(z.string(), processorSettings).optional(),
    /** Who is called when a run ends or a batch fails for good (README: Notifications). */
    notify: z
      .object({
        /** The console's bell and OSC 9 notification (default on; BACKFILL_NO_NOTIFY also turns it off). */
        terminal: z.boolean().optional(),
        /** Run for each notification, without a shell, the notification as one JSON line on stdin. */
        command: z.array(z.string().min(1)).min(1).optional(),
      })
      .strict()
      .optional(),
    /** What batches keep of the rows they replace, so that a run can be undone (src/undo/policy.ts). */
    undo: undoSettings.optional(),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type ProcessorSettings = z.infer<typeof processorSettings>;

export interface Config extends Omit<RawConfig, 'processors'> {
  readonly processors: Partial<Record<DerivedTableName, ProcessorSettings>>;
}

export const DEFAULT_START = '2021-11-01';

/** Reads and validates a config file; a missing, malformed or invalid file is a UsageError. */
export function loadConfig(file: string | undefined): Config {
  if (!file) return {processors: {}};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${file} is not valid JSON: ${clipped((error as Error).message, 160)}`);
  }
  return parseConfig(json, file);
}

/** A value from the file in a message: strings quoted, anything else as JSON, both cut (src/quote.ts). */
function shown(value: unknown): string {
  return typeof value === 'string' ? quoted(value) : clipped(String(JSON.stringify(value)));
}

/** "key.path: what was expected, got what" for the first problem zod found. */
function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  // Keys come from the file too: a 10 MB key is cut like any value.
  const path = issue.path.map((p) => clipped(String(p)));
  if (issue.code === 'unrecognized_keys') {
    const key = [...path, clipped(issue.keys[0])].join('.');
    const parent = path.length ? `in ${path.join('.')}` : 'at the top level';
    return `${key}: unknown key ${parent} (check the spelling; see the README's configuration section)`;
  }
  const key = path.length ? path.join('.') : '(top level)';
  const message = issue.message
    .replace(/^Invalid (input|option): /, '')
    .replace(/^Too (small|big): /, '')
    .replace(/, received \w+$/, '');
  const expected = /^expected /.test(message) ? message : `expected ${message}`;
  const got = valueAt(json, issue.path.map(String));
  return `${key}: ${clipped(expected, 160)}${got === undefined ? '' : `, got ${shown(got)}`}`;
}

function valueAt(json: unknown, path: readonly string[]): unknown {
  let value = json;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function parseConfig(json: unknown, file = 'config'): Config {
  const result = configSchema.safeParse(json);
  if (!result.success) throw new UsageError(`config ${file}: ${describeIssue(result.error.issues[0], json)}`);
  if (result.data.start && result.data.boundary && result.data.start >= result.data.boundary) {
    throw new UsageError(`config ${file}: start: expected a date before boundary ${result.data.boundary}, got ${quoted(result.data.start)}`);
  }
  const processors: Partial<Record<DerivedTableName, ProcessorSettings>> = {};
  for (const [name, settings] of Object.entries(result.data.processors ?? {})) {
    let table;
    try {
      table = resolveTable(name);
    } catch (error) {
      throw new UsageError(`config ${file}: processors.${clipped(name)}: ${(error as Error).message}`);
    }
    processors[table.name] = settings;
  }
  return {...result.data, processors};
}
