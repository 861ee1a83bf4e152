// Two engines' rows for the same statement, compared by key: the same keys, the same values,
// numbers within a relative 1e-9 (an absolute 1e-12 for values that are zero up to rounding:
// BigQuery and DuckDB sum in different orders, and DuckDB reads 0.44 as DECIMAL, GoogleSQL as FLOAT64).
import type {Row, SqlValue} from '../../src/warehouse/types.js';

export const RELATIVE = 1e-9;
export const ABSOLUTE = 1e-12;

export function sameValue(a: SqlValue, b: SqlValue): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    const difference = Math.abs(a - b);
    return difference <= RELATIVE * Math.max(Math.abs(a), Math.abs(b)) || difference <= ABSOLUTE;
  }
  return a === b;
}

function keyOf(row: Row, key: readonly string[]): string {
  return JSON.stringify(key.map((k) => row[k]));
}

/** Every difference between `left` and `right` as one line; [] when they agree. */
export function rowDifferences(key: readonly string[], left: readonly Row[], right: readonly Row[], names = ['duckdb', 'bigquery']): string[] {
  const differences: string[] = [];
  const index = (rows: readonly Row[], side: string) => {
    const map = new Map<string, Row>();
    for (const row of rows) {
      const k = keyOf(row, key);
      if (map.has(k)) differences.push(`${side}: key ${k} appears twice`);
      map.set(k, row);
    }
    return map;
  };
  const l = index(left, names[0]);
  const r = index(right, names[1]);
  for (const [k, row] of l) {
    const other = r.get(k);
    if (!other) {
      differences.push(`${k}: only in ${names[0]}`);
      continue;
    }
    const columns = new Set([...Object.keys(row), ...Object.keys(other)]);
    for (const c of columns) {
      if (!(c in other) || !(c in row)) differences.push(`${k}: column ${c} only in ${c in row ? names[0] : names[1]}`);
      else if (!sameValue(row[c], other[c])) differences.push(`${k}: ${c} ${JSON.stringify(row[c])} (${names[0]}) vs ${JSON.stringify(other[c])} (${names[1]})`);
    }
  }
  for (const k of r.keys()) if (!l.has(k)) differences.push(`${k}: only in ${names[1]}`);
  return differences;
}
