// Re-running a phase 3 processor over the same range, over overlapping ranges, or date by date
// leaves exactly the rows of one whole-range build: no duplicate keys, no drift.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/tables.js';
import type {DerivedTable} from '../src/catalog/types.js';
import {PHASE3_PROCESSORS} from '../src/queries/processors/phase3/index.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {buildRange, derivedRows, FIXTURE_GAME_DATES, FIXTURE_RANGE, openFixtureWarehouse} from './support/fixture.js';

let warehouse: DuckDbWarehouse;
beforeAll(async () => {
  warehouse = await openFixtureWarehouse();
});
afterAll(async () => {
  await warehouse.close();
});

async function duplicateKeys(table: DerivedTable): Promise<number> {
  const key = table.key.join(', ');
  const rows = await warehouse.query(
    `SELECT COUNT(*) AS n FROM (SELECT ${key} FROM ${warehouse.dialect.table(table)} GROUP BY ${key} HAVING COUNT(*) > 1) AS dups`,
  );
  return Number(rows[0].n);
}

async function clear(table: DerivedTable): Promise<void> {
  await warehouse.query(`DELETE FROM ${warehouse.dialect.table(table)}`);
}

it('registers one phase 3 processor per phase 3 table of the catalog, in catalog order', () => {
  expect(PHASE3_PROCESSORS.map((p) => p.table.name)).toEqual(DERIVED_TABLES.filter((t) => t.phase === 3).map((t) => t.name));
});

describe.each(PHASE3_PROCESSORS.map((p) => [p.table.short, p.table] as const))('%s', (_short, table) => {
  it('is idempotent over the same range, overlapping ranges and date-by-date batches', async () => {
    await clear(table);
    await buildRange(warehouse, table, FIXTURE_RANGE.start, FIXTURE_RANGE.end, 'first');
    const whole = await derivedRows(warehouse, table);
    expect(whole.length).toBeGreaterThan(0);

    await buildRange(warehouse, table, FIXTURE_RANGE.start, FIXTURE_RANGE.end, 'again');
    expect(await derivedRows(warehouse, table)).toEqual(whole);

    await buildRange(warehouse, table, '2021-10-20', '2021-10-24', 'overlap-a');
    await buildRange(warehouse, table, '2021-10-22', '2021-10-27', 'overlap-b');
    expect(await derivedRows(warehouse, table)).toEqual(whole);
    expect(await duplicateKeys(table)).toBe(0);

    await clear(table);
    for (const date of FIXTURE_GAME_DATES) await buildRange(warehouse, table, date, date, `batch-${date}`);
    expect(await derivedRows(warehouse, table)).toEqual(whole);
  });

  it('writes nothing outside its range and leaves other dates alone', async () => {
    await clear(table);
    await buildRange(warehouse, table, FIXTURE_RANGE.start, FIXTURE_RANGE.end, 'whole');
    const whole = await derivedRows(warehouse, table);
    await buildRange(warehouse, table, '2021-10-23', '2021-10-25', 'narrow');
    const runs = await warehouse.query(
      `SELECT DISTINCT game_date, run_id FROM ${warehouse.dialect.table(table)} WHERE run_id = 'narrow' ORDER BY game_date`,
    );
    expect(runs.map((r) => r.game_date)).toEqual(['2021-10-24']);
    expect(await derivedRows(warehouse, table)).toEqual(whole);
  });

  it('never leaves a critical column NULL', async () => {
    await clear(table);
    await buildRange(warehouse, table, FIXTURE_RANGE.start, FIXTURE_RANGE.end);
    const nulls = table.critical.map((c) => `SUM(CASE WHEN ${warehouse.dialect.ident(c)} IS NULL THEN 1 ELSE 0 END) AS ${c}`);
    const [row] = await warehouse.query(`SELECT ${nulls.join(', ')} FROM ${warehouse.dialect.table(table)}`);
    expect(Object.values(row).every((n) => Number(n) === 0), JSON.stringify(row)).toBe(true);
  });
});
