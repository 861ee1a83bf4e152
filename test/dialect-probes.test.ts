// Every difference the dialect hides (src/queries/dialect.ts), probed on edge inputs on both engines:
// DuckDB for real, BigQuery's SQL executed by ZetaSQL's reference implementation. The same expression
// must give the same value (or fail with the same guard) on both; month ends, leap days, negative
// offsets, zero and NULL divisors, every shape of minutes text.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {addDays} from '../src/dates.js';
import {bigquery as bigqueryDialect, type Dialect} from '../src/queries/dialect.js';
import type {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import type {SqlValue, Warehouse} from '../src/warehouse/types.js';
import {sameValue} from './support/compare-rows.js';
import {startZetaSql, stopZetaSql, ZETASQL_PROJECT} from './support/zetasql.js';
import {zetaSqlWarehouse} from './support/zetasql-bigquery.js';

let duck: DuckDbWarehouse;
let bigquery: BigQueryWarehouse;

beforeAll(async () => {
  [duck] = await Promise.all([openDuckDb(':memory:'), startZetaSql()]);
  bigquery = zetaSqlWarehouse(duck).warehouse;
}, 120_000);
afterAll(async () => {
  stopZetaSql();
  await duck.close();
});

const date = (d: Dialect, iso: string | null) => (iso === null ? `CAST(NULL AS ${d.columnType('DATE')})` : `CAST(${d.literal(iso)} AS ${d.columnType('DATE')})`);
const int = (d: Dialect, n: number | null) => (n === null ? `CAST(NULL AS ${d.columnType('INT64')})` : `CAST(${n} AS ${d.columnType('INT64')})`);
const text = (d: Dialect, s: string | null) => (s === null ? `CAST(NULL AS ${d.columnType('STRING')})` : d.literal(s));

/** The value of `expr` on one engine, or the error it fails with. */
async function probe(w: Warehouse, expr: (d: Dialect) => string): Promise<{value: SqlValue} | {error: string}> {
  try {
    const [row] = await w.query(`SELECT ${expr(w.dialect)} AS v`);
    return {value: row.v};
  } catch (error) {
    return {error: (error as Error).message};
  }
}

async function onBoth(expr: (d: Dialect) => string): Promise<{duckdb: SqlValue; bigquery: SqlValue}> {
  const [a, b] = await Promise.all([probe(duck, expr), probe(bigquery, expr)]);
  if ('error' in a || 'error' in b) throw new Error(`duckdb: ${JSON.stringify(a)}, bigquery: ${JSON.stringify(b)}`);
  return {duckdb: a.value, bigquery: b.value};
}

function expectBoth(values: {duckdb: SqlValue; bigquery: SqlValue}, expected: SqlValue): void {
  expect(sameValue(values.duckdb, expected), `duckdb gave ${JSON.stringify(values.duckdb)}`).toBe(true);
  expect(sameValue(values.bigquery, expected), `bigquery gave ${JSON.stringify(values.bigquery)}`).toBe(true);
}

describe('dateSub: date minus n days, as a DATE', () => {
  it.each([
    ['2022-03-01', 1],
    ['2024-03-01', 1], // leap day
    ['2022-01-01', 0],
    ['2021-12-31', -1], // a negative offset moves forward, across a year
    ['2022-10-18', 400], // the season lookback
    ['2022-10-18', 800], // two seasons
  ])('%s − %d', async (start, days) => {
    expectBoth(await onBoth((d) => d.dateSub(date(d, start), days)), addDays(start, -days));
  });

  it('takes an expression for the days, and NULL stays NULL', async () => {
    expectBoth(await onBoth((d) => d.dateSub(date(d, '2022-03-07'), `${int(d, 3)} + ${int(d, 4)}`)), '2022-02-28');
    expectBoth(await onBoth((d) => d.dateSub(date(d, null), 7)), null);
  });
});

describe('daysBetween: whole days from start to end', () => {
  it.each([
    ['2022-02-28', '2022-03-01', 1],
    ['2022-03-01', '2022-02-28', -1],
    ['2024-02-28', '2024-03-01', 2],
    ['2021-12-31', '2022-01-01', 1],
    ['2022-01-10', '2022-01-10', 0],
    ['2021-10-19', '2022-10-18', 364],
  ])('%s → %s', async (start, end, days) => {
    expectBoth(await onBoth((d) => d.daysBetween(date(d, start), date(d, end))), days);
  });

  it('NULL on either side is NULL (a first game has no rest)', async () => {
    expectBoth(await onBoth((d) => d.daysBetween(date(d, null), date(d, '2022-01-01'))), null);
    expectBoth(await onBoth((d) => d.daysBetween(date(d, '2022-01-01'), date(d, null))), null);
  });
});

describe('safeDiv: a / b as FLOAT64, NULL when b is 0 or NULL', () => {
  it.each([
    [7, 2, 3.5], // integers divide as reals
    [1, 3, 1 / 3],
    [-1, 4, -0.25],
    [0, 5, 0],
    [1, 0, null],
    [0, 0, null],
    [null, 1, null],
    [1, null, null],
  ])('%s / %s', async (a, b, expected) => {
    expectBoth(await onBoth((d) => d.safeDiv(int(d, a), int(d, b))), expected);
  });

  it('a float divisor near zero is not zero', async () => {
    expectBoth(await onBoth((d) => d.safeDiv('1.0', '0.0001')), 10_000);
  });
});

describe('minutesToDecimal: M:SS / MM:SS to decimal minutes', () => {
  it.each([
    ['31:30', 31.5],
    ['0:00', 0],
    ['00:00', 0],
    ['9:05', 9 + 5 / 60],
    ['48:59', 48 + 59 / 60],
    ['112:30', 112.5],
    [null, null],
  ])('%j', async (value, expected) => {
    expectBoth(await onBoth((d) => d.minutesToDecimal(text(d, value))), expected);
  });

  it.each(['34', '', '34:5', '34:60', '3:5', ' 34:00', '34:00 ', '-1:00', '34:00:00', 'ab:cd', '12.5', '1:5e'])(
    '%j fails with the same guard on both engines (never a silent NULL)',
    async (value) => {
      const row = (d: Dialect) => d.literal('game G, player P');
      const [a, b] = await Promise.all([probe(duck, (d) => d.minutesToDecimal(text(d, value), row(d))), probe(bigquery, (d) => d.minutesToDecimal(text(d, value), row(d)))]);
      const expected = `boxscore_traditional has a malformed minutes value '${value}' (game G, player P): expected M:SS or MM:SS, NULL for a DNP; nothing was written: fix the raw row (\`backfill validate\` lists every malformed one)`;
      expect(a).toEqual({error: expected});
      expect(b).toEqual({error: expected});
    },
  );

  it('minutesWellFormed agrees with the parse', async () => {
    for (const [value, expected] of [['12:30', true], ['9:05', true], ['34', false], ['34:60', false], [null, null]] as const) {
      expectBoth(await onBoth((d) => d.minutesWellFormed(text(d, value))), expected);
    }
  });
});

describe('literals and casts', () => {
  it.each(["O'Brien", 'back\\slash', "it's a \\'test\\'", 'plain'])('literal %j reads back as itself', async (value) => {
    expectBoth(await onBoth((d) => d.literal(value)), value);
  });

  it('float casts an integer to FLOAT64', async () => {
    const both = await onBoth((d) => d.safeDiv(d.float(int(d, 3)), int(d, 2)));
    expectBoth(both, 1.5);
  });

  it('the harness runs BigQuery SQL, not DuckDB SQL', async () => {
    expect(bigquery.dialect.dateSub('x', 1)).toBe(bigqueryDialect(ZETASQL_PROJECT).dateSub('x', 1));
    expect(await probe(bigquery, () => `date_diff('day', DATE '2022-01-01', DATE '2022-01-02')`)).toHaveProperty('error');
  });
});

describe('epochMillis and splitRows (build records)', () => {
  it.each(['2022-01-04T03:00:00.250Z', '1970-01-01T00:00:00.000Z', '2026-12-01T23:59:59.999Z'])('epochMillis of %s (a TIMESTAMP parameter, as the records pass them)', async (iso) => {
    const sql = (d: Dialect) => `SELECT ${d.epochMillis(d.param('t', 'TIMESTAMP'))} AS v`;
    const params = {t: {type: 'TIMESTAMP' as const, value: iso}};
    const [[a], [b]] = await Promise.all([duck.query(sql(duck.dialect), params), bigquery.query(sql(bigquery.dialect), params)]);
    expectBoth({duckdb: a.v, bigquery: Number(b.v)}, Date.parse(iso));
  });

  it.each([
    ['2022-01-04|a=1;2022-01-05|b=2', 2],
    ['one', 1],
    ['a;;b', 3], // an empty piece is a row too
  ])('splitRows of %j gives %d rows, in any order the same pieces', async (list, count) => {
    const sql = (d: Dialect) => `SELECT COUNT(*) AS n, STRING_AGG(piece, ',' ORDER BY piece) AS pieces FROM ${d.splitRows(text(d, list), ';', 'piece')} AS pieces`;
    const [a, b] = await Promise.all([duck.query(sql(duck.dialect)), bigquery.query(sql(bigquery.dialect))]);
    const expected = [...list.split(';')].sort().join(',');
    expect(a).toEqual([{n: count, pieces: expected}]);
    expect(b.map((r) => ({n: Number(r.n), pieces: r.pieces}))).toEqual([{n: count, pieces: expected}]);
  });
});

describe('rowsFingerprint: the same rows in any order, the same fingerprint; any value changed, another', () => {
  const rows = (d: Dialect, values: readonly (readonly [number, string | null, number])[]) =>
    values.map(([x, y, z], i) => `SELECT ${int(d, x)}${i === 0 ? ' AS x' : ''}, ${text(d, y)}${i === 0 ? ' AS y' : ''}, ${d.float(String(z))}${i === 0 ? ' AS z' : ''}`).join(' UNION ALL ');
  const fingerprint = (values: readonly (readonly [number, string | null, number])[]) => (d: Dialect) =>
    `(SELECT CAST(${d.rowsFingerprint(['t.x', 't.y', 't.z'])} AS ${d.columnType('STRING')}) FROM (${rows(d, values)}) AS t)`;
  const base = [[1, 'a', 0.5], [2, 'b', 1.25], [3, null, 2]] as const;

  it('on both engines', async () => {
    const same = await onBoth(fingerprint(base));
    const reordered = await onBoth(fingerprint([base[2], base[0], base[1]]));
    expect(reordered).toEqual(same);
    for (const changed of [
      [[1, 'a', 0.5], [2, 'b', 1.25000001], [3, null, 2]],
      [[1, 'a', 0.5], [2, 'b', 1.25], [3, 'c', 2]],
      [[1, 'a', 0.5], [2, 'b', 1.25]],
      [[1, 'b', 0.5], [2, 'a', 1.25], [3, null, 2]],
    ] as const) {
      const other = await onBoth(fingerprint(changed));
      expect(other.duckdb).not.toBe(same.duckdb);
      expect(other.bigquery).not.toBe(same.bigquery);
    }
  });
});
