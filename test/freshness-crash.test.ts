// The crash case: a batch's rows written and the process killed (kill -9) before its build record,
// which is what a crash between BigQuery's MERGE and the record's INSERT leaves (DuckDB writes both
// in one transaction; test/fixtures/crash-between-write-and-record.mjs runs the runner on a
// DuckDB warehouse that writes them one after the other, as BigQuery does). Those dates read
// `unknown` (their rows are newer than their record), never fresh; what reads them is stale
// through them; and `run --stale` (after resuming the interrupted run) makes everything current.
// Needs `npm run build`.
import {execa} from 'execa';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {listStale, readStaleness} from '../src/freshness/index.js';
import {startRun} from '../src/runner/index.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {assertBuilt, backfill, ROOT, sandbox, type Sandbox} from './support/cli.js';
import {demoFile, DEMO_AS_OF, DEMO_RANGE} from './runner-support.js';

const D = '2021-12-07';
let box: Sandbox;

async function stale() {
  const warehouse = await openDuckDb(box.warehouse, {readOnly: true});
  try {
    return listStale((await readStaleness(warehouse, {last: '2021-12-31', config: {processors: {}}})).stale);
  } finally {
    await warehouse.close();
  }
}

beforeAll(async () => {
  assertBuilt();
  box = sandbox();
  const {copyFileSync} = await import('node:fs');
  copyFileSync(await demoFile(box.dir), box.warehouse);
  const warehouse = await openDuckDb(box.warehouse);
  const run = await startRun({warehouse, stateDir: box.stateDir, config: {processors: {}}, boundary: DEMO_AS_OF, request: {range: DEMO_RANGE, processors: DERIVED_TABLES.map((t) => t.name)}});
  expect((await run.finished).state).toBe('completed');
  await warehouse.close();
}, 180_000);
afterAll(() => box?.cleanup());

describe('kill -9 between a batch\'s write and its record', () => {
  it('leaves those dates unknown and their readers stale through them; run --stale repairs them', {timeout: 180_000}, async () => {
    expect(await stale()).toEqual([]);
    const child = await execa('node', [join(ROOT, 'test', 'fixtures', 'crash-between-write-and-record.mjs'), box.warehouse, box.stateDir, DEMO_AS_OF, 'player_game_summary', D], {
      env: box.env,
      reject: false,
      timeout: 120_000,
    });
    expect(child.signal).toBe('SIGKILL');

    const after = await stale();
    const pgs = after.filter((s) => s.table === 'player_game_summary');
    expect(pgs).toEqual([{table: 'player_game_summary', date: D, reason: 'unknown', detail: expect.stringMatching(/^rows written at .* after their build record \(.*\): that write's record is missing \(a crash between them\?\)$/)}]);
    // Nothing is fresh that read it: PSZA after it, MLFS on it and after (PSZA, PCF), PCF after it.
    expect(after.filter((s) => s.reason !== 'upstream' && s.table !== 'player_game_summary')).toEqual([]);
    expect(after.find((s) => s.table === 'ml_feature_store' && s.date === D)).toMatchObject({reason: 'upstream', detail: `player_game_summary ${D} is stale (unknown)`});
    expect(after.some((s) => s.table === 'player_shot_zone_analytics' && s.date > D)).toBe(true);
    expect(after.every((s) => s.date >= D)).toBe(true);

    const repaired = await backfill(box, ['run', '--no-tty', '--from', DEMO_RANGE.start, '--stale']);
    expect(repaired.exitCode, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('resuming the interrupted run');
    expect(await stale()).toEqual([]);
  });
});
