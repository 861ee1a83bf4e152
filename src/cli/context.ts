// What every subcommand gets: the resolved global options and the way to open the warehouse.
import {existsSync} from 'node:fs';
import {homedir} from 'node:os';
import {join, resolve} from 'node:path';
import {loadConfig, type Config, DEFAULT_START} from '../config.js';
import {parseIsoDate, today, type IsoDate} from '../dates.js';
import {UsageError, WarehouseBusyError} from '../errors.js';
import {terminalNotifyEnabled} from '../notify/terminal.js';
import {describeHolder, lockHolder} from '../state/lock.js';
import {bigQueryJobArgs, bigQueryJobSettings, type BigQueryJobFlags} from './bigquery-options.js';
import {bigQuerySettings, openRef, warehouseRef, type BigQuerySettings, type WarehouseRef} from '../warehouse/ref.js';
import type {Warehouse} from '../warehouse/types.js';

export interface GlobalOptions extends BigQueryJobFlags {
  readonly warehouse?: string;
  readonly target?: 'duckdb' | 'bigquery';
  readonly project?: string;
  readonly location?: string;
  readonly config?: string;
  readonly stateDir?: string;
  /** commander's `--no-tty` sets this to false. */
  readonly tty?: boolean;
  readonly logFormat?: 'text' | 'json';
  /** `--notify CMD`: words separated by spaces, no shell (the config takes an argv list). */
  readonly notify?: string;
}

export interface CliContext {
  readonly config: Config;
  /** The warehouse this command works on: engine, identity (lock, socket, state) and how to open it. */
  readonly warehouse: WarehouseRef;
  /** The BigQuery settings, identifiers checked, whatever the target (`sql --engine bigquery` uses them). */
  readonly bigquery: BigQuerySettings;
  readonly stateDir: string;
  /** First date of the default backfill range. */
  readonly start: IsoDate;
  /** The real-time boundary: nothing on or after it is written. */
  readonly boundary: IsoDate;
  /** True when the console may be shown: stdout is a terminal and --no-tty was not given. */
  readonly interactive: boolean;
  readonly logFormat: 'text' | 'json';
  /** The notify command (--notify, else the config's), null for none; whether the console rings. */
  readonly notify: {readonly command: readonly string[] | null; readonly terminal: boolean};
  readonly env: NodeJS.ProcessEnv;
  /** The global options that give another process of this program the same warehouse and state. */
  readonly globalArgs: readonly string[];
  out(line: string): void;
  err(line: string): void;
  /**
   * Opens the configured warehouse; a missing DuckDB file is a UsageError unless `create`. A file
   * another backfill holds is refused naming the holder from its lock (pid, host, start, range).
   */
  openWarehouse(options?: {readonly create?: boolean; readonly readOnly?: boolean}): Promise<Warehouse>;
}

function dataHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
}

function stateHome(env: NodeJS.ProcessEnv): string {
  return env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
}

/** The documented defaults: ~/.local/share/backfill/warehouse.duckdb and ~/.local/state/backfill. */
export function defaultWarehousePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataHome(env), 'backfill', 'warehouse.duckdb');
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateHome(env), 'backfill');
}

/** `--notify 'cmd arg'`: the words of the command, run without a shell; an empty one is bad input. */
export function parseNotifyCommand(text: string): string[] {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new UsageError('--notify is empty: give the command to run, e.g. --notify /usr/local/bin/page-me (its stdin gets one JSON line per notification)');
  return words;
}

export function createContext(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): CliContext {
  const config = loadConfig(options.config);
  const target = options.target ?? config.target ?? 'duckdb';
  const duckdbPath = resolve(options.warehouse ?? env.BACKFILL_WAREHOUSE ?? config.warehouse ?? defaultWarehousePath(env));
  const jobs = bigQueryJobSettings(options, config, target);
  const bigquery = bigQuerySettings({project: options.project ?? config.project, location: options.location ?? config.location, datasets: config.datasets, jobs}, env);
  const warehouse = warehouseRef(target, duckdbPath, bigquery);
  const stateDir = resolve(options.stateDir ?? env.BACKFILL_STATE_DIR ?? defaultStateDir(env));
  const boundary = config.boundary ? parseIsoDate(config.boundary) : today();
  const start = config.start ?? DEFAULT_START;
  const interactive = options.tty !== false && process.stdout.isTTY === true;
  const notifyCommand = options.notify !== undefined ? parseNotifyCommand(options.notify) : (config.notify?.command ?? null);
  return {
    config,
    warehouse,
    bigquery,
    stateDir,
    start,
    boundary,
    interactive,
    logFormat: options.logFormat ?? 'text',
    notify: {command: notifyCommand, terminal: terminalNotifyEnabled(env, config.notify?.terminal)},
    env,
    globalArgs: [
      ...['--target', target, '--warehouse', duckdbPath, '--state-dir', stateDir],
      ...(options.config ? ['--config', resolve(options.config)] : []),
      ...(bigquery.project ? ['--project', bigquery.project] : []),
      ...(bigquery.location ? ['--location', bigquery.location] : []),
      ...bigQueryJobArgs(options),
      ...(options.notify !== undefined ? ['--notify', options.notify] : []),
    ],
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    async openWarehouse({create = false, readOnly = false} = {}) {
      if (warehouse.engine === 'duckdb' && !create && !existsSync(warehouse.path)) {
        throw new UsageError(`no warehouse at ${warehouse.path}: create the demo with \`backfill demo\` or pass --warehouse FILE`);
      }
      try {
        return await openRef(warehouse, {create, readOnly, env});
      } catch (error) {
        // DuckDB's own lock names only a pid: the run's lock file says who, where, since when, what.
        const holder = error instanceof WarehouseBusyError ? lockHolder(stateDir, warehouse.identity) : null;
        if (holder) throw new WarehouseBusyError(`the warehouse ${warehouse.identity} is being written by another backfill (${describeHolder(holder)}); attach to it with \`backfill attach\` or wait for it to finish`, holder.pid);
        throw error;
      }
    },
  };
}
