// Values between the Warehouse boundary (DATE as 'YYYY-MM-DD', TIMESTAMP as ISO text, numbers,
// booleans, strings, null) and ZetaSQL's ValueProto (dateValue = days since 1970-01-01, int64Value
// as a protobuf Long, timestampValue as {seconds, nanos}; NULL is an empty cell).
import type {ColumnType} from '../../src/catalog/types.js';
import type {SqlValue} from '../../src/warehouse/types.js';

const DAY_MS = 86_400_000;

export type ValueProto = Record<string, unknown>;

export function toValueProto(value: SqlValue, type: ColumnType): ValueProto {
  if (value === null || value === undefined) return {};
  switch (type) {
    case 'DATE':
      return {dateValue: Math.round(Date.parse(`${String(value).slice(0, 10)}T00:00:00Z`) / DAY_MS)};
    case 'TIMESTAMP': {
      const ms = Date.parse(String(value));
      return {timestampValue: {seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000}};
    }
    case 'INT64':
      return {int64Value: String(Math.trunc(Number(value)))};
    case 'FLOAT64':
      return {doubleValue: Number(value)};
    case 'BOOL':
      return {boolValue: Boolean(value)};
    case 'STRING':
      return {stringValue: String(value)};
  }
}

function longToNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  const {low, high} = value as {low: number; high: number};
  return high * 2 ** 32 + (low >>> 0);
}

/** A result cell as the BigQuery client library hands it out (DATE and TIMESTAMP wrapped in {value}). */
export function fromValueProto(cell: ValueProto): unknown {
  const field = cell.value as string | undefined;
  if (!field) return null;
  const value = cell[field];
  switch (field) {
    case 'dateValue':
      return {value: new Date(Number(value) * DAY_MS).toISOString().slice(0, 10)};
    case 'timestampValue': {
      const {seconds, nanos} = value as {seconds: unknown; nanos: number};
      return {value: new Date(longToNumber(seconds) * 1000 + Math.floor(nanos / 1_000_000)).toISOString()};
    }
    case 'int64Value':
      return longToNumber(value);
    case 'doubleValue':
    case 'boolValue':
    case 'stringValue':
      return value;
    default:
      throw new Error(`ZetaSQL returned a ${field}, which the harness does not read`);
  }
}
