// Staleness as BigQuery computes it, executed: the calendar, INFORMATION_SCHEMA.PARTITIONS of the
// four datasets (coverage with each partition's last change; the sources' fingerprints) and the
// records table, each run by ZetaSQL's reference implementation over a DuckDB warehouse
// (support/zetasql-bigquery.ts). Records whose inputs are BigQuery's fingerprints read as fresh;
// one changed box score then gives the same stale dates with the same reasons and details as
// DuckDB gives for the same change on its own records; a partition written after its record (a
// crash between the MERGE and the record's INSERT) reads `unknown`.
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {buildRecords} from '../src/catalog/bookkeeping.js';
import {DERIVED_TABLES, derivedTable} from '../src/catalog/index.js';
import {definitionOf} from '../src/freshness/definition.js';
import {digestIndex, expectedInputs} from '../src/freshness/expected.js';
import {listStale, readStaleness} from '../src/freshness/index.js';
import {readFreshnessInputs} from '../src/freshness/inputs.js';
import {readRecords, inputsText} from '../src/freshness/records.js';
import {buildOfInputs} from '../src/freshness/staleness.js';
import {startRun} from '../src/runner/index.js';
import type {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import type {Warehouse} from '../src/warehouse/types.js';
import {copyOf, demoFile, DEMO_AS_OF, DEMO_RANGE, tempDir, type TempDir} from './runner-support.js';
import {startZetaSql, stopZetaSql} from './support/zetasql.js';
import {zetaSqlWarehouse, type ZetaSqlBigQuery} from './support/zetasql-bigquery.js';

const config = {processors: {}};
const LAST = DEMO_RANGE.end;
const CHANGED = '2021-12-14';
let tmp: TempDir;
let duck: DuckDbWarehouse;
/** The copy BigQuery reads: the same tables, its records computed from BigQuery's fingerprints. */
let served: DuckDbWarehouse;
let bigquery: BigQueryWarehouse;
let client: ZetaSqlBigQuery;

async function changeBoxScore(w: Warehouse): Promise<void> {
  await w.query(
    `UPDATE nba_raw.boxscore_traditional SET points = points + 1, ftm = ftm + 1, fta = fta + 1
     WHERE game_date = DATE '${CHANGED}' AND player_lookup = (
       SELECT MIN(player_lookup) FROM nba_raw.boxscore_traditional WHERE game_date = DATE '${CHANGED}' AND "minutes" IS NOT NULL)`,
  );
}

const staleOf = async (w: Warehouse) => listStale((await readStaleness(w, {last: LAST, config})).stale);

beforeAll(async () => {
  tmp = tempDir('backfill-freshness-bq-');
  const [file] = await Promise.all([demoFile(tmp.dir), startZetaSql()]);
  duck = await openDuckDb(file);
  const run = await startRun({warehouse: duck, stateDir: `${tmp.dir}/state`, config, boundary: DEMO_AS_OF, request: {range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name)}});
  expect((await run.finished).state).toBe('completed');
  await duck.query('CHECKPOINT');
  served = await openDuckDb(copyOf(file, tmp.dir, 'served'));
  ({warehouse: bigquery, client} = zetaSqlWarehouse(served));

  // What a BigQuery run would have recorded: the same builds, BigQuery's fingerprints and definitions.
  const inputs = await readFreshnessInputs(bigquery, {last: LAST});
  const index = digestIndex(inputs.calendar, buildOfInputs(inputs), inputs.sources);
  const values: string[] = [];
  for (const [table, dates] of inputs.records) {
    const definition = definitionOf('bigquery', derivedTable(table), null);
    for (const date of dates.keys()) values.push(`('${table}', DATE '${date}', '${inputsText(expectedInputs(index, table, date))}', '${definition}')`);
  }
  await served.query(
    `UPDATE ${served.dialect.table(buildRecords)} AS r SET inputs = v.inputs, definition = v.definition
     FROM (VALUES ${values.join(', ')}) AS v(table_name, game_date, inputs, definition)
     WHERE r.table_name = v.table_name AND r.game_date = v.game_date`,
  );
  client.forget();
}, 240_000);

afterAll(async () => {
  stopZetaSql();
  await duck?.close();
  await served?.close();
  tmp?.cleanup();
});

describe('staleness on BigQuery, executed by ZetaSQL', () => {
  it('reads the same records as DuckDB, and coverage from partition metadata', async () => {
    const [a, b] = [await readRecords(duck), await readRecords(bigquery)];
    expect(b.present).toBe(true);
    const keys = (r: typeof a) => Object.fromEntries([...r.records].map(([t, dates]) => [t, [...dates].map(([d, rec]) => `${d} ${rec.buildId} ${rec.builtAt} ${rec.recordedAt}`).sort()]));
    expect(keys(b)).toEqual(keys(a));
    const inputs = await readFreshnessInputs(bigquery, {last: LAST});
    expect(inputs.written.get('player_game_summary')!.size).toBe(a.records.get('player_game_summary')!.size);
    expect(inputs.sources.lookup('boxscore_traditional', CHANGED)).toMatch(/^\d+@\d+$/);
    expect(inputs.sources.lookup('team_roster', '2021-22')).toMatch(/^\d+@\d+$/);
    expect(client.requests.every((r) => !/FROM `[^`]+\.nba_raw\.(boxscore_traditional|shot_chart|team_roster)`/.test(r.query))).toBe(true);
  });

  it('is fresh as recorded; one changed box score gives what DuckDB gives for it, reason and detail', async () => {
    expect(await staleOf(bigquery)).toEqual([]);
    expect(await staleOf(duck)).toEqual([]);
    await changeBoxScore(duck);
    await changeBoxScore(served);
    client.forget();
    const [onDuck, onBigQuery] = [await staleOf(duck), await staleOf(bigquery)];
    expect(onDuck.length).toBeGreaterThan(50);
    expect(onDuck.filter((s) => s.table === 'player_game_summary')).toEqual([{table: 'player_game_summary', date: CHANGED, reason: 'source', detail: `boxscore_traditional ${CHANGED} changed since it was built`}]);
    expect(onBigQuery).toEqual(onDuck);
  });

  it('a partition written after its record reads unknown (a crash between the MERGE and the record)', async () => {
    const date = '2021-11-10';
    await served.query(`UPDATE ${served.dialect.table(buildRecords)} SET recorded_at = recorded_at - INTERVAL 1 HOUR WHERE table_name = 'team_offense_game_summary' AND game_date = DATE '${date}'`);
    client.forget();
    const found = (await staleOf(bigquery)).find((s) => s.table === 'team_offense_game_summary' && s.date === date);
    expect(found).toMatchObject({reason: 'unknown', detail: expect.stringContaining('after their build record')});
  });
});
