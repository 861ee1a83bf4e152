// The console draws before its host answers: from the last coverage it saw (marked "as of"),
// replaced in place by the live one once connected; with no snapshot, the frame and a "reading
// coverage" line; when another process holds the warehouse, who and what reaches it. The
// snapshot store itself: atomic, bounded, and never in the way of a read-only state dir.
import {chmodSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {PendingSession} from '../src/attach/pending.js';
import {loadCoverageSnapshot, MAX_SNAPSHOTS, saveCoverageSnapshot} from '../src/state/coverage-cache.js';
import type {SessionState} from '../src/session/types.js';
import {asOfText} from '../src/ui/components/StatusBar.js';
import {coverageOf, FakeSession, logEvent} from './support/fake-session.js';
import {renderConsole} from './support/render.js';
import {tempDir} from './runner-support.js';

const RANGE = {start: '2021-11-01', end: '2022-02-28'};
const temp = tempDir('backfill-first-frame-');
afterAll(() => temp.cleanup());

function pending(initial: Partial<SessionState>) {
  let resolve!: (session: FakeSession) => void;
  let reject!: (error: Error) => void;
  const connecting = new Promise<FakeSession>((res, rej) => ((resolve = res), (reject = rej)));
  const state: SessionState = {warehouse: 'demo.duckdb', boundary: '2022-03-01', coverage: null, run: null, validation: null, activity: 'connecting to the warehouse', attached: false, ...initial};
  // The wrapper FakeSession records what the console asks; the console renders the pending one.
  const session = new PendingSession<FakeSession>(state, connecting);
  return {session, resolve, reject};
}

describe('the first frame', () => {
  test('the cached grid at once, marked "as of", then the live coverage in place', async () => {
    const takenAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const cached = {...coverageOf(RANGE, {player_game_summary: (d) => d < '2021-12-01'}), takenAt};
    const {session, resolve} = pending({coverage: cached, coverageAsOf: takenAt});
    const ui = await renderConsole(session as unknown as FakeSession);
    let frame = ui.frame();
    expect(frame).toContain('Phase 3');
    expect(frame).toContain(`coverage ${asOfText(takenAt)}`);
    expect(frame).toMatch(/no run yet \| coverage as of \d\d:\d\d \| connecting/);
    expect(frame).toMatch(/›PGS +✓26\/26/); // November, from the snapshot

    const live = new FakeSession({warehouse: 'demo.duckdb', coverage: coverageOf(RANGE, {player_game_summary: 'all'})});
    live.emit(logEvent('an earlier line of the host'));
    resolve(live);
    await ui.waitFor('no run yet');
    await ui.waitFor('✓27/27'); // December, live
    frame = ui.frame();
    expect(frame).not.toContain('as of');
    expect(frame).not.toContain('connecting to the warehouse');
    expect(frame).toContain('an earlier line of the host'); // the host's backlog reaches the log
    // Requests go to the joined session.
    await ui.press('s');
    expect(live.calls[0]).toMatchObject({method: 'preview'});
    ui.unmount();
  });

  test('no snapshot: the frame and a "reading coverage" line at once', async () => {
    const {session} = pending({});
    const ui = await renderConsole(session as unknown as FakeSession);
    expect(ui.frame()).toContain('Reading coverage from demo.duckdb...');
    expect(ui.lines()[0]).toContain('backfill demo.duckdb | no run yet | connecting to the warehouse');
    ui.unmount();
  });

  test('a warehouse held by another process: who holds it and what reaches it, in the frame', async () => {
    const {session, reject} = pending({coverage: coverageOf(RANGE), coverageAsOf: new Date().toISOString()});
    const ui = await renderConsole(session as unknown as FakeSession);
    const why = 'the warehouse /w.duckdb is held by another backfill (pid 42: node backfill host) that serves the state dir /other; `backfill --state-dir /other` reaches it';
    reject(new Error(why));
    await ui.waitFor('Cannot open the warehouse:');
    expect(ui.frame().replace(/\s+/g, ' ')).toContain(why);
    expect(ui.lines()[0]).toContain('cannot reach the warehouse');
    expect(ui.frame()).toContain('Phase 3'); // the grid last seen stays
    await expect(session.call('preview', {request: {range: RANGE, processors: ['player_game_summary']}})).rejects.toThrow(why);
    ui.unmount();
  });
});

describe('the coverage snapshot', () => {
  test('saved atomically, read back for its own warehouse only, bounded', () => {
    const dir = join(temp.dir, 'state');
    const coverage = coverageOf(RANGE, {player_game_summary: 'all'});
    expect(saveCoverageSnapshot(dir, '/a.duckdb', coverage)).toBe(true);
    expect(loadCoverageSnapshot(dir, '/a.duckdb')).toEqual(coverage);
    expect(loadCoverageSnapshot(dir, '/b.duckdb')).toBeNull();
    for (let i = 0; i < MAX_SNAPSHOTS + 4; i++) saveCoverageSnapshot(dir, `/w${i}.duckdb`, coverage);
    const files = readdirSync(join(dir, 'coverage'));
    expect(files).toHaveLength(MAX_SNAPSHOTS);
    expect(files.every((f) => f.endsWith('.json'))).toBe(true); // no temp file left behind
  });

  test('a corrupt file reads as none; a state dir that cannot be written costs only the snapshot', () => {
    const dir = join(temp.dir, 'corrupt');
    saveCoverageSnapshot(dir, '/a.duckdb', coverageOf(RANGE));
    const [file] = readdirSync(join(dir, 'coverage'));
    writeFileSync(join(dir, 'coverage', file), '{"v":1,"warehouse":"/a.duckdb","coverage":{"range":');
    expect(loadCoverageSnapshot(dir, '/a.duckdb')).toBeNull();
    const under = join(temp.dir, 'a-file');
    writeFileSync(under, '');
    expect(saveCoverageSnapshot(join(under, 'state'), '/a.duckdb', coverageOf(RANGE))).toBe(false);
    const readOnly = join(temp.dir, 'read-only');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o500);
    if (process.getuid?.() !== 0) expect(saveCoverageSnapshot(readOnly, '/a.duckdb', coverageOf(RANGE))).toBe(false);
    chmodSync(readOnly, 0o700);
  });
});
