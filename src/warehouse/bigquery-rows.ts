// Rows as the client library hands them out, turned into the plain values of the Warehouse
// boundary, the same as the DuckDB adapter's.
import type {Row, SqlValue} from './types.js';

/** Client rows → plain values: DATE as 'YYYY-MM-DD', TIMESTAMP as ISO text, integers as numbers. */
export function toRow(raw: Record<string, unknown>): Row {
  const row: Row = {};
  for (const [name, value] of Object.entries(raw)) row[name] = toValue(value);
  return row;
}

function toValue(value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  // BigQueryDate / BigQueryTimestamp / BigQueryDatetime wrap their text in `.value`.
  const wrapped = (value as {value?: unknown}).value;
  if (typeof wrapped === 'string') return wrapped;
  // NUMERIC arrives as a Big.js number.
  const text = String(value);
  return Number.isFinite(Number(text)) ? Number(text) : text;
}
