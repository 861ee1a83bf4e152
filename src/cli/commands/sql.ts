// `backfill sql PROCESSOR --from D --to D [--engine duckdb|bigquery]`: prints the statements that
// would replace that range, for review. Needs no warehouse; parameters stay parameters in the SQL
// and their values are listed in a header comment.
import {resolveTable} from '../../catalog/index.js';
import {UsageError} from '../../errors.js';
import {quoted} from '../../quote.js';
import {bigquery, duckdb, withDatasets, type Dialect, type Engine} from '../../queries/dialect.js';
import {renderRangeSql} from '../../queries/range-sql.js';
import {command} from '../command.js';
import type {CliContext} from '../context.js';
import {requireRange, type RangeRequest} from '../options.js';

/** Stands in for the project when none is configured, so the SQL still reads as BigQuery's. */
export const PLACEHOLDER_PROJECT = 'your-project';

function parseEngine(value: string | undefined, fallback: Engine): Engine {
  if (value === undefined) return fallback;
  if (value === 'duckdb' || value === 'bigquery') return value;
  throw new UsageError(`--engine ${quoted(value)} must be duckdb or bigquery`);
}

function dialectFor(engine: Engine, context: CliContext): Dialect {
  if (engine === 'duckdb') return duckdb;
  return withDatasets(bigquery(context.bigquery.project ?? PLACEHOLDER_PROJECT), context.bigquery.datasets);
}

export const sqlCommand = command({
  name: 'sql',
  description: 'print the SQL that would build a range of one processor, for review',
  argument: ['<processor>', 'table name or short name (PGS, UTGC, ...)'],
  options: [
    ['--from <date>', 'first game date'],
    ['--to <date>', 'last game date'],
    ['--engine <engine>', 'duckdb or bigquery (default: the configured target)'],
  ],
  async run(context, flags: RangeRequest & {readonly engine?: string}, processor) {
    const table = resolveTable(processor);
    const range = requireRange(flags);
    const engine = parseEngine(flags.engine, context.warehouse.engine);
    context.out(renderRangeSql(dialectFor(engine, context), table, range));
    return 0;
  },
});
