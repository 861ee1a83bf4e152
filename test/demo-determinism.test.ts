// Same seed → identical tables; another seed → other data; an earlier as-of is a prefix of a later
// one; and the file only appears, complete, once generation has finished.
import {existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {SOURCE_TABLES} from '../src/catalog/tables.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {UsageError} from '../src/errors.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';

const AS_OF = '2021-11-10';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-demo-determinism-'));
});

afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** Per source table: row count and an md5 over every row in key order. */
async function checksums(file: string, where = 'true'): Promise<Record<string, string>> {
  const warehouse = await openDuckDb(file, {readOnly: true});
  try {
    const out: Record<string, string> = {};
    for (const table of SOURCE_TABLES) {
      const order = table.key.map((k) => warehouse.dialect.ident(k)).join(', ');
      const filter = table.columns.some((c) => c.name === 'game_date') ? where : 'true';
      const [row] = await warehouse.query(
        `SELECT count(*) AS n, md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY ${order})) AS digest FROM ${warehouse.dialect.table(table)} t WHERE ${filter}`,
      );
      out[table.name] = `${row.n}:${row.digest}`;
    }
    return out;
  } finally {
    await warehouse.close();
  }
}

describe('determinism', () => {
  let first: Record<string, string>;

  beforeAll(async () => {
    await createDemoWarehouse(join(dir, 'a.duckdb'), {asOf: AS_OF, seed: 7});
    await createDemoWarehouse(join(dir, 'b.duckdb'), {asOf: AS_OF, seed: 7});
    await createDemoWarehouse(join(dir, 'c.duckdb'), {asOf: AS_OF, seed: 8});
    first = await checksums(join(dir, 'a.duckdb'));
  });

  it('gives identical tables for the same seed', async () => {
    expect(Object.keys(first).sort()).toEqual(['boxscore_traditional', 'nba_schedule', 'shot_chart', 'team_roster']);
    expect(await checksums(join(dir, 'b.duckdb'))).toEqual(first);
  });

  it('gives different tables for another seed', async () => {
    const other = await checksums(join(dir, 'c.duckdb'));
    for (const table of ['boxscore_traditional', 'shot_chart', 'team_roster', 'nba_schedule']) expect(other[table], table).not.toBe(first[table]);
  });

  it('keeps the past when as-of moves: games before an earlier as-of are the same', async () => {
    await createDemoWarehouse(join(dir, 'later.duckdb'), {asOf: '2021-12-01', seed: 7});
    const before = `game_date < DATE '${AS_OF}'`;
    const early = await checksums(join(dir, 'a.duckdb'), before);
    const later = await checksums(join(dir, 'later.duckdb'), before);
    for (const table of ['boxscore_traditional', 'shot_chart']) expect(later[table], table).toBe(early[table]);
  });
});

describe('writing the file', () => {
  it('refuses an existing file without force, and leaves it untouched', async () => {
    const file = join(dir, 'existing.duckdb');
    writeFileSync(file, 'not a warehouse');
    const error = await createDemoWarehouse(file, {asOf: AS_OF}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/already exists: use --force/);
    expect(statSync(file).size).toBe('not a warehouse'.length);
  });

  it('replaces it with force, leaving no temporary file behind', async () => {
    const file = join(dir, 'replaced.duckdb');
    writeFileSync(file, 'old');
    writeFileSync(`${file}.tmp-999999`, 'left by a killed generation');
    const summary = await createDemoWarehouse(file, {asOf: AS_OF, force: true});
    expect(summary.rows.nba_schedule).toBeGreaterThan(1000);
    expect(statSync(file).size).toBeGreaterThan(100_000);
    expect(readdirSync(dir).filter((f) => f.startsWith('replaced.duckdb.'))).toEqual([]);
  });

  it('refuses bad input with a UsageError and writes nothing', async () => {
    const file = join(dir, 'never.duckdb');
    const cases: [Parameters<typeof createDemoWarehouse>[1], RegExp][] = [
      [{asOf: '2026-02-30'}, /--as-of "2026-02-30" is not a real date/],
      [{asOf: '2021-10-19'}, /too early/],
      [{asOf: AS_OF, seed: 1.5}, /--seed 1.5 is not an integer/],
    ];
    for (const [options, message] of cases) {
      const error = await createDemoWarehouse(file, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
    const unwritable = await createDemoWarehouse('/proc/x/demo.duckdb', {asOf: AS_OF}).catch((e: unknown) => e);
    expect(unwritable).toBeInstanceOf(UsageError);
    expect((unwritable as Error).message).toMatch(/cannot write the warehouse in \/proc\/x/);
    expect(existsSync(file)).toBe(false);
  });
});
