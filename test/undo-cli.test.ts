// Undo through the built command line, on the demo league: a full backfill; raw rows of one game
// changed; `run --force --no-cascade` over that date (PGS alone, not what reads it) reports exactly
// the changed PGS rows in its `summary` event (against a diff computed here) and `undo` of it
// leaves every table identical to the bit to before it; a forced week of every processor reports
// the feature store's per-feature figures exactly; undo of an older run when a newer one rewrote
// the same dates is refused naming the newer run; retention prunes the oldest run's rows and
// `runs` says it can no longer be undone; bad input is one line, exit 2, nothing changed.
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES, derivedTable, mlFeatureStore} from '../src/catalog/index.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {featureColumns} from '../src/undo/features.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import type {Row} from '../src/warehouse/types.js';
import {assertBuilt, backfill, lines, sandbox, type Sandbox} from './support/cli.js';
import {allRows, exactChecksums, rowDiff} from './support/undo.js';

const AS_OF = '2022-01-01';
const DAY = '2021-12-01';
const WEEK_END = '2021-12-07';
const SLOW = {timeout: 300_000};
const pgs = derivedTable('player_game_summary');

let box: Sandbox;
let built: string;
let config: string;

async function withWarehouse<T>(path: string, fn: (w: Awaited<ReturnType<typeof openDuckDb>>) => Promise<T>, readOnly = true): Promise<T> {
  const w = await openDuckDb(path, {readOnly});
  try {
    return await fn(w);
  } finally {
    await w.close();
  }
}

const checksums = (path: string) => withWarehouse(path, (w) => exactChecksums(w, DERIVED_TABLES));
const stateText = (stateDir: string) => readFileSync(join(stateDir, 'state.json'), 'utf8');

/** A copy of the fully built demo with its own state dir (copied too: the first build's run is in it). */
function copyOfBuilt(name: string): {warehouse: string; stateDir: string; args: string[]} {
  const warehouse = join(box.dir, `${name}.duckdb`);
  copyFileSync(built, warehouse);
  const stateDir = join(box.dir, `state-${name}`);
  return {warehouse, stateDir, args: ['--warehouse', warehouse, '--state-dir', stateDir, '--config', config]};
}

async function changeOneGame(path: string): Promise<void> {
  await withWarehouse(path, async (w) => {
    const [{game_id}] = await w.query(`SELECT min(game_id) AS game_id FROM nba_raw.boxscore_traditional WHERE game_date = DATE '${DAY}'`);
    await w.query(`UPDATE nba_raw.boxscore_traditional SET points = points + 2, fgm = fgm + 1, fga = fga + 1 WHERE game_id = '${game_id}' AND minutes IS NOT NULL AND player_id % 3 = 0`);
  }, false);
}

async function forced(args: readonly string[], extra: readonly string[]): Promise<{runId: string; summary: Record<string, any>}> {
  // Without the cascade: the rebuild stays in the range the test diffs (what reads it is left stale).
  const result = await backfill(box, [...args, '--log-format', 'json', 'run', '--force', '--no-cascade', ...extra]);
  expect(result.exitCode, result.stderr).toBe(0);
  const records = lines(result.stdout).map((l) => JSON.parse(l));
  const summary = records.find((r) => r.event === 'summary' && r.processor === null);
  const started = records.find((r) => r.event === 'run-started');
  return {runId: /run (\S+) started/.exec(started.message)![1], summary};
}

beforeAll(async () => {
  assertBuilt();
  box = sandbox();
  built = join(box.dir, 'built.duckdb');
  await createDemoWarehouse(built, {asOf: AS_OF, seed: 7});
  config = join(box.dir, 'config.json');
  writeFileSync(config, JSON.stringify({boundary: AS_OF, start: '2021-10-19'}));
  const first = await backfill(box, ['--warehouse', built, '--state-dir', join(box.dir, 'state-built'), '--config', config, 'run']);
  expect(first.exitCode, first.stderr).toBe(0);
}, 300_000);

afterAll(() => box?.cleanup());

describe('run --force after a raw correction, then undo', () => {
  it('reports exactly the changed PGS rows, and the undo leaves every table as it was', SLOW, async () => {
    const {warehouse, args} = copyOfBuilt('one-game');
    await changeOneGame(warehouse);
    const before = await checksums(warehouse);
    const oldRows = await withWarehouse(warehouse, (w) => allRows(w, pgs, {start: DAY, end: DAY}));

    const {runId, summary} = await forced(args, ['--processors', 'PGS', '--from', DAY, '--to', DAY]);
    const diff = rowDiff(pgs, oldRows, await withWarehouse(warehouse, (w) => allRows(w, pgs, {start: DAY, end: DAY})));
    expect(diff.changed).toBeGreaterThan(0);
    expect(summary.changes).toEqual({'nba_analytics.player_game_summary': {added: diff.added, removed: diff.removed, changed: diff.changed, replaced: oldRows.length}});
    expect(summary.feature_changes).toBeNull();

    const undone = await backfill(box, [...args, 'undo', runId, '--yes']);
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(lines(undone.stdout).at(-1)).toMatch(new RegExp(`^undo: run ${runId} undone by undo-\\S+: 1 of 1 ranges, ${oldRows.length} rows put back$`));
    expect(await checksums(warehouse)).toEqual(before);
    const runs = JSON.parse((await backfill(box, [...args, 'runs', '--json'])).stdout).runs;
    expect(runs[0]).toMatchObject({kind: 'undo', undo_of: runId, outcome: 'completed', undoable: false});
    expect(runs[1]).toMatchObject({id: runId, undoable: false, why_not_undoable: `was already undone by ${runs[0].id}`});
  });

  it('a forced week of every processor reports the feature store per feature, as a diff computed here finds', SLOW, async () => {
    const {warehouse, args} = copyOfBuilt('week');
    await changeOneGame(warehouse);
    const week = {start: DAY, end: WEEK_END};
    const old = await withWarehouse(warehouse, (w) => allRows(w, mlFeatureStore, week));
    const {summary} = await forced(args, ['--from', DAY, '--to', WEEK_END]);
    const now = await withWarehouse(warehouse, (w) => allRows(w, mlFeatureStore, week));
    const figures = featureFigures(old, now);
    expect(Object.keys(summary.feature_changes).sort()).toEqual(Object.keys(figures).sort());
    expect(Object.values(figures).some((f) => f.changed > 0)).toBe(true);
    for (const [name, f] of Object.entries(figures)) {
      const got = summary.feature_changes[name];
      expect(got.changed, name).toBe(f.changed);
      for (const k of ['mean_before', 'mean_after', 'max_abs_change'] as const) {
        if (f[k] === null) expect(got[k], `${name} ${k}`).toBeNull();
        else expect(got[k], `${name} ${k}`).toBeCloseTo(f[k]!, 9);
      }
    }
    const mlfs = rowDiff(mlFeatureStore, old, now);
    expect(summary.changes['nba_precompute.ml_feature_store']).toEqual({added: mlfs.added, removed: mlfs.removed, changed: mlfs.changed, replaced: old.length});
  });
});

/** Per feature: values changed on matched keys, means before and after (BOOL as 0/1), the largest |change|. */
function featureFigures(before: readonly Row[], after: readonly Row[]) {
  const key = (r: Row) => mlFeatureStore.key.map((k) => String(r[k])).join('|');
  const old = new Map(before.map((r) => [key(r), r]));
  const value = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'boolean' ? Number(v) : Number(v));
  const mean = (rows: readonly Row[], c: string) => {
    const xs = rows.map((r) => value(r[c])).filter((x): x is number => x !== null);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  };
  const out: Record<string, {changed: number; mean_before: number | null; mean_after: number | null; max_abs_change: number | null}> = {};
  for (const column of featureColumns(mlFeatureStore)) {
    let changed = 0;
    let max: number | null = null;
    for (const r of after) {
      const o = old.get(key(r));
      if (!o) continue;
      const [a, b] = [value(o[column.name]), value(r[column.name])];
      const differs = a === null || b === null ? a !== b : column.type === 'FLOAT64' ? Math.abs(b - a) > 1e-9 * Math.max(1, Math.abs(a)) : a !== b;
      if (differs) changed++;
      if (a !== null && b !== null) max = Math.max(max ?? 0, Math.abs(b - a));
    }
    out[column.name] = {changed, mean_before: mean(before, column.name), mean_after: mean(after, column.name), max_abs_change: max};
  }
  return out;
}

describe('refusals and retention', () => {
  it('undo of an older run when a newer one rewrote the same dates is refused with the newer run\'s id', SLOW, async () => {
    const {warehouse, stateDir, args} = copyOfBuilt('two');
    const a = await forced(args, ['--processors', 'PGS', '--from', DAY, '--to', DAY]);
    const b = await forced(args, ['--processors', 'PGS', '--from', DAY, '--to', DAY]);
    const before = await checksums(warehouse);
    const state = stateText(stateDir);
    const refused = await backfill(box, [...args, 'undo', a.runId, '--yes']);
    expect(refused.exitCode).toBe(2);
    expect(lines(refused.stderr)).toEqual([`backfill: run "${a.runId}" cannot be undone before run ${b.runId}, which rewrote PGS ${DAY}..${DAY} after it: undo run ${b.runId} first`]);
    expect(await checksums(warehouse)).toEqual(before);
    expect(stateText(stateDir)).toBe(state);
    // In that order both go.
    expect((await backfill(box, [...args, 'undo', b.runId, '--yes'])).exitCode).toBe(0);
    expect((await backfill(box, [...args, 'undo', a.runId, '--yes'])).exitCode).toBe(0);
  });

  it('retention prunes the oldest run\'s kept rows, and runs says it can no longer be undone', SLOW, async () => {
    const {warehouse, args} = copyOfBuilt('retention');
    const keepTwo = join(box.dir, 'keep-two.json');
    writeFileSync(keepTwo, JSON.stringify({boundary: AS_OF, start: '2021-10-19', undo: {runs: 2}}));
    const withTwo = [...args.slice(0, -2), '--config', keepTwo];
    await changeOneGame(warehouse);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await forced(withTwo, ['--processors', 'PGS', '--from', DAY, '--to', DAY])).runId);
    const kept = await withWarehouse(warehouse, (w) =>
      w.query(`SELECT undo_run_id AS run, COUNT(*) AS n FROM (SELECT undo_run_id FROM nba_backfill.kept_player_game_summary UNION ALL SELECT undo_run_id FROM nba_backfill.kept_dates) GROUP BY ALL ORDER BY 1`),
    );
    expect(kept.map((r) => r.run)).toEqual([ids[1], ids[2]]);
    const listed = await backfill(box, [...withTwo, 'runs', '--json']);
    const runs = JSON.parse(listed.stdout).runs as {id: string; undoable: boolean; why_not_undoable: string | null}[];
    expect(runs.slice(0, 3).map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(runs[2].undoable).toBe(false);
    expect(runs[2].why_not_undoable).toMatch(/^can no longer be undone: retention dropped its replaced rows at .* \(undo keeps the last 2 runs: config undo.runs\)$/);
    expect(runs[0].undoable).toBe(true);
    const text = await backfill(box, [...withTwo, 'runs']);
    expect(text.stdout).toContain(`not undoable: can no longer be undone: retention dropped its replaced rows`);
    const status = await backfill(box, [...withTwo, 'status']);
    expect(lines(status.stdout).find((l) => l.startsWith('undo:'))).toMatch(/^undo: 2 of the last 2 runs can be undone; \d+ rows kept$/);
    expect(JSON.parse((await backfill(box, [...withTwo, 'status', '--json'])).stdout).undo).toMatchObject({runs: 2, bytes: null, keep: 'copy', retention: 2});
  });

  it('bad input: an unknown run, a run that replaced nothing, --tables it did not touch: one line, exit 2, nothing changed', SLOW, async () => {
    const {warehouse, stateDir, args} = copyOfBuilt('bad');
    const pgsRun = await forced(args, ['--processors', 'PGS', '--from', DAY, '--to', DAY]);
    const runs = JSON.parse((await backfill(box, [...args, 'runs', '--json'])).stdout).runs as {id: string}[];
    const firstBuild = runs.find((r) => r.id !== pgsRun.runId)!.id;
    const before = await checksums(warehouse);
    const state = stateText(stateDir);
    for (const [extra, message] of [
      [['undo', 'run-nope', '--yes'], /^backfill: no run "run-nope" in the run history or the warehouse's index: `backfill runs` lists the runs$/],
      [['undo', firstBuild, '--yes'], /^backfill: run ".*" replaced nothing \(a first build of every range it wrote\): there is nothing to put back; `backfill rollback` deletes what it wrote$/],
      [['undo', pgsRun.runId, '--tables', 'TOGS', '--yes'], /^backfill: run ".*" did not write TOGS \(it wrote PGS\): leave them out of --tables$/],
      [['undo', pgsRun.runId, '--tables', 'NOPE', '--yes'], /^backfill: unknown table or processor "NOPE"/],
      [['undo', pgsRun.runId], /^backfill: undo needs confirmation: stdin is not a terminal, so pass --yes to proceed$/],
    ] as const) {
      const result = await backfill(box, [...args, ...extra]);
      expect(result.exitCode, extra.join(' ')).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(lines(result.stderr)[0]).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect(await checksums(warehouse)).toEqual(before);
    expect(stateText(stateDir)).toBe(state);
  });
});
