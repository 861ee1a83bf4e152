// What the raw sources hold, per game date (per season for a source without dates), as one short
// fingerprint each, cheap to read on both engines and never a scan on BigQuery:
// - DuckDB: count and XOR of a hash of every column of every row, per date, in one query over the
//   four sources (~70 ms on the full demo; a session reads it once, see reader.ts);
// - BigQuery: INFORMATION_SCHEMA.PARTITIONS, total_rows and last_modified_time per partition,
//   one metadata query per source dataset. A source table that is not partitioned by date has one
//   fingerprint for the whole table: any change to it then counts as a change of every date.
import {SOURCE_TABLES} from '../catalog/tables.js';
import type {Dataset, SourceTable, SourceTableName} from '../catalog/types.js';
import {SEASON_KEYED_SOURCES} from '../catalog/reads.js';
import type {Dialect} from '../queries/dialect.js';
import type {Row, Warehouse} from '../warehouse/types.js';

/** A source's rows on a date (or in a season), as one comparable string; '-' when it has none. */
export interface SourcePrints {
  lookup(source: SourceTableName, key: string): string;
}

export class FingerprintMap implements SourcePrints {
  private readonly byKey = new Map<string, Map<string, string>>();
  /** Sources fingerprinted as a whole (unpartitioned on BigQuery). */
  private readonly whole = new Map<string, string>();

  set(source: string, key: string, print: string): void {
    let keys = this.byKey.get(source);
    if (!keys) this.byKey.set(source, (keys = new Map()));
    keys.set(key, print);
  }

  setWhole(source: string, print: string): void {
    this.whole.set(source, print);
  }

  lookup(source: SourceTableName, key: string): string {
    return this.byKey.get(source)?.get(key) ?? this.whole.get(source) ?? '-';
  }
}

const keyColumn = (source: SourceTable) => (SEASON_KEYED_SOURCES.includes(source.name as SourceTableName) ? 'season' : 'game_date');

/** DuckDB: one row per source, `key=count:hash;...` (one string per source crosses faster than a row per date). */
export function duckdbFingerprintStatement(d: Dialect): string {
  return SOURCE_TABLES.map((source) => {
    const columns = source.columns.map((c) => d.ident(c.name)).join(', ');
    const key = keyColumn(source);
    return (
      `SELECT ${d.literal(source.name)} AS source, string_agg(k || '=' || CAST(n AS VARCHAR) || ':' || CAST(h AS VARCHAR), ';') AS prints\n` +
      `FROM (SELECT CAST(${key} AS VARCHAR) AS k, count(*) AS n, bit_xor(hash(${columns})) AS h FROM ${d.table(source)} GROUP BY ${key}) AS per_key`
    );
  }).join('\nUNION ALL\n');
}

/** BigQuery: the partitions of the sources of one dataset (catalog name; the dialect maps it). */
export function partitionsStatement(d: Dialect, dataset: Dataset, tables: readonly string[]): string {
  return (
    `SELECT table_name, partition_id, total_rows, ${d.epochMillis('last_modified_time')} AS modified\n` +
    `FROM ${d.table({dataset, name: 'INFORMATION_SCHEMA.PARTITIONS'})}\n` +
    `WHERE table_name IN (${tables.map((t) => d.literal(t)).join(', ')})`
  );
}

/** '20211101' → '2021-11-01'; null for NULL (an unpartitioned table) and the special partitions. */
export function partitionKey(partitionId: unknown): string | null | undefined {
  if (partitionId === null || partitionId === undefined) return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(String(partitionId));
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

export async function sourceFingerprints(warehouse: Warehouse): Promise<FingerprintMap> {
  const prints = new FingerprintMap();
  const d = warehouse.dialect;
  if (warehouse.engine === 'duckdb') {
    for (const row of await warehouse.query(duckdbFingerprintStatement(d))) {
      for (const entry of String(row.prints ?? '').split(';')) {
        const at = entry.indexOf('=');
        if (at > 0) prints.set(String(row.source), entry.slice(0, at), entry.slice(at + 1));
      }
    }
    return prints;
  }
  const byDataset = new Map<Dataset, string[]>();
  for (const source of SOURCE_TABLES) byDataset.set(source.dataset, [...(byDataset.get(source.dataset) ?? []), source.name]);
  const answers = await Promise.all([...byDataset].map(([dataset, tables]) => warehouse.query(partitionsStatement(d, dataset, tables))));
  const seasonKeyed = new Map<string, {rows: number; modified: number}>();
  for (const row of answers.flat()) {
    const name = String(row.table_name);
    if (!SEASON_KEYED_SOURCES.includes(name as SourceTableName)) {
      addPartition(prints, row);
      continue;
    }
    // No date to key it by: however it is partitioned, the table is one fingerprint.
    const sum = seasonKeyed.get(name) ?? {rows: 0, modified: 0};
    seasonKeyed.set(name, {rows: sum.rows + Number(row.total_rows), modified: Math.max(sum.modified, Number(row.modified))});
  }
  for (const [name, {rows, modified}] of seasonKeyed) prints.setWhole(name, `${rows}@${modified}`);
  return prints;
}

/** One PARTITIONS row into the map: rows and last change as the partition's fingerprint. */
export function addPartition(prints: FingerprintMap, row: Row): void {
  const key = partitionKey(row.partition_id);
  const print = `${Number(row.total_rows)}@${Number(row.modified)}`;
  if (key === null) prints.setWhole(String(row.table_name), print);
  else if (key !== undefined) prints.set(String(row.table_name), key, print);
}
