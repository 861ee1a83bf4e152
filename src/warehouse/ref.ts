// Which warehouse a command works on, computed once from the command line, the config and the
// environment: its engine, its identity and how to open it. The identity names the warehouse's
// lock, its attach socket and its resume state, so every process that means the same warehouse
// (a console, its host, a cron `run`, `status`) derives the same key, and two warehouses never
// share one. The adapters take their `description` from the same functions.
import {basename, resolve} from 'node:path';
import type {Dataset} from '../catalog/types.js';
import type {JobPriority} from './bigquery-client.js';
import {checkDatasetNames, checkProjectId} from './identifiers.js';
import type {Warehouse} from './types.js';

/**
 * How every job of the adapter is submitted, whichever command opens it (a run, its host,
 * validate, rollback): its priority and its spend cap (src/warehouse/bigquery-spend.ts).
 */
export interface BigQueryJobSettings {
  readonly priority?: JobPriority;
  /** A fixed maximumBytesBilled (--max-bytes-per-job) instead of the dry-run estimate × bytesMargin. */
  readonly maxBytesPerJob?: number;
  readonly bytesMargin?: number;
}

/** The BigQuery settings, checked: also what `sql --engine bigquery` prints statements for. */
export interface BigQuerySettings {
  /** From --project, the config, else GOOGLE_CLOUD_PROJECT; undefined when none says. */
  readonly project: string | undefined;
  readonly location: string | undefined;
  readonly datasets: Partial<Record<Dataset, string>>;
  readonly jobs: BigQueryJobSettings;
}

export type WarehouseRef =
  | {readonly engine: 'duckdb'; readonly path: string; readonly identity: string; readonly label: string}
  | ({readonly engine: 'bigquery'; readonly identity: string; readonly label: string} & BigQuerySettings);

export interface OpenOptions {
  /** DuckDB: create the file when missing (the demo, `init`). */
  readonly create?: boolean;
  readonly readOnly?: boolean;
  readonly env: NodeJS.ProcessEnv;
}

export function duckdbIdentity(path: string): string {
  return path === ':memory:' ? path : resolve(path);
}

export function bigqueryIdentity(project: string | undefined): string {
  return `bigquery:${project ?? ''}`;
}

/**
 * The BigQuery settings of the configuration, identifiers checked (whatever the target: `sql
 * --engine bigquery` prints them into SQL). The environment's project counts only when no
 * option or config names one.
 */
export function bigQuerySettings(
  given: {readonly project?: string; readonly location?: string; readonly datasets?: Partial<Record<string, string>>; readonly jobs?: BigQueryJobSettings},
  env: NodeJS.ProcessEnv,
): BigQuerySettings {
  const explicit = given.project !== undefined ? checkProjectId(given.project) : undefined;
  const fromEnv = env.GOOGLE_CLOUD_PROJECT || undefined;
  return {
    project: explicit ?? (fromEnv !== undefined ? checkProjectId(fromEnv, 'GOOGLE_CLOUD_PROJECT') : undefined),
    location: given.location,
    datasets: checkDatasetNames(given.datasets ?? {}),
    jobs: given.jobs ?? {},
  };
}

export function warehouseRef(target: 'duckdb' | 'bigquery', duckdbPath: string, bigquery: BigQuerySettings): WarehouseRef {
  if (target === 'duckdb') {
    const path = duckdbIdentity(duckdbPath);
    return {engine: 'duckdb', path, identity: path, label: basename(path)};
  }
  const identity = bigqueryIdentity(bigquery.project);
  return {engine: 'bigquery', ...bigquery, identity, label: identity};
}

/** Where the warehouse is, for messages: the file, or the project. */
export function describeRef(ref: WarehouseRef): string {
  return ref.engine === 'duckdb' ? ref.path : `BigQuery project ${ref.project ?? '(none configured)'}`;
}

/** Opens the warehouse the ref names. A missing DuckDB file is created only with `create`. */
export async function openRef(ref: WarehouseRef, options: OpenOptions): Promise<Warehouse> {
  if (ref.engine === 'bigquery') {
    const {openBigQuery} = await import('./bigquery.js');
    return openBigQuery({project: ref.project, location: ref.location, datasets: ref.datasets, env: options.env, ...ref.jobs});
  }
  const {openDuckDb} = await import('./duckdb.js');
  return openDuckDb(ref.path, {readOnly: options.readOnly === true});
}
