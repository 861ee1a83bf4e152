// What the undo tests compare: a table's content to the bit, lineage included (an undo must put
// back the very rows, not equal ones), and a diff of two snapshots of a table computed here, in
// JavaScript, to hold the warehouse's change report against.
import type {DerivedTable} from '../../src/catalog/types.js';
import type {Row, Warehouse} from '../../src/warehouse/types.js';

/** md5 over every row and every column (lineage too), in key order; and the row count. */
export async function exactChecksum(warehouse: Warehouse, table: DerivedTable): Promise<{rows: number; checksum: string}> {
  const d = warehouse.dialect;
  const columns = table.columns.map((c) => d.ident(c.name)).join(', ');
  const [row] = await warehouse.query(
    `SELECT COUNT(*) AS n, md5(COALESCE(string_agg(line, '|' ORDER BY line), '')) AS checksum
     FROM (SELECT CAST(ROW(${columns}) AS VARCHAR) AS line FROM ${d.table(table)}) t`,
  );
  return {rows: Number(row.n), checksum: String(row.checksum)};
}

/** Every derived table's exact checksum. */
export async function exactChecksums(warehouse: Warehouse, tables: readonly DerivedTable[]): Promise<Record<string, {rows: number; checksum: string}>> {
  const out: Record<string, {rows: number; checksum: string}> = {};
  for (const t of tables) out[t.name] = await exactChecksum(warehouse, t);
  return out;
}

/** Every row of the table (lineage too), for a diff. */
export function allRows(warehouse: Warehouse, table: DerivedTable, range?: {start: string; end: string}): Promise<Row[]> {
  const where = range ? `WHERE game_date BETWEEN DATE '${range.start}' AND DATE '${range.end}'` : '';
  return warehouse.query(`SELECT * FROM ${warehouse.dialect.table(table)} ${where}`);
}

const LINEAGE = new Set(['processed_at', 'run_id']);

function same(a: unknown, b: unknown, float: boolean): boolean {
  if (a === null || b === null) return a === b;
  if (float) return Math.abs(Number(a) - Number(b)) <= 1e-9 * Math.max(1, Math.abs(Number(a)));
  return a === b;
}

/** Keys added, removed, and matched keys with a value (not lineage) that differs; floats within 1e-9 relative are equal. */
export function rowDiff(table: DerivedTable, before: readonly Row[], after: readonly Row[]): {added: number; removed: number; changed: number; changedKeys: string[]} {
  const key = (r: Row) => table.key.map((k) => String(r[k])).join('|');
  const old = new Map(before.map((r) => [key(r), r]));
  const now = new Map(after.map((r) => [key(r), r]));
  const compared = table.columns.filter((c) => !LINEAGE.has(c.name) && !table.key.includes(c.name));
  const changedKeys = [...now].filter(([k, r]) => old.has(k) && compared.some((c) => !same(old.get(k)![c.name], r[c.name], c.type === 'FLOAT64'))).map(([k]) => k);
  return {
    added: [...now.keys()].filter((k) => !old.has(k)).length,
    removed: [...old.keys()].filter((k) => !now.has(k)).length,
    changed: changedKeys.length,
    changedKeys: changedKeys.sort(),
  };
}
