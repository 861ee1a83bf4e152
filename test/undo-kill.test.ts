// kill -9 during an undo: the built CLI's `undo`, in a child process that kills itself (SIGKILL)
// at an injected point of its DuckDB statements (test/fixtures/kill-at.mjs): before a step's
// commit, after it, in the middle of a step (after its DELETE). Afterwards every table range is
// either fully put back or exactly as the run left it, never half; and `undo` again finishes the
// rest, leaving every table as it was before the run, to the bit.
import {copyFileSync, cpSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable} from '../src/catalog/index.js';
import {parseConfig} from '../src/config.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {startRun} from '../src/runner/index.js';
import {readReplacedRanges, type ReplacedRange} from '../src/undo/ranges.js';
import {openDuckDb, type DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {assertBuilt, BIN, ROOT} from './support/cli.js';
import {exactChecksums} from './support/undo.js';

const AS_OF = '2022-01-01';
const FORCED = {start: '2021-12-01', end: '2021-12-12'};
const KILL_AT = join(ROOT, 'test', 'fixtures', 'kill-at.mjs');

let dir: string;
let forced: string;
let forcedState: string;
let runId: string;
let steps: ReplacedRange[];
let original: Awaited<ReturnType<typeof exactChecksums>>;
/** Per step: the checksum of its range before the run (put back) and after it (untouched). */
const expected = new Map<string, {back: string; left: string}>();

const stepKey = (s: ReplacedRange) => `${s.table} ${s.start}..${s.end}`;

async function rangeChecksum(w: DuckDbWarehouse, s: ReplacedRange): Promise<string> {
  const table = derivedTable(s.table);
  const columns = table.columns.map((c) => `"${c.name}"`).join(', ');
  const [row] = await w.query(
    `SELECT md5(COALESCE(string_agg(CAST(ROW(${columns}) AS VARCHAR), '|' ORDER BY CAST(ROW(${columns}) AS VARCHAR)), '')) AS c
     FROM ${w.dialect.table(table)} WHERE game_date BETWEEN DATE '${s.start}' AND DATE '${s.end}'`,
  );
  return String(row.c);
}

async function checksumsOfSteps(file: string): Promise<Map<string, string>> {
  const w = await openDuckDb(file, {readOnly: true});
  try {
    return new Map(await Promise.all(steps.map(async (s) => [stepKey(s), await rangeChecksum(w, s)] as const)));
  } finally {
    await w.close();
  }
}

beforeAll(async () => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), 'undo-kill-'));
  const base = join(dir, 'base.duckdb');
  await createDemoWarehouse(base, {asOf: AS_OF, seed: 7});
  const w = await openDuckDb(base);
  const config = parseConfig({});
  const request = {range: {start: '2021-10-19', end: '2021-12-31'}, processors: ['player_game_summary', 'team_offense_game_summary'] as const};
  const first = await startRun({warehouse: w, stateDir: join(dir, 'state-base'), config, boundary: AS_OF, request: {...request, processors: [...request.processors]}});
  expect((await first.finished).state).toBe('completed');
  // A correction of every game in the forced range: each of its batches changes rows.
  await w.query(`UPDATE nba_raw.boxscore_traditional SET points = points + 1, ftm = ftm + 1, fta = fta + 1 WHERE game_date BETWEEN DATE '${FORCED.start}' AND DATE '${FORCED.end}' AND player_id % 4 = 1`);
  await w.close();
  // What the tables hold before the forced run, from a copy taken now.
  const pre = join(dir, 'pre.duckdb');
  copyFileSync(base, pre);
  const again = await openDuckDb(base);
  forcedState = join(dir, 'state-forced');
  const rebuilt = await startRun({warehouse: again, stateDir: forcedState, config, boundary: AS_OF, request: {range: FORCED, processors: [...request.processors], force: true, batchSize: 3}});
  runId = rebuilt.runId;
  expect((await rebuilt.finished).state).toBe('completed');
  steps = (await readReplacedRanges(again)).filter((e) => e.runId === runId);
  expect(steps.length).toBeGreaterThanOrEqual(6);
  await again.close();
  forced = join(dir, 'forced.duckdb');
  copyFileSync(base, forced);
  // Each range as the run left it, and as it was before the run.
  const [left, back] = [await checksumsOfSteps(forced), await checksumsOfSteps(pre)];
  for (const s of steps) {
    expected.set(stepKey(s), {back: back.get(stepKey(s))!, left: left.get(stepKey(s))!});
    expect(back.get(stepKey(s))).not.toBe(left.get(stepKey(s)));
  }
  const p = await openDuckDb(pre, {readOnly: true});
  original = await exactChecksums(p, DERIVED_TABLES);
  await p.close();
}, 300_000);

afterAll(() => rmSync(dir, {recursive: true, force: true}));

function statesOf(now: Map<string, string>): string[] {
  return steps.map((s) => {
    const {back: restored, left} = expected.get(stepKey(s))!;
    return now.get(stepKey(s)) === restored ? 'back' : now.get(stepKey(s)) === left ? 'left' : 'HALF';
  });
}

describe('kill -9 during an undo', () => {
  it.each([
    ['before-commit:1', 0],
    ['after-commit:1', 1],
    ['mid-step:2', 1],
    ['before-commit:3', 2],
    ['after-commit:4', 4],
  ])('killed at %s: %i ranges back, the others untouched; undo again finishes', {timeout: 240_000}, async (point, back) => {
    const name = point.replace(':', '-');
    const file = join(dir, `${name}.duckdb`);
    const stateDir = join(dir, `state-${name}`);
    copyFileSync(forced, file);
    cpSync(forcedState, stateDir, {recursive: true});
    // One range at a time: the injected point then names the step it kills (see the last test for several at once).
    const args = ['undo', runId, '--yes', '--workers', '1', '--warehouse', file, '--state-dir', stateDir];
    const killed = await execa('node', ['--import', KILL_AT, BIN, ...args], {reject: false, env: {BACKFILL_TEST_KILL_AT: point}});
    expect(killed.signal).toBe('SIGKILL');

    const states = statesOf(await checksumsOfSteps(file));
    expect(states).not.toContain('HALF');
    expect(states.filter((s) => s === 'back')).toHaveLength(back);
    const listed = await execa('node', [BIN, 'runs', '--json', '--warehouse', file, '--state-dir', stateDir], {reject: false});
    expect(JSON.parse(String(listed.stdout)).runs[0]).toMatchObject({kind: 'undo', undo_of: runId, outcome: 'interrupted'});

    const again = await execa('node', [BIN, ...args], {reject: false});
    expect(again.exitCode, again.stderr).toBe(0);
    expect(String(again.stdout)).toContain(`${steps.length - back} of ${steps.length - back} ranges`);
    const w = await openDuckDb(file, {readOnly: true});
    try {
      expect(await exactChecksums(w, DERIVED_TABLES)).toEqual(original);
      const [{n}] = await w.query(`SELECT COUNT(*) AS n FROM nba_backfill.replaced_ranges WHERE run_id = '${runId}' AND undone_by IS NULL`);
      expect(n).toBe(0);
    } finally {
      await w.close();
    }
  });

  it('several ranges at once (the default), killed at each of the first commits: still whole or untouched', {timeout: 240_000}, async () => {
    for (const point of ['after-commit:1', 'before-commit:2', 'after-commit:3']) {
      const name = `parallel-${point.replace(':', '-')}`;
      const file = join(dir, `${name}.duckdb`);
      const stateDir = join(dir, `state-${name}`);
      copyFileSync(forced, file);
      cpSync(forcedState, stateDir, {recursive: true});
      const args = ['undo', runId, '--yes', '--warehouse', file, '--state-dir', stateDir];
      const killed = await execa('node', ['--import', KILL_AT, BIN, ...args], {reject: false, env: {BACKFILL_TEST_KILL_AT: point}});
      expect(killed.signal, `${point}: exit ${killed.exitCode} ${killed.stderr}`).toBe('SIGKILL');
      expect(statesOf(await checksumsOfSteps(file))).not.toContain('HALF');
      expect((await execa('node', [BIN, ...args], {reject: false})).exitCode).toBe(0);
      const w = await openDuckDb(file, {readOnly: true});
      try {
        expect(await exactChecksums(w, DERIVED_TABLES)).toEqual(original);
      } finally {
        await w.close();
      }
    }
  });
});
