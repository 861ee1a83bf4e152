// The processors pane, the job log (bounded, batched, filtered), the status bar, and the frame's
// fit to the terminal: 80×24, 60 columns, resize, too small.
import {describe, expect, test} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import {LogStore, RingBuffer} from '../src/ui/log-store.js';
import {ThrottledNotifier} from '../src/session/notifier.js';
import {coverageOf, FakeSession, logEvent, progressOf, runOf} from './support/fake-session.js';
import {KEYS, renderConsole} from './support/render.js';

const RANGE = {start: '2021-11-01', end: '2022-02-28'};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('processors pane', () => {
  const processors = [
    progressOf('player_game_summary', {
      status: 'running',
      datesDone: 12,
      datesTotal: 27,
      rowsWritten: 4321,
      throughput: 2.5,
      etaSeconds: 95,
      retries: 2,
      running: [{processor: 'player_game_summary', start: '2021-12-13', end: '2021-12-16', dates: 3, attempt: 1}],
    }),
    progressOf('team_offense_game_summary', {status: 'paused', paused: true, datesDone: 5}),
    progressOf('team_defense_game_summary', {status: 'failed', datesFailed: 3, lastError: 'Binder Error: no column zone'}),
    progressOf('upcoming_player_game_context', {status: 'done', datesDone: 27, rowsWritten: 9000}),
    progressOf('upcoming_team_game_context', {status: 'queued'}),
    progressOf('ml_feature_store', {status: 'idle'}),
  ];

  test('a line per processor: state, dates done/total, rows, throughput, ETA, retries, batch', async () => {
    const session = new FakeSession({coverage: coverageOf(RANGE), run: runOf({}, processors)});
    const ui = await renderConsole(session, {columns: 100, rows: 40});
    const frame = ui.frame();
    expect(frame).toContain('Processors (1 running, 1 paused, 1 failed, 1 done, 1 queued)');
    expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] PGS  running\s+12\/27 4,321 rows 2\.5\/s ETA 1m35s retry 2 12-13\.\.12-16/);
    expect(frame).toMatch(/‖ TOGS paused\s+5\/27/);
    expect(frame).toMatch(/✗ TDGS failed\s+0\/27 0 rows retry 0 Binder Error: no column zone/);
    expect(frame).toMatch(/✓ UPGC done\s+27\/27 9,000 rows/);
    expect(frame).toMatch(/◌ UTGC queued/);
    expect(frame).not.toContain('MLFS idle'); // not part of the run
    ui.unmount();
  });

  test('the spinner turns while a processor runs, in ASCII without UTF-8', async () => {
    const session = new FakeSession({coverage: coverageOf(RANGE), run: runOf({}, processors)});
    const ui = await renderConsole(session, {columns: 100, rows: 40, env: {LANG: 'C'}});
    const spinnerOf = () => /([-\\|/]) PGS  running/.exec(ui.frame())?.[1];
    const first = spinnerOf();
    expect(first).toBeDefined();
    const seen = new Set([first]);
    for (let i = 0; i < 20 && seen.size < 2; i++) {
      await sleep(60);
      seen.add(spinnerOf());
    }
    expect(seen.size).toBeGreaterThan(1);
    ui.unmount();
  });

  test('with little room, the window follows the selected row', async () => {
    const all = DERIVED_TABLES.map((t) => progressOf(t.name, {status: 'queued'}));
    const session = new FakeSession({coverage: coverageOf(RANGE), run: runOf({}, all)});
    const ui = await renderConsole(session, {rows: 24});
    expect(ui.frame()).toMatch(/› ?◌ PGS/);
    expect(ui.frame()).not.toContain(' MLFS queued');
    for (let i = 0; i < 9; i++) await ui.press('j');
    expect(ui.frame()).toMatch(/›◌ MLFS queued/);
    ui.unmount();
  });
});

describe('job log', () => {
  test('the ring buffer keeps the newest lines only', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 7; i++) ring.push(i);
    expect(ring.toArray()).toEqual([5, 6, 7]);
    expect(ring.size).toBe(3);
  });

  test('events are published in batches, and the store stays bounded however many arrive', async () => {
    const store = new LogStore({capacity: 100});
    let notifications = 0;
    store.subscribe(() => notifications++);
    for (let i = 0; i < 5000; i++) store.add(logEvent(`event ${i}`));
    expect(store.getSnapshot()).toEqual([]); // nothing until the batch is flushed
    store.flush(); // the session's state tick
    expect(notifications).toBe(1);
    const lines = store.getSnapshot();
    expect(lines).toHaveLength(100);
    expect(lines.at(-1)!.text).toContain('event 4999');
    expect(lines[0].text).toContain('event 4900');
    store.dispose();
  });

  test('session notifications are coalesced: a burst makes at most one update per interval', async () => {
    const notifier = new ThrottledNotifier(40);
    let n = 0;
    notifier.subscribe(() => n++);
    for (let i = 0; i < 1000; i++) notifier.notify();
    expect(n).toBe(1); // the first goes out at once
    await sleep(60);
    expect(n).toBe(2); // the rest as one trailing update
    await sleep(60);
    expect(n).toBe(2);
    notifier.flush();
  });

  test('the pane shows the backlog and new events, newest last, with run events formatted', async () => {
    const session = new FakeSession({coverage: coverageOf(RANGE)});
    session.emit(logEvent('from the backlog'));
    const ui = await renderConsole(session, {rows: 40});
    expect(ui.frame()).toContain('10:00:00 from the backlog');
    session.emit({type: 'batch-finished', time: '2022-03-01T10:00:05.000Z', runId: 'r', batch: {processor: 'team_offense_game_summary', start: '2021-12-01', end: '2021-12-07', dates: 6, attempt: 1}, rows: 1800, durationMs: 420});
    session.emit({type: 'external-output', time: '2022-03-01T10:00:06.000Z', runId: 'r', processor: 'player_game_summary', stream: 'stdout', line: 'processed 312 players'});
    await ui.waitFor('processed 312 players');
    const lines = ui.lines();
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(lines[at('TOGS batch')]).toContain('10:00:05 TOGS batch 12-01..12-07 done: 6 dates, 1,800 rows in 0s');
    expect(at('from the backlog')).toBeLessThan(at('TOGS batch'));
    expect(at('TOGS batch')).toBeLessThan(at('processed 312 players'));
    ui.unmount();
  });

  test('a long line is cut to the width instead of wrapping the pane', async () => {
    const session = new FakeSession({coverage: coverageOf(RANGE)});
    session.emit(logEvent(`error ${'x'.repeat(300)}`, 'error'));
    const ui = await renderConsole(session, {columns: 60});
    expect(ui.lines().every((l) => l.length <= 60)).toBe(true);
    expect(ui.frame()).toContain('xxx…');
    ui.unmount();
  });
});

describe('status bar and frame', () => {
  test('the status bar shows the warehouse, the run progress and the activity', async () => {
    const run = runOf({}, [progressOf('player_game_summary', {status: 'running', datesDone: 9, datesTotal: 27, rowsWritten: 1500, etaSeconds: 30})]);
    const session = new FakeSession({warehouse: 'demo.duckdb', coverage: coverageOf(RANGE), run, activity: 'validating Dec 2021'});
    const ui = await renderConsole(session, {columns: 120});
    expect(ui.lines()[0]).toContain('backfill demo.duckdb | run running 33% 9/27 dates 1,500 rows ETA 30s | validating Dec 2021');
    session.set({attached: true});
    await ui.waitFor('demo.duckdb (attached)');
    ui.unmount();
  });

  test('at 80×24 the frame is 23 lines (never as tall as the terminal) and 79 columns (never the last)', async () => {
    const session = new FakeSession({coverage: coverageOf(RANGE, {player_game_summary: 'all'}), run: runOf()});
    for (let i = 0; i < 50; i++) session.emit(logEvent(`line ${i}`));
    const ui = await renderConsole(session, {columns: 80, rows: 24});
    const views = async () => {
      const lines = ui.lines();
      expect(lines.length).toBeLessThanOrEqual(23);
      expect(lines.every((l) => l.length <= 79)).toBe(true);
    };
    await views();
    for (const key of ['?', 'z', KEYS.enter, KEYS.escape, 'c', KEYS.escape, 'q', KEYS.escape, KEYS.tab]) {
      await ui.press(key);
      await views();
    }
    ui.unmount();
  });

  test('adapts on resize, and says clearly when the terminal is too small', async () => {
    const session = new FakeSession({boundary: '2023-06-01', coverage: coverageOf({start: '2021-11-01', end: '2023-05-31'})});
    const ui = await renderConsole(session, {columns: 80, rows: 24});
    expect(ui.frame()).toContain('Jun22');
    await ui.resize(40, 15);
    expect(ui.frame()).toContain('Terminal too small: 40x15');
    expect(ui.frame()).toContain('needs at least 50x20');
    expect(ui.lines().length).toBeLessThanOrEqual(14);
    await ui.press('q'); // q still quits
    expect(ui.exits).toEqual(['quit']);
    ui.unmount();

    const wide = await renderConsole(new FakeSession({boundary: '2023-06-01', coverage: coverageOf({start: '2021-11-01', end: '2023-05-31'})}), {columns: 60, rows: 24});
    expect(wide.frame()).not.toContain('Jun22');
    await wide.resize(140, 50);
    expect(wide.frame()).toContain('Jun22');
    expect(wide.lines().length).toBeLessThanOrEqual(49);
    wide.unmount();
  });
});
