// The attempt history in the console: the day view shows the latest attempt of the day under the
// cursor; enter on a day opens its detail pane (the attempts in a table, the whole error, the
// statement the batch runs) that scrolls and closes with esc; the start confirmation shows the
// duration estimate.
import {describe, expect, test} from 'vitest';
import type {AttemptRecord} from '../src/state/attempts.js';
import {coverageOf, FakeSession, planPreviewOf, progressOf, runOf} from './support/fake-session.js';
import {KEYS, renderConsole} from './support/render.js';

const DEC = {start: '2021-12-01', end: '2021-12-31'};
const LONG_ERROR = `sh exited with code 1: boom\n${'x'.repeat(150)}\nthe last line of the error`;

function attempt(patch: Partial<AttemptRecord>): AttemptRecord {
  return {
    runId: 'run-20220301T100000-abc123', processor: 'player_game_summary', start: '2021-12-01', end: '2021-12-05', dates: 4, attempt: 1,
    startedAt: '2022-03-01T10:00:00.000Z', durationMs: 1200, rows: null, outcome: 'failed', error: LONG_ERROR, retryKind: 'permanent',
    jobId: null, bytesProcessed: null, bytesBilled: null, slotMs: null, ...patch,
  };
}

function failedSession(): FakeSession {
  const session = new FakeSession({coverage: coverageOf(DEC, {team_offense_game_summary: 'all'}), run: runOf({state: 'failed'})});
  session.attempts = [
    attempt({attempt: 1, outcome: 'retry', retryKind: 'transient', error: 'write-write conflict', startedAt: '2022-03-01T10:00:00.000Z'}),
    attempt({attempt: 2, startedAt: '2022-03-01T10:00:02.000Z'}),
  ];
  session.statementResult = {kind: 'command', text: "# external command of PGS, run without a shell:\nsh -c 'echo boom >&2; exit 1'"};
  return session;
}

describe('attempts in the console', () => {
  test('the day view shows the latest attempt of the day under the cursor', async () => {
    const session = failedSession();
    session.attempts.push(attempt({processor: 'team_offense_game_summary', outcome: 'done', error: null, retryKind: null, rows: 240, startedAt: '2022-03-01T09:00:00.000Z', durationMs: 800}));
    const ui = await renderConsole(session);
    await ui.press('l', KEYS.enter); // December
    await ui.waitFor('PGS 2021-12-01 ○ last attempt #2 FAILED 10:00:02 (1.2s)');
    await ui.press('j'); // TOGS: done by its attempt
    await ui.waitFor('TOGS 2021-12-01 ✓ done · last attempt #1 done 09:00:00 (0.8s)'); // a done attempt: the reason first
    await ui.press('l', 'l', 'l', 'l', 'l'); // the 6th: no attempt covers it
    expect(ui.frame()).toContain('TOGS 2021-12-06 ✓ done');
    expect(session.reads.filter((c) => c.method === 'history')).toEqual([{method: 'history', range: DEC}]);
    ui.unmount();
  });

  test('enter on a day opens its detail pane: the attempts, the whole error, the statement; it scrolls and esc closes it', async () => {
    const session = failedSession();
    const ui = await renderConsole(session, {rows: 24});
    await ui.press('l', KEYS.enter, KEYS.enter);
    await ui.waitFor('PGS 2021-12-01: batch 2021-12-01..2021-12-05, last attempt #2 FAILED (perm');
    let frame = ui.frame();
    // The attempts, in a table without borders: plain text that copies as it is.
    expect(frame).toMatch(/# +outcome +started \(UTC\) +took +rows +run/);
    expect(frame).toMatch(/1 +failed, retried +03-01 10:00:00 +1\.2s +- +run-20220301T100000-a/);
    expect(frame).toMatch(/2 +FAILED +03-01 10:00:02/);
    expect(frame).not.toMatch(/[│┌┐└┘─]/);
    // The whole error, wrapped to the width, not cut to one line.
    expect(frame).toContain('Error of attempt #2 (run run-20220301T100000-abc123, 2022-03-01T10:00:02.000Z):');
    expect(frame).toContain('sh exited with code 1: boom');
    expect(frame).toContain('x'.repeat(79));
    expect(frame).toContain('the last line of the error');
    await ui.waitFor("sh -c 'echo boom >&2; exit 1'");
    expect(frame.split('\n').every((line) => line.length <= 79)).toBe(true);
    expect(session.reads).toContainEqual({method: 'statement', processor: 'player_game_summary', range: {start: '2021-12-01', end: '2021-12-05'}});
    // A long statement scrolls.
    session.statementResult = {kind: 'sql', text: Array.from({length: 40}, (_, i) => `-- line ${i + 1}`).join('\n')};
    await ui.press(KEYS.escape);
    await ui.press('l', KEYS.enter);
    await ui.waitFor('-- line 1');
    frame = ui.frame();
    expect(frame).toContain('Statement (what `backfill sql PGS --from 2021-12-01 --to 2021-12-05` prints):');
    expect(frame).not.toContain('-- line 40');
    await ui.press(KEYS.pageDown, KEYS.pageDown, KEYS.pageDown, KEYS.pageDown, KEYS.pageDown);
    await ui.waitFor('-- line 40');
    expect(ui.frame()).not.toContain('Error of attempt');
    await ui.press(KEYS.escape);
    expect(ui.frame()).toContain('Dec 2021: days per table');
    expect(ui.frame()).not.toContain('-- line 40');
    ui.unmount();
  });

  test('a day without recorded attempts says so, with what the grid knows', async () => {
    const session = new FakeSession({coverage: coverageOf(DEC)});
    const ui = await renderConsole(session);
    await ui.press('l', KEYS.enter, KEYS.enter);
    await ui.waitFor('PGS 2021-12-01: batch 2021-12-01..2021-12-01, no attempt recorded');
    expect(ui.frame()).toContain('No attempt recorded for this date');
    await ui.waitFor('SELECT 1;');
    ui.unmount();
  });

  test('the start confirmation estimates the duration from the past pace, or says there is no history', async () => {
    const session = new FakeSession({coverage: coverageOf(DEC)});
    session.previewResult = planPreviewOf({batches: 6, dates: 27, workers: 4}, {
      duration: {seconds: 125, processors: [{name: 'player_game_summary', dates: 27, datesPerSecond: 0.22, seconds: 125}, {name: 'ml_feature_store', dates: 27, datesPerSecond: null, seconds: null}]},
    });
    const ui = await renderConsole(session);
    await ui.press('s');
    await ui.waitFor("estimated duration: about 2m05s at this warehouse's past pace");
    expect(ui.frame()).toContain('slowest: PGS at 0.22 dates/s; no history yet for MLFS (not in the estimate)');
    await ui.press(KEYS.escape);
    session.previewResult = planPreviewOf({batches: 6, dates: 27, workers: 4}, {duration: {seconds: null, processors: [{name: 'player_game_summary', dates: 27, datesPerSecond: null, seconds: null}]}});
    await ui.press('s');
    await ui.waitFor('estimated duration: no history yet');
    ui.unmount();
  });

  test('the run summary lists each processor in a table (ink-table), failed first, as room allows', async () => {
    const session = new FakeSession({coverage: coverageOf(DEC), run: runOf()});
    const ui = await renderConsole(session, {rows: 40});
    const finished = runOf({state: 'failed', finishedAt: '2022-03-01T10:02:05Z'}, [
      progressOf('team_offense_game_summary', {status: 'done', datesDone: 27, rowsWritten: 1620}),
      progressOf('player_game_summary', {status: 'failed', datesDone: 20, datesFailed: 7, retries: 2, lastError: 'permission denied'}),
    ]);
    session.set({run: finished});
    session.emit({type: 'run-finished', time: '2022-03-01T10:02:05.000Z', runId: 'run-1', state: 'failed', snapshot: finished});
    await ui.waitFor('Run failed');
    const frame = ui.frame();
    expect(frame).toMatch(/processor +status +dates +rows +retries +last error/);
    expect(frame).toMatch(/✗ PGS +failed +20\/27 +0 +2 +permission denied[\s\S]*✓ TOGS +done +27\/27 +1,620 +0/);
    ui.unmount();
  });
});
