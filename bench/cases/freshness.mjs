// Freshness on the full demo warehouse (every season to yesterday):
// - computing staleness for the whole warehouse (the fixed reads of src/freshness/inputs.ts, then
//   in memory), the `backfill stale` path: target ≤ 0.5 s;
// - the console's refresh of the grid (LocalSession.refreshCoverage) with staleness and without it
//   (the coverage queries of before): target at most 20% slower. The first refresh with staleness
//   also hashes every raw row (DuckDB's source fingerprints, read once per session): reported;
// - the full backfill with build records against the same run without them (the same plan through
//   the runner's supervisor, the recorder left out): target at most 10% slower. Runs alternate,
//   medians compared, so that the machine's load falls on both alike.
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DERIVED_TABLE_NAMES} from '../../dist/catalog/types.js';
import {addDays, today} from '../../dist/dates.js';
import {createDemoWarehouse} from '../../dist/demo/index.js';
import {readStaleness, listStale} from '../../dist/freshness/index.js';
import {BuildRecorder} from '../../dist/freshness/recorder.js';
import {planRun} from '../../dist/runner/plan.js';
import {DEFAULT_RETRY} from '../../dist/runner/retry.js';
import {Supervisor} from '../../dist/runner/supervisor.js';
import {LocalSession} from '../../dist/session/local.js';
import {openDuckDb} from '../../dist/warehouse/duckdb.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const REFRESHES = 15;
const RUNS = Number(process.env.BENCH_FRESHNESS_RUNS ?? 3);

/** One full backfill of `file` through the supervisor, with or without build records: wall and CPU seconds, the close included. */
async function backfill(file, boundary, withRecords) {
  const warehouse = await openDuckDb(file);
  const request = {range: {start: '2021-10-19', end: addDays(boundary, -1)}, processors: [...DERIVED_TABLE_NAMES]};
  const started = performance.now();
  const cpu = process.cpuUsage();
  const plan = await planRun({warehouse, config: {processors: {}}, boundary, request});
  const supervisor = new Supervisor({
    runId: `bench-${withRecords ? 'records' : 'none'}`,
    plan,
    warehouse,
    ...(withRecords ? {recorder: new BuildRecorder(warehouse, addDays(boundary, -1))} : {}),
    retry: DEFAULT_RETRY,
    paused: [],
    stopWhenOnlyPaused: false,
  });
  supervisor.start();
  const snapshot = await supervisor.finished;
  await warehouse.close();
  if (snapshot.state !== 'completed') throw new Error(`the ${withRecords ? 'recorded' : 'plain'} backfill ended ${snapshot.state}`);
  const used = process.cpuUsage(cpu);
  return {wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6};
}

async function refreshTimes(file, boundary, staleness) {
  const warehouse = await openDuckDb(file);
  const session = new LocalSession({warehouse, stateDir: join(file, '..', `state-${staleness}`), config: {processors: {}}, boundary, start: '2021-11-01', staleness});
  try {
    let started = performance.now();
    await session.refreshCoverage();
    const first = performance.now() - started;
    const times = [];
    for (let i = 0; i < REFRESHES; i++) {
      started = performance.now();
      await session.refreshCoverage();
      times.push(performance.now() - started);
    }
    // After a run wrote records (here: one record written again, a second later): the records are
    // read again and staleness computed again.
    const changed = [];
    for (let i = 0; staleness && i < REFRESHES; i++) {
      await warehouse.query(`INSERT INTO nba_backfill.build_records SELECT * REPLACE (recorded_at + INTERVAL 1 SECOND AS recorded_at)
        FROM nba_backfill.build_records WHERE table_name = 'ml_feature_store' QUALIFY ROW_NUMBER() OVER (ORDER BY game_date DESC, recorded_at DESC) = 1`);
      started = performance.now();
      await session.refreshCoverage();
      changed.push(performance.now() - started);
    }
    return {first, median: median(times), changed: staleness ? median(changed) : null};
  } finally {
    await session.close('detach');
    await warehouse.close();
  }
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'backfill-bench-freshness-'));
  try {
    const boundary = today();
    const raw = join(dir, 'raw.duckdb');
    await createDemoWarehouse(raw, {asOf: boundary, seed: 7});
    const copy = (name) => {
      const file = join(dir, `${name}.duckdb`);
      copyFileSync(raw, file);
      return file;
    };

    // Alternating runs: plain, recorded, plain, recorded, ...
    const plain = [];
    const recorded = [];
    let built = null;
    for (let i = 0; i < RUNS; i++) {
      plain.push(await backfill(copy(`plain-${i}`), boundary, false));
      built = copy(`recorded-${i}`);
      recorded.push(await backfill(built, boundary, true));
    }
    const wall = (runs) => median(runs.map((r) => r.wall));
    const cpu = (runs) => median(runs.map((r) => r.cpu));
    const ratio = wall(recorded) / wall(plain);
    const cpuRatio = cpu(recorded) / cpu(plain);

    const reader = await openDuckDb(built, {readOnly: true});
    const staleTimes = [];
    let stale = null;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      stale = listStale((await readStaleness(reader, {last: addDays(boundary, -1), config: {processors: {}}})).stale);
      staleTimes.push((performance.now() - started) / 1000);
    }
    await reader.close();
    const staleSeconds = median(staleTimes);

    const without = await refreshTimes(built, boundary, false);
    const withStaleness = await refreshTimes(built, boundary, true);
    const refreshRatio = withStaleness.median / without.median;

    return [
      {what: `staleness of the whole demo warehouse (${stale.length} stale), median of 5`, figure: staleSeconds, unit: 's', target: '≤ 0.5 s', pass: staleSeconds <= 0.5},
      {what: `grid refresh without staleness (the coverage queries), median of ${REFRESHES}`, figure: without.median, unit: 'ms', target: 'reference', pass: null},
      {what: `grid refresh with staleness, median of ${REFRESHES}`, figure: withStaleness.median, unit: 'ms', target: 'reference', pass: null},
      {what: 'grid refresh with staleness / without', figure: refreshRatio, unit: '×', target: '≤ 1.2×', pass: refreshRatio <= 1.2},
      {what: `grid refresh with staleness after records changed (re-read, recomputed), median of ${REFRESHES}`, figure: withStaleness.changed, unit: 'ms', target: '', pass: null},
      {what: "grid refresh with staleness, the session's first (hashes the sources once)", figure: withStaleness.first, unit: 'ms', target: '', pass: null},
      {what: `full backfill without build records (supervisor, median of ${RUNS})`, figure: wall(plain), unit: 's', target: 'reference', pass: null},
      {what: `full backfill with build records (supervisor, median of ${RUNS})`, figure: wall(recorded), unit: 's', target: 'reference', pass: null},
      {what: 'full backfill with build records / without', figure: ratio, unit: '×', target: '≤ 1.1×', pass: ratio <= 1.1},
      {what: 'full backfill with build records / without, CPU time (less moved by the load of others)', figure: cpuRatio, unit: '×', target: '', pass: null},
    ];
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
