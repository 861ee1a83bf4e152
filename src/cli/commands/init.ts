// `backfill init [--dry-run]`: creates the datasets and tables of the catalog that the warehouse
// lacks (BigQuery: datasets in the configured location, tables partitioned by game_date and
// clustered by key; DuckDB: schemas and tables), and the bookkeeping tables undo writes to
// (nba_backfill), or with --dry-run only says what it would create.
import {existsSync} from 'node:fs';
import {ALL_TABLES, type Table} from '../../catalog/index.js';
import type {Config} from '../../config.js';
import {duckdb, type Engine} from '../../queries/dialect.js';
import {undoPolicy} from '../../undo/policy.js';
import {undoTables} from '../../undo/tables.js';
import {describeRef} from '../../warehouse/ref.js';
import type {Warehouse} from '../../warehouse/types.js';
import {command} from '../command.js';
import type {CliContext} from '../context.js';

/** Real dataset (schema) names and catalog tables that do not exist yet. */
export interface MissingObjects {
  readonly datasets: readonly string[];
  readonly tables: readonly Table[];
}

interface ListsMissing {
  missingObjects(tables: readonly Table[]): Promise<MissingObjects>;
}

function listsMissing(warehouse: Warehouse): warehouse is Warehouse & ListsMissing {
  return typeof (warehouse as Partial<ListsMissing>).missingObjects === 'function';
}

/** Everything init creates: the catalog's tables and undo's bookkeeping (a run creates the latter too when missing). */
export function initTables(config: Config, engine: Engine): Table[] {
  return [...ALL_TABLES, ...undoTables(undoPolicy(config, engine))];
}

/** What `init` would create: the adapter's own listing (BigQuery), else information_schema (DuckDB). */
export async function missingObjects(warehouse: Warehouse, tables: readonly Table[] = ALL_TABLES): Promise<MissingObjects> {
  if (listsMissing(warehouse)) return warehouse.missingObjects(tables);
  const schemas = new Set((await warehouse.query('SELECT schema_name FROM information_schema.schemata')).map((r) => String(r.schema_name)));
  const existing = new Set(
    (await warehouse.query('SELECT table_schema, table_name FROM information_schema.tables')).map((r) => `${r.table_schema}.${r.table_name}`),
  );
  return {
    datasets: [...new Set(tables.map((t) => t.dataset))].filter((d) => !schemas.has(d)),
    tables: tables.filter((t) => !existing.has(`${t.dataset}.${t.name}`)),
  };
}

/** One line per object: where it goes and, for partitioned tables, how (from the DDL itself). */
export function describeMissing(warehouse: Pick<Warehouse, 'dialect'>, missing: MissingObjects, location: string | undefined): string[] {
  const lines = missing.datasets.map((d) => `  + dataset ${d}${location ? ` (location ${location})` : ''}`);
  for (const table of missing.tables) {
    const ddl = warehouse.dialect.createTable(table);
    const layout = [
      /PARTITION BY (\w+)/.exec(ddl)?.[0],
      /CLUSTER BY ([^\n]+)/.exec(ddl)?.[0]?.replaceAll('`', ''),
      /require_partition_filter = TRUE/.test(ddl) ? 'partition filter required' : undefined,
    ].filter(Boolean);
    const kind = table.dataset === 'nba_backfill' ? 'bookkeeping table' : table.kind === 'source' ? 'source table (empty until the loaders fill it)' : 'table';
    lines.push(`  + ${kind} ${warehouse.dialect.table(table).replaceAll('`', '').replaceAll('"', '')}${layout.length ? `: ${layout.join(', ')}` : ''}`);
  }
  return lines;
}

export async function init(context: CliContext, options: {readonly dryRun?: boolean}): Promise<number> {
  const ref = context.warehouse;
  const where = describeRef(ref);
  const tables = initTables(context.config, ref.engine);
  // A dry run on a DuckDB file that does not exist yet must not create it: everything is missing.
  if (options.dryRun && ref.engine === 'duckdb' && !existsSync(ref.path)) {
    const everything = {datasets: [...new Set(tables.map((t) => t.dataset))], tables};
    report(context, `${where} (no file yet)`, {dialect: duckdb}, everything, true, tables.length);
    return 0;
  }
  const warehouse = await context.openWarehouse({create: !options.dryRun, readOnly: options.dryRun === true});
  try {
    const missing = await missingObjects(warehouse, tables);
    if (!report(context, where, warehouse, missing, options.dryRun === true, tables.length)) return 0;
    await warehouse.ensureTables(missing.tables);
    context.out(`init: created ${countOf(missing)}`);
    return 0;
  } finally {
    await warehouse.close();
  }
}

function countOf(missing: MissingObjects): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${n(missing.datasets.length, 'dataset')} and ${n(missing.tables.length, 'table')}`;
}

/** Prints what exists and what is missing; true when there is something to create and this is not a dry run. */
function report(context: CliContext, where: string, warehouse: Pick<Warehouse, 'dialect'>, missing: MissingObjects, dryRun: boolean, total: number): boolean {
  if (missing.datasets.length === 0 && missing.tables.length === 0) {
    context.out(`init: ${where} already has every dataset and all ${total} tables; nothing to create`);
    return false;
  }
  context.out(`init: ${where}: ${total - missing.tables.length} of ${total} tables exist`);
  for (const line of describeMissing(warehouse, missing, context.warehouse.engine === 'bigquery' ? context.warehouse.location : undefined)) context.out(line);
  if (!dryRun) return true;
  context.out(`init --dry-run: would create ${countOf(missing)}; nothing was changed (run without --dry-run to create them)`);
  return false;
}

export const initCommand = command({
  name: 'init',
  description: 'create the missing datasets and tables of the warehouse (use --target bigquery for production)',
  options: [['--dry-run', 'only list what would be created']],
  run: init,
});
