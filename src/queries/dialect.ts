// Everything that differs between DuckDB and BigQuery SQL, in one place (../shared/STACK.md).
// Processors write their logic once against this interface; no processor holds two copies.
// test/dialect-probes.test.ts runs every primitive on edge inputs on both engines (BigQuery through
// ZetaSQL's reference implementation) and expects the same answers.
import type {ColumnType, Dataset, Table} from '../catalog/types.js';
import {MINUTES_PREFIX} from './guards.js';

export type Engine = 'duckdb' | 'bigquery';

export interface Dialect {
  readonly engine: Engine;
  /** A fully qualified table reference. */
  table(table: Pick<Table, 'dataset' | 'name'>): string;
  /** A quoted identifier (column names such as `minutes` and `zone` are keywords in DuckDB). */
  ident(name: string): string;
  /** A named, typed query parameter: values are never spliced into SQL text. */
  param(name: string, type: ColumnType): string;
  columnType(type: ColumnType): string;
  /** `date` minus `days` (an integer expression), as a DATE. */
  dateSub(date: string, days: string | number): string;
  /** Whole days from `start` to `end` (positive when end is later). */
  daysBetween(start: string, end: string): string;
  /** a / b, NULL when b is 0 or NULL. */
  safeDiv(a: string, b: string): string;
  /**
   * 'M:SS' / 'MM:SS' text → decimal minutes (FLOAT64); NULL stays NULL; any other text fails the
   * statement with the minutes guard (guards.ts), naming `row` (a STRING expression saying which
   * row, e.g. its game and player). Never a silent NULL: a player is not dropped for a typo.
   */
  minutesToDecimal(text: string, row?: string): string;
  /** TRUE when `text` is well-formed minutes (see MINUTES_PATTERN), NULL for NULL. */
  minutesWellFormed(text: string): string;
  /** An expression that fails the statement with `message` (a STRING expression) when evaluated. */
  raise(message: string): string;
  /** A FLOAT64 cast. */
  float(expr: string): string;
  /** A SQL string literal (for constants of the code only, never for user values). */
  literal(value: string): string;
  currentTimestamp(): string;
  /** A TIMESTAMP as whole milliseconds since the epoch (INT64). */
  epochMillis(timestamp: string): string;
  /** A derived table of one STRING column `column`: `list` cut at `separator` (a literal), one row per piece. */
  splitRows(list: string, separator: string, column: string): string;
  /**
   * An aggregate: an order-independent fingerprint of the values of `columns` over a group's rows,
   * equal for the same rows bit for bit (a 64-bit hash per row, XORed). Undo tells a rebuilt date
   * that came out identical from one that changed with it, without comparing row by row.
   */
  rowsFingerprint(columns: readonly string[]): string;
  createSchema(dataset: Dataset): string;
  createTable(table: Table): string;
}

const DUCK_TYPES: Record<ColumnType, string> = {
  STRING: 'VARCHAR', INT64: 'BIGINT', FLOAT64: 'DOUBLE', BOOL: 'BOOLEAN', DATE: 'DATE', TIMESTAMP: 'TIMESTAMP',
};

/** DuckDB (standard SQL): a quote is doubled, a backslash is itself. */
function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** GoogleSQL: backslash escapes; a doubled quote would end the literal (dialect-probes.test.ts). */
function googleSqlLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;
}

/**
 * Well-formed box-score minutes: whole minutes, a colon, two digits of seconds. M:SS and MM:SS as
 * the feed writes them; more minute digits are accepted too (the hand-made test league gives
 * three-man rotations 112:30). The same RE2 pattern on both engines.
 */
export const MINUTES_PATTERN = '^[0-9]+:[0-5][0-9]$';

/** CASE that parses well-formed minutes and raises the minutes guard for anything else. */
interface GuardParts {
  readonly wellFormed: string;
  readonly parse: string;
  readonly raise: (message: string) => string;
  readonly literal: (value: string) => string;
}

function guardedMinutes(text: string, {wellFormed, parse, raise, literal}: GuardParts, row: string | undefined): string {
  const message = `CONCAT(${literal(MINUTES_PREFIX)}, COALESCE(${row ?? literal('row ?')}, ${literal('row ?')}), ${literal(' | value=')}, ${text}, ${literal(' |')})`;
  return `(CASE WHEN ${text} IS NULL THEN NULL WHEN ${wellFormed} THEN ${parse} ELSE ${raise(message)} END)`;
}

export const duckdb: Dialect = {
  engine: 'duckdb',
  table: (t) => `"${t.dataset}"."${t.name}"`,
  ident: (name) => `"${name}"`,
  param: (name, type) => `CAST($${name} AS ${DUCK_TYPES[type]})`,
  columnType: (type) => DUCK_TYPES[type],
  dateSub: (date, days) => `CAST(${date} - CAST(${days} AS INTEGER) AS DATE)`,
  daysBetween: (start, end) => `date_diff('day', ${start}, ${end})`,
  safeDiv: (a, b) => `(CAST(${a} AS DOUBLE) / NULLIF(${b}, 0))`,
  minutesToDecimal: (text, row) =>
    guardedMinutes(
      text,
      {
        wellFormed: duckdb.minutesWellFormed(text),
        parse: `CAST(split_part(${text}, ':', 1) AS DOUBLE) + CAST(split_part(${text}, ':', 2) AS DOUBLE) / 60.0`,
        raise: duckdb.raise,
        literal: quoteLiteral,
      },
      row,
    ),
  minutesWellFormed: (text) => `regexp_full_match(${text}, ${quoteLiteral(MINUTES_PATTERN)})`,
  raise: (message) => `error(${message})`,
  float: (expr) => `CAST(${expr} AS DOUBLE)`,
  literal: quoteLiteral,
  currentTimestamp: () => 'CAST(current_timestamp AS TIMESTAMP)',
  epochMillis: (timestamp) => `epoch_ms(${timestamp})`,
  splitRows: (list, separator, column) => `(SELECT unnest(string_split(${list}, ${quoteLiteral(separator)})) AS ${column})`,
  rowsFingerprint: (columns) => `bit_xor(hash(${columns.join(', ')}))`,
  createSchema: (dataset) => `CREATE SCHEMA IF NOT EXISTS "${dataset}"`,
  createTable: (t) =>
    `CREATE TABLE IF NOT EXISTS "${t.dataset}"."${t.name}" (\n  ${t.columns
      .map((c) => `"${c.name}" ${DUCK_TYPES[c.type]}`)
      .join(',\n  ')}\n)`,
};

/** BigQuery SQL; `project` qualifies every table. */
export function bigquery(project: string): Dialect {
  const minutesWellFormed = (text: string) => `REGEXP_CONTAINS(${text}, ${googleSqlLiteral(MINUTES_PATTERN)})`;
  const raise = (message: string) => `ERROR(${message})`;
  return {
    engine: 'bigquery',
    table: (t) => `\`${project}.${t.dataset}.${t.name}\``,
    ident: (name) => `\`${name}\``,
    param: (name) => `@${name}`,
    columnType: (type) => type,
    dateSub: (date, days) => `DATE_SUB(${date}, INTERVAL ${days} DAY)`,
    daysBetween: (start, end) => `DATE_DIFF(${end}, ${start}, DAY)`,
    safeDiv: (a, b) => `SAFE_DIVIDE(${a}, ${b})`,
    minutesToDecimal: (text, row) =>
      guardedMinutes(
        text,
        {
          wellFormed: minutesWellFormed(text),
          parse: `CAST(SPLIT(${text}, ':')[OFFSET(0)] AS FLOAT64) + CAST(SPLIT(${text}, ':')[OFFSET(1)] AS FLOAT64) / 60.0`,
          raise,
          literal: googleSqlLiteral,
        },
        row,
      ),
    minutesWellFormed,
    raise,
    float: (expr) => `CAST(${expr} AS FLOAT64)`,
    literal: googleSqlLiteral,
    currentTimestamp: () => 'CURRENT_TIMESTAMP()',
    epochMillis: (timestamp) => `UNIX_MILLIS(${timestamp})`,
    splitRows: (list, separator, column) => `(SELECT ${column} FROM UNNEST(SPLIT(${list}, ${googleSqlLiteral(separator)})) AS ${column})`,
    rowsFingerprint: (columns) => `BIT_XOR(FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(${columns.join(', ')}))))`,
    createSchema: (dataset) => `CREATE SCHEMA IF NOT EXISTS \`${project}.${dataset}\``,
    createTable: (t) => {
      const columns = t.columns.map((c) => `\`${c.name}\` ${c.type}`).join(',\n  ');
      const head = `CREATE TABLE IF NOT EXISTS \`${project}.${t.dataset}.${t.name}\` (\n  ${columns}\n)`;
      if (!t.columns.some((c) => c.name === 'game_date')) return head;
      // Derived tables: partition filter required so that no query scans every season by mistake.
      const cluster = t.key.filter((k) => k !== 'game_date').slice(0, 4).map((k) => `\`${k}\``).join(', ');
      const options = t.kind === 'derived' ? '\nOPTIONS (require_partition_filter = TRUE)' : '';
      return `${head}\nPARTITION BY game_date${cluster ? `\nCLUSTER BY ${cluster}` : ''}${options}`;
    },
  };
}

/**
 * The same dialect with some datasets renamed: every table of a renamed dataset is read and
 * created under the new name. Used to run the processors' SQL unchanged against another copy of
 * the data (validation's point-in-time scratch space) or against configured dataset names.
 */
export function withDatasets(dialect: Dialect, rename: Partial<Record<Dataset, string>>): Dialect {
  // The base dialect quotes whatever dataset name it is given; the cast only widens the type.
  const mapped = (dataset: Dataset) => (rename[dataset] ?? dataset) as Dataset;
  return {
    ...dialect,
    table: (t) => dialect.table({dataset: mapped(t.dataset), name: t.name}),
    createSchema: (dataset) => dialect.createSchema(mapped(dataset)),
    createTable: (t) => dialect.createTable({...t, dataset: mapped(t.dataset)} as typeof t),
  };
}
