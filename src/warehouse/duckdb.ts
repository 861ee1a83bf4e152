// The embedded warehouse: one DuckDB file, one instance per process, a small pool of connections
// so that parallel batches run in parallel (DuckDB serialises only conflicting writes).
import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import {DuckDBConnection, DuckDBInstance, type DuckDBResultReader} from '@duckdb/node-api';
import type {DerivedTable, Table} from '../catalog/types.js';
import {UsageError, WarehouseBusyError} from '../errors.js';
import {duckdb} from '../queries/dialect.js';
import {dataGuardError} from '../queries/guards.js';
import {deleteRangeStatement, replaceRangeStatements} from '../queries/write.js';
import {clipped} from '../quote.js';
import {describeDisk, fileSize, isDiskFull} from './disk.js';
import {formatBytes} from './sizes.js';
import {duckdbIdentity} from './ref.js';
import {explainStrayRows} from './stray-rows.js';
import {NO_STATISTICS, timestampParam, type Companion, type Params, type QueryOptions, type Row, type SqlValue, type Warehouse, type WriteOptions, type WriteResult} from './types.js';

export interface DuckDbOptions {
  readonly readOnly?: boolean;
}

/**
 * Settings of every instance, measured on the full demo backfill (bench/cases/backfill.mjs, 2 shared
 * cores): with these the default run used about half the CPU and a third to a half of the wall time.
 * - threads 1: the warehouse's queries are small (≤ a few hundred thousand rows), and the runner
 *   already runs several batches at once, each on its own connection and calling thread; DuckDB's
 *   parallel operators and parallel INSERT (row groups merged to preserve order) cost more than
 *   they gain here, in CPU as in wall time.
 * - checkpoint_threshold 128MB: DuckDB's default (16 MiB) checkpoints after most batches' commits,
 *   which cost the full demo backfill 24% more CPU and left a file 85% larger (each checkpoint
 *   strands blocks); 1GB kept the whole run in the WAL: 233 MiB of WAL on top of the file at the
 *   end (313 MiB of disk at peak for an 80 MiB result) and ~680 MB of RSS, since rows not yet
 *   checkpointed live in memory. 128MB checkpoints once midway on the full demo: the same CPU and
 *   file size as 1GB, a WAL of at most ~125 MiB, 187 MiB of disk at peak, ~55 MB less RSS, and the
 *   WAL stays bounded however large the warehouse grows (three full demo backfills per setting
 *   through the CLI, medians). A WAL left by a crash is replayed on the next open, so nothing
 *   committed is lost either way.
 */
export const INSTANCE_SETTINGS: Readonly<Record<string, string>> = {threads: '1', checkpoint_threshold: '128MB'};

/** Opens (or creates) the DuckDB file; a file locked by another process is a WarehouseBusyError. */
export async function openDuckDb(path: string, options: DuckDbOptions = {}): Promise<DuckDbWarehouse> {
  const file = duckdbIdentity(path);
  if (!options.readOnly && file !== ':memory:') {
    try {
      mkdirSync(dirname(file), {recursive: true});
    } catch (error) {
      throw new UsageError(`cannot create the warehouse folder ${dirname(file)}: ${(error as Error).message}`);
    }
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file, {...INSTANCE_SETTINGS, ...(options.readOnly ? {access_mode: 'READ_ONLY'} : {})});
  } catch (error) {
    throw describeOpenError(file, error as Error);
  }
  const warehouse = new DuckDbWarehouse(file, instance, options.readOnly === true);
  // A WAL left by a checkpoint that failed (a full disk) or by a crash: checkpoint it now, so that
  // a disk still too full says so once, here, instead of failing every batch of the run.
  if (!options.readOnly && fileSize(walOf(file)) > 0) {
    try {
      await warehouse.checkpoint();
    } catch (error) {
      await warehouse.close().catch(() => undefined);
      throw error;
    }
  }
  return warehouse;
}

function walOf(file: string): string {
  return `${file}.wal`;
}

/** Room a checkpoint needs beyond the WAL's content: metadata and free-list blocks (256 KiB each). */
const CHECKPOINT_METADATA_BYTES = 1024 * 1024;

/**
 * A checkpoint that failed, in one line: on a full disk, which disk and how much space it needs
 * (at most the WAL's size plus a few metadata blocks: the checkpoint moves the WAL's content into
 * the file; rows written straight to the file by a large insert are already there). Nothing
 * committed is lost either way: the WAL stays and is replayed on the next open.
 */
export function checkpointError(file: string, error: Error, walBytes: number): Error {
  const message = (error.message ?? String(error)).split('\n')[0].replace(/^FATAL Error: /, '');
  const kept = 'nothing committed is lost: the WAL is replayed on the next open';
  if (isDiskFull(message)) {
    return new Error(
      `the warehouse ${file} could not be checkpointed: ${describeDisk(file)} is full; ` +
        `free ${formatBytes(walBytes + CHECKPOINT_METADATA_BYTES)} there (its WAL's size and room for metadata) and run \`backfill run\` again: ${kept}`,
    );
  }
  return new Error(`the warehouse ${file} could not be checkpointed (${clipped(message, 300)}); its WAL is ${formatBytes(walBytes)}: ${kept}`);
}

function describeOpenError(file: string, error: Error): Error {
  const message = error.message ?? String(error);
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  if (lock) {
    return new WarehouseBusyError(
      `the warehouse ${file} is in use by another process (${lock[1]}, pid ${lock[2]}); ` +
        'attach to it with `backfill attach`, or wait for it to finish',
      Number(lock[2]),
    );
  }
  return new UsageError(`cannot open the warehouse ${file}: ${clipped(message.split('\n')[0], 300)}`);
}

export class DuckDbWarehouse implements Warehouse {
  readonly engine = 'duckdb' as const;
  readonly dialect = duckdb;
  private readonly idle: DuckDBConnection[] = [];
  private closed = false;

  constructor(
    readonly description: string,
    private readonly instance: DuckDBInstance,
    private readonly readOnly = false,
  ) {}

  async query(sql: string, params: Params = {}, options: QueryOptions = {}): Promise<Row[]> {
    try {
      const rows = await this.withConnection(options.signal, async (connection) => toRows(await connection.runAndReadAll(sql, values(params, sql))));
      options.onStatistics?.(NO_STATISTICS);
      return rows;
    } catch (error) {
      throw dataGuardError(error) ?? error;
    }
  }

  async replaceRange(table: DerivedTable, select: string, params: Params, options: WriteOptions = {}): Promise<WriteResult> {
    const [remove, insert] = replaceRangeStatements(this.dialect, table, select, options.lineage);
    const replacedAt = new Date().toISOString();
    try {
      return await this.withConnection(options.signal, async (connection) => {
        await connection.run('BEGIN TRANSACTION');
        try {
          // One transaction: the companions (kept rows, build records) commit with the rows or not at all.
          const companions: Record<string, Row[]> = {};
          const runCompanions = async (list: readonly Companion[] | undefined, shared: Params) => {
            for (const c of list ?? []) {
              const all = {...shared, ...c.params};
              companions[c.name] = toRows(await connection.runAndReadAll(c.sql, values(all, c.sql)));
            }
          };
          await runCompanions(options.before, params);
          await connection.run(remove, values(params, remove));
          const inserted = await connection.run(insert, values(params, insert));
          await runCompanions(options.after, {...params, replaced_at: timestampParam(replacedAt)});
          await connection.run('COMMIT');
          return {rowsWritten: Number(inserted.rowsChanged), statistics: NO_STATISTICS, replacedAt, companions};
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      // Rolled back: nothing was written. A guard's verdict becomes one line (every stray date listed).
      throw await explainStrayRows(this, table, select, params, options, error);
    }
  }

  async deleteRange(table: DerivedTable, params: Params, options: QueryOptions = {}): Promise<number> {
    const sql = deleteRangeStatement(this.dialect, table);
    return this.withConnection(options.signal, async (connection) => Number((await connection.run(sql, values(params, sql))).rowsChanged));
  }

  async ensureTables(tables: readonly Table[]): Promise<void> {
    const datasets = [...new Set(tables.map((t) => t.dataset))];
    for (const dataset of datasets) await this.query(this.dialect.createSchema(dataset));
    for (const table of tables) await this.query(this.dialect.createTable(table));
  }

  /** Runs `fn` on one connection inside a transaction (demo generation, tests). */
  async transaction<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.withConnection(undefined, async (connection) => {
      await connection.run('BEGIN TRANSACTION');
      try {
        const result = await fn(connection);
        await connection.run('COMMIT');
        return result;
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** A connection of the pool for bulk work (appenders); returned to the pool afterwards. */
  async withConnection<T>(signal: AbortSignal | undefined, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the warehouse is closed');
    signal?.throwIfAborted();
    const connection = this.idle.pop() ?? (await this.instance.connect());
    const interrupt = () => connection.interrupt();
    signal?.addEventListener('abort', interrupt, {once: true});
    try {
      return await fn(connection);
    } finally {
      signal?.removeEventListener('abort', interrupt);
      if (this.closed) connection.closeSync();
      else this.idle.push(connection);
    }
  }

  /**
   * Moves the WAL into the database file. A failure is an error naming the disk and the space
   * needed (see checkpointError): DuckDB's own checkpoint on close fails silently, which once
   * ended a run with a success while a full disk kept its writes in a 24 MB WAL.
   */
  async checkpoint(): Promise<void> {
    if (this.readOnly || this.description === ':memory:') return;
    try {
      await this.withConnection(undefined, (connection) => connection.run('CHECKPOINT'));
    } catch (error) {
      // A write still open elsewhere (only when closing under a cancelled batch): DuckDB
      // checkpoints once it ends; that is not a disk problem.
      if (/other write transactions active/i.test((error as Error).message)) return;
      throw checkpointError(this.description, error as Error, fileSize(walOf(this.description)));
    }
  }

  /** Checkpoints (read-write only), then closes; a failed checkpoint is thrown after the close. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.checkpoint();
    } finally {
      this.closed = true;
      for (const connection of this.idle.splice(0)) connection.closeSync();
      this.instance.closeSync();
    }
  }
}

/** Only the parameters a statement mentions: DuckDB refuses unused named parameters. */
function values(params: Params, sql?: string): Record<string, SqlValue> | undefined {
  const out: Record<string, SqlValue> = {};
  for (const [name, param] of Object.entries(params)) {
    if (sql === undefined || sql.includes(`$${name}`)) out[name] = param.value;
  }
  return Object.keys(out).length ? out : undefined;
}

function toRows(result: DuckDBResultReader): Row[] {
  const names = result.columnNames();
  const types = result.columnTypes().map((t) => t.toString());
  return result.getRowObjectsJS().map((raw) => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) row[names[i]] = toValue(raw[names[i]], types[i]);
    return row;
  });
}

function toValue(value: unknown, type: string): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return type === 'DATE' ? value.toISOString().slice(0, 10) : value.toISOString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}
