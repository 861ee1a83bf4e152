// What a run keeps of the rows it replaces and what it reports, on DuckDB through the runner, on
// the hand-made fixture: a first build keeps nothing and says so; a rebuild that changes nothing
// keeps notes only (no row copied) and its undo restamps the rows exactly; a changed raw row is
// reported exactly (against a diff computed here), only its date's rows are copied, and the undo
// puts every table back to the bit; a batch written twice by one run keeps the first one's rows.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {derivedTable} from '../src/catalog/index.js';
import type {DerivedTableName} from '../src/catalog/types.js';
import {parseConfig} from '../src/config.js';
import {processorFor} from '../src/queries/processors/index.js';
import {startRun} from '../src/runner/index.js';
import {StateStore} from '../src/state/store.js';
import {BatchKeeper} from '../src/undo/keeper.js';
import {undoPolicy} from '../src/undo/policy.js';
import {readReplacedRanges} from '../src/undo/ranges.js';
import {readRuns} from '../src/undo/runs-view.js';
import {undoTables} from '../src/undo/tables.js';
import {planUndo} from '../src/undo/undo-plan.js';
import {executeUndo} from '../src/undo/undo-run.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {rangeParams} from '../src/warehouse/types.js';
import {FIXTURE_GAME_DATES, FIXTURE_RANGE, openFixtureWarehouse} from './support/fixture.js';
import {allRows, exactChecksums, rowDiff} from './support/undo.js';

const PROCESSORS: DerivedTableName[] = ['player_game_summary', 'team_offense_game_summary'];
const TABLES = PROCESSORS.map(derivedTable);
const pgs = derivedTable('player_game_summary');
const BOUNDARY = '2022-10-19';
const policy = undoPolicy({}, 'duckdb');

let w: DuckDbWarehouse;
let stateDir: string;

beforeEach(async () => {
  w = await openFixtureWarehouse();
  stateDir = mkdtempSync(join(tmpdir(), 'undo-keep-'));
});
afterEach(() => w.close());

async function run(force: boolean, range: {start: string; end: string} = FIXTURE_RANGE) {
  const handle = await startRun({warehouse: w, stateDir, config: parseConfig({}), boundary: BOUNDARY, request: {range, processors: PROCESSORS, ...(force ? {force} : {})}});
  const snapshot = await handle.finished;
  expect(snapshot.state).toBe('completed');
  return snapshot;
}

const count = async (sql: string) => Number((await w.query(sql))[0].n);

async function undo(runId: string) {
  const history = new StateStore(stateDir).history(w.description);
  const plan = planUndo({runId, entries: await readReplacedRanges(w), history, policy});
  return {plan, outcome: await executeUndo({warehouse: w, stateDir, policy, plan})};
}

describe('keeping on DuckDB', () => {
  it('a first build keeps nothing and says it replaced nothing; it cannot be undone', async () => {
    const first = await run(false);
    expect(first.changes!.player_game_summary).toMatchObject({replaced: 0, removed: 0, changed: 0, features: null});
    expect(first.changes!.player_game_summary!.added).toBe(first.changes!.player_game_summary!.written);
    expect(await count('SELECT COUNT(*) AS n FROM nba_backfill.kept_player_game_summary')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM nba_backfill.kept_dates')).toBe(0);
    expect(await count('SELECT SUM(kept_rows) AS n FROM nba_backfill.replaced_ranges')).toBe(0);
    const [listed] = await readRuns(w, stateDir, policy);
    expect(listed).toMatchObject({id: first.runId, undoable: false, replaced: 0});
    expect(listed.why).toMatch(/^replaced nothing/);
  });

  it('a rebuild that changes nothing keeps a note per date and no row; its undo restamps them exactly', async () => {
    await run(false);
    const before = await exactChecksums(w, TABLES);
    const again = await run(true);
    expect(again.changes!.player_game_summary).toMatchObject({replaced: before.player_game_summary.rows, written: before.player_game_summary.rows, added: 0, removed: 0, changed: 0});
    expect(await count('SELECT COUNT(*) AS n FROM nba_backfill.kept_player_game_summary')).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM nba_backfill.kept_dates WHERE table_name = 'player_game_summary'`)).toBe(FIXTURE_GAME_DATES.length);
    // The rows were rewritten: same values, this run's lineage.
    expect((await exactChecksums(w, TABLES)).player_game_summary).not.toEqual(before.player_game_summary);

    const {outcome} = await undo(again.runId!);
    expect(outcome).toMatchObject({state: 'completed', rows: before.player_game_summary.rows + before.team_offense_game_summary.rows});
    expect(await exactChecksums(w, TABLES)).toEqual(before);
    expect(await count('SELECT COUNT(*) AS n FROM nba_backfill.kept_dates')).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM nba_backfill.replaced_ranges WHERE run_id = '${again.runId}' AND undone_by IS NULL`)).toBe(0);
  });

  it('a changed raw row: exactly the changed rows are reported, only their date is copied, and the undo puts it all back', async () => {
    await run(false);
    const before = await exactChecksums(w, TABLES);
    const oldRows = await allRows(w, pgs);
    await w.query(`UPDATE nba_raw.boxscore_traditional SET points = points + 3, fta = fta + 3, ftm = ftm + 3 WHERE game_date = DATE '2021-10-22' AND player_lookup IN ('bobbeta', 'carlgamma')`);
    const forced = await run(true);
    const diff = rowDiff(pgs, oldRows, await allRows(w, pgs));
    // Their rows, and their teammates' (usage_rate reads the team's totals).
    expect(diff.changedKeys.filter((k) => /bobbeta|carlgamma/.test(k))).toHaveLength(2);
    expect(diff.changedKeys.every((k) => k.startsWith('2021-10-22|'))).toBe(true);
    expect(forced.changes!.player_game_summary).toMatchObject({replaced: oldRows.length, added: diff.added, removed: diff.removed, changed: diff.changed});
    // TOGS: both teams of that game scored more.
    expect(forced.changes!.team_offense_game_summary!.changed).toBe(2);
    // Whole rows kept for the changed date only; the other dates are notes.
    const keptDates = await w.query('SELECT DISTINCT CAST(game_date AS VARCHAR) AS d FROM nba_backfill.kept_player_game_summary');
    expect(keptDates).toEqual([{d: '2021-10-22'}]);
    expect(await count(`SELECT COUNT(*) AS n FROM nba_backfill.kept_dates WHERE table_name = 'player_game_summary'`)).toBe(FIXTURE_GAME_DATES.length - 1);

    const {plan, outcome} = await undo(forced.runId!);
    expect(plan.keptRows).toBe(oldRows.length + before.team_offense_game_summary.rows);
    expect(outcome.state).toBe('completed');
    expect(await exactChecksums(w, TABLES)).toEqual(before);
    expect(await count('SELECT COUNT(*) AS n FROM nba_backfill.kept_player_game_summary')).toBe(0);
    const [undoRun, undone] = await readRuns(w, stateDir, policy);
    expect(undoRun).toMatchObject({kind: 'undo', undoOf: forced.runId, outcome: 'completed', undoable: false});
    expect(undone).toMatchObject({id: forced.runId, undoable: false, why: `was already undone by ${undoRun.id}`});
  });

  it('a batch written twice by one run (a retry after its commit) keeps what the first write replaced', async () => {
    await run(false);
    const before = await exactChecksums(w, [pgs]);
    await w.query(`UPDATE nba_raw.boxscore_traditional SET points = points + 1 WHERE game_date = DATE '2021-10-20'`);
    await w.ensureTables(undoTables(policy));
    const keeper = new BatchKeeper(policy);
    const params = rangeParams(FIXTURE_RANGE.start, FIXTURE_RANGE.end, 'run-twice');
    const write = (companions: {before: readonly unknown[]; after: readonly unknown[]}) => w.replaceRange(pgs, processorFor(pgs).select(w.dialect), params, companions as never);
    const first = await keeper.write(pgs, w, params, {}, write);
    const kept = await w.query('SELECT COUNT(*) AS n FROM nba_backfill.kept_player_game_summary');
    const index = await w.query('SELECT run_id, kept_rows, CAST(kept_at AS VARCHAR) AS kept_at FROM nba_backfill.replaced_ranges');
    const second = await keeper.write(pgs, w, params, {}, write);
    expect(await w.query('SELECT COUNT(*) AS n FROM nba_backfill.kept_player_game_summary')).toEqual(kept);
    expect(await w.query('SELECT run_id, kept_rows, CAST(kept_at AS VARCHAR) AS kept_at FROM nba_backfill.replaced_ranges')).toEqual(index);
    // Both report against the rows the run replaced, not against its own first write.
    expect(second.changes).toEqual(first.changes);
    expect(first.changes.changed).toBeGreaterThan(0);
    const history = new StateStore(stateDir).history(w.description);
    const plan = planUndo({runId: 'run-twice', entries: await readReplacedRanges(w), history: [...history, {runId: 'run-twice', range: FIXTURE_RANGE, processors: ['player_game_summary'], startedAt: new Date().toISOString(), finishedAt: null, state: 'completed', jobs: 0, batches: []}], policy});
    await executeUndo({warehouse: w, stateDir, policy, plan});
    expect(await exactChecksums(w, [pgs])).toEqual(before);
  });
});
