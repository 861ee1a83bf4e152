// Throughput you can see: the runner keeps each processor's dates per second per interval; the
// processors pane ends a running processor's line with its sparkline where the width allows
// (ASCII without UTF-8); `status --json` of a live run carries the same series.
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {serveSession} from '../src/attach/server.js';
import {socketPath} from '../src/attach/paths.js';
import {loadStatus, statusJson} from '../src/cli/commands/status.js';
import {createContext} from '../src/cli/context.js';
import type {DerivedTable} from '../src/catalog/types.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {ThroughputSeries} from '../src/runner/throughput.js';
import {LocalSession} from '../src/session/local.js';
import {sparkline} from '../src/ui/sparkline.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import type {Params, Warehouse, WriteOptions, WriteResult} from '../src/warehouse/types.js';
import {tempDir} from './runner-support.js';
import {coverageOf, FakeSession, progressOf, runOf} from './support/fake-session.js';
import {renderConsole} from './support/render.js';
import {until} from './support/wait.js';

const temp = tempDir('backfill-throughput-');
afterAll(() => temp.cleanup());

describe('the throughput series', () => {
  it('counts dates per whole interval since the first start, the interval in progress left out', () => {
    const series = new ThroughputSeries(1000, 5);
    series.start(0);
    series.record(4, 500);
    series.record(2, 900);
    series.record(3, 1500);
    expect(series.series(1999)).toEqual([6]);
    expect(series.series(3000)).toEqual([6, 3, 0]);
    expect(series.series(10_000)).toEqual([0, 0, 0, 0, 0]); // only the last five intervals
  });

  it('draws one character per point, scaled to the highest', () => {
    expect(sparkline([0, 1, 2, 4], true)).toBe('▁▃▅█');
    expect(sparkline([0, 1, 2, 4], false)).toBe('_:=#');
    expect(sparkline([0, 0], true)).toBe('▁▁');
  });

  it('ends a running processor\'s line in the processors pane, where the width allows', async () => {
    const pgs = progressOf('player_game_summary', {status: 'running', datesDone: 10, throughput: 1.5, rateSeries: [2, 2, 1, 0.5, 2, 1.8]});
    const session = new FakeSession({coverage: coverageOf({start: '2021-11-01', end: '2022-02-28'}), run: runOf({}, [pgs, progressOf('team_offense_game_summary', {status: 'queued'})])});
    const ui = await renderConsole(session, {rows: 30});
    await ui.waitFor('PGS  running');
    expect(ui.frame()).toMatch(/PGS {2}running +10\/27 0 rows 1\.5\/s retry 0 ██▅▃█▇/);
    expect(ui.frame()).toMatch(/TOGS queued +0\/27 0 rows retry 0\n/); // not running: no sparkline
    ui.unmount();
    const ascii = await renderConsole(session, {rows: 30, env: {LANG: 'C'}});
    expect(ascii.frame()).toMatch(/retry 0 ##=:#\*/);
    ascii.unmount();
  });

  it('status --json of a live run carries each processor\'s series', {timeout: 120_000}, async () => {
    const file = join(temp.dir, 'live.duckdb');
    await createDemoWarehouse(file, {asOf: '2021-10-31', seed: 7});
    const inner = await openDuckDb(file);
    // Each write takes a while, so the run is still going when status asks.
    const slow: Warehouse = new Proxy(inner, {
      get: (target, property, receiver) =>
        property === 'replaceRange'
          ? async (table: DerivedTable, select: string, params: Params, options?: WriteOptions): Promise<WriteResult> => {
              await new Promise((resolve) => setTimeout(resolve, 150));
              return target.replaceRange(table, select, params, options);
            }
          : Reflect.get(target, property, receiver),
    });
    const stateDir = join(temp.dir, 'state');
    const session = new LocalSession({warehouse: slow, stateDir, config: {processors: {}}, boundary: '2021-10-31', start: '2021-10-19', throughputIntervalMs: 200, ownsWarehouse: true});
    await session.refreshCoverage();
    const server = await serveSession(session, {socketPath: socketPath(stateDir, file), owner: {pid: process.pid, startedAt: 'now', warehouse: file, command: 'test', control: true}, log: () => undefined});
    try {
      await session.startRun({range: {start: '2021-10-19', end: '2021-10-30'}, processors: ['player_game_summary'], batchSize: 1});
      await until('a few intervals', () => (session.getState().run?.processors[0].rateSeries.length ?? 0) >= 3, 20_000, 50);
      const context = createContext({warehouse: file, stateDir});
      const json = statusJson(await loadStatus(context), context) as {live: {processors: {short: string; rateSeries: number[]; rateIntervalSeconds: number}[]}};
      const pgs = json.live.processors.find((p) => p.short === 'PGS')!;
      expect(pgs.rateIntervalSeconds).toBe(0.2);
      expect(pgs.rateSeries.length).toBeGreaterThanOrEqual(3);
      expect(pgs.rateSeries.some((v) => v > 0)).toBe(true);
    } finally {
      await server.close();
      await session.close('cancel');
    }
  });
});
