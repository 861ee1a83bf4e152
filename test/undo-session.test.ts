// The console's undo where the warehouse is open (the host's LocalSession): `runs` lists the
// history with what can be undone, `undo` puts a run back and says so in the job log, a refusal is
// one warning line and changes nothing; the completion report shows the last run's changes.
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {connectSession} from '../src/attach/client.js';
import {socketPath} from '../src/attach/paths.js';
import {serveSession} from '../src/attach/server.js';
import {derivedTable} from '../src/catalog/index.js';
import {parseConfig} from '../src/config.js';
import {LocalSession} from '../src/session/local.js';
import {buildCompletionReport, formatCompletionReport} from '../src/validation/report.js';
import type {DuckDbWarehouse} from '../src/warehouse/duckdb.js';
import {FIXTURE_RANGE, openFixtureWarehouse} from './support/fixture.js';
import {exactChecksums} from './support/undo.js';
import {until} from './support/wait.js';

const pgs = derivedTable('player_game_summary');

let w: DuckDbWarehouse;
let session: LocalSession;
let stateDir: string;

beforeEach(async () => {
  w = await openFixtureWarehouse();
  stateDir = mkdtempSync(join(tmpdir(), 'undo-session-'));
  session = new LocalSession({warehouse: w, stateDir, config: parseConfig({}), boundary: '2022-10-19', start: FIXTURE_RANGE.start});
});
afterEach(async () => {
  await session.close('detach');
  await w.close();
});

async function runToEnd(force: boolean): Promise<string> {
  const run = await session.startRun({range: FIXTURE_RANGE, processors: ['player_game_summary'], ...(force ? {force} : {})});
  const snapshot = await run!.finished;
  await until('the session to be idle', () => !session.running, 30_000, 20);
  return snapshot.runId!;
}

const logged = (pattern: RegExp) => session.backlog().some((e) => e.type === 'log' && pattern.test(e.message));

describe('undo from the console', () => {
  it('runs lists what can be undone; undo puts the run back and logs each range; the report shows the changes', async () => {
    const first = await runToEnd(false);
    await w.query(`UPDATE nba_raw.boxscore_traditional SET points = points + 2 WHERE game_date = DATE '2021-10-24'`);
    const before = await exactChecksums(w, [pgs]);
    const forced = await runToEnd(true);
    const runs = await session.call('runs', {});
    expect(runs.map((r) => [r.id, r.undoable])).toEqual([[forced, true], [first, false]]);
    expect(runs[0].changes.player_game_summary!.changed).toBeGreaterThan(0);

    const report = await buildCompletionReport(w, {range: FIXTURE_RANGE, stateDir});
    expect(report.lastChanges).toMatchObject({runId: forced, report: {player_game_summary: {changed: runs[0].changes.player_game_summary!.changed}}});
    expect(formatCompletionReport(report)).toContain(`CHANGES OF THE LAST RUN\n  ${forced}`);

    await session.call('undo', {runId: forced});
    expect(logged(/^undo: 1\/2 PGS 20\d\d-\d\d-\d\d → 20\d\d-\d\d-\d\d: \d+ rows back$/)).toBe(true); // a batch per season
    expect(logged(new RegExp(`^undo: run ${forced} undone by undo-\\S+: 2 of 2 ranges, \\d+ rows put back$`))).toBe(true);
    expect(await exactChecksums(w, [pgs])).toEqual(before);
    expect(session.getState().activity).toBeNull();
    const after = await session.call('runs', {});
    expect(after[0]).toMatchObject({kind: 'undo', undoOf: forced, outcome: 'completed'});
  });

  it('a refusal is one warning in the log and changes nothing', async () => {
    const first = await runToEnd(false);
    const before = await exactChecksums(w, [pgs]);
    await session.call('undo', {runId: first});
    expect(logged(new RegExp(`^undo refused: run "${first}" replaced nothing`))).toBe(true);
    await session.call('undo', {runId: 'run-nope'});
    expect(logged(/^undo refused: no run "run-nope"/)).toBe(true);
    expect(await exactChecksums(w, [pgs])).toEqual(before);
    expect((await session.call('runs', {})).map((r) => r.kind)).toEqual(['run']);
  });

  it('over the socket (a console on the host, `backfill runs` from another shell): the same listing, and the undo', async () => {
    await runToEnd(false);
    const forced = await runToEnd(true);
    const path = socketPath(mkdtempSync(join(tmpdir(), 'undo-socket-')), 'w');
    const owner = {pid: process.pid, startedAt: new Date().toISOString(), warehouse: 'w', command: 'backfill host', control: true};
    const server = await serveSession(session, {socketPath: path, owner, log: () => undefined});
    const remote = await connectSession(path);
    try {
      expect(await remote.call('runs', {})).toEqual(await session.call('runs', {}));
      await remote.call('undo', {runId: forced, tables: ['player_game_summary']});
      await until('the undo to be done', async () => (await session.call('runs', {}))[0].kind === 'undo', 30_000, 50);
      expect((await remote.call('runs', {})).find((r) => r.id === forced)).toMatchObject({undoable: false});
    } finally {
      await remote.close('detach');
      await server.close();
    }
  });
});
