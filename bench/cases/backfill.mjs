// The full demo backfill three ways, side by side on one demo warehouse (copied for each):
// - default: the CLI as an operator runs it (`backfill run --no-tty`), process start included;
// - the seed's way: one game date per batch, one worker, phase 4 only after all of phase 3;
// - the lower bound: each processor once over the whole range in one statement, one after the other.
// Also the warehouse jobs each way issues. BENCH_BACKFILL_SKIP_SEED=1 skips the seed's way.
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (path) => join(root, 'dist', path);

const FROM = '2021-10-19'; // the demo's opener: every game date
const SEED_SAMPLE = 20;

function cli(args) {
  const started = performance.now();
  execFileSync(process.execPath, [join(root, 'bin', 'backfill.js'), ...args], {stdio: ['ignore', 'ignore', 'inherit'], env: {...process.env, NO_COLOR: '1'}});
  return (performance.now() - started) / 1000;
}

/** Jobs recorded by the runs of a state dir (the runner counts every warehouse call it makes). */
function jobsIn(stateDir) {
  const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
  return Object.values(state.warehouses).flatMap((w) => w.history).reduce((sum, run) => sum + run.jobs, 0);
}

function runsIn(stateDir) {
  const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
  return Object.values(state.warehouses).flatMap((w) => w.history);
}

export async function run() {
  const {createDemoWarehouse} = await import(dist('demo/index.js'));
  const {openDuckDb} = await import(dist('warehouse/duckdb.js'));
  const {planBatchCount, planRun} = await import(dist('runner/index.js'));
  const {DERIVED_TABLE_NAMES} = await import(dist('catalog/types.js'));
  const {derivedTable} = await import(dist('catalog/index.js'));
  const {gameDates} = await import(dist('queries/coverage.js'));
  const {processorFor} = await import(dist('queries/processors/index.js'));
  const {rangeParams} = await import(dist('warehouse/types.js'));
  const {today, addDays} = await import(dist('dates.js'));

  const dir = mkdtempSync(join(tmpdir(), 'bench-backfill-'));
  try {
    const demo = join(dir, 'demo.duckdb');
    await createDemoWarehouse(demo, {});
    const copy = (name) => {
      const file = join(dir, `${name}.duckdb`);
      copyFileSync(demo, file);
      return file;
    };
    const range = {start: FROM, end: addDays(today(), -1)};

    // Default settings, through the command line, process start included.
    const defaultState = join(dir, 'state-default');
    const defaultSeconds = cli(['run', '--no-tty', '--warehouse', copy('default'), '--state-dir', defaultState, '--from', FROM]);
    const defaultRuns = runsIn(defaultState);
    const defaultJobs = jobsIn(defaultState);
    const defaultBatches = defaultRuns.reduce((s, r) => s + r.batches.length, 0);

    // Lower bound: each processor's SELECT once over the whole range, one statement each, in
    // dependency order, straight to the adapter (no runner, no batches, no pipeline).
    const lowerFile = copy('lower');
    const warehouse = await openDuckDb(lowerFile);
    const lowerStarted = performance.now(); // the final checkpoint (close) counts, as in the CLI run
    for (const name of DERIVED_TABLE_NAMES) {
      const table = derivedTable(name);
      await warehouse.replaceRange(table, processorFor(table).select(warehouse.dialect), rangeParams(range.start, range.end, 'bench-lower-bound'));
    }
    await warehouse.close();
    const lowerSeconds = (performance.now() - lowerStarted) / 1000;
    const lowerJobs = DERIVED_TABLE_NAMES.length;

    const rows = [
      {what: 'default run, all 10 processors, every game date (CLI, process start included)', figure: defaultSeconds, unit: 's', target: '< 15 s', pass: defaultSeconds < 15},
      {what: 'lower bound: each processor once over the whole range', figure: lowerSeconds, unit: 's', target: 'reference', pass: null},
      {what: 'default / lower bound', figure: defaultSeconds / lowerSeconds, unit: '×', target: '≤ 3×', pass: defaultSeconds / lowerSeconds <= 3},
      {what: 'default run: warehouse jobs', figure: defaultJobs, unit: 'jobs', target: `${defaultBatches} batches`, pass: null},
      {what: 'lower bound: warehouse jobs', figure: lowerJobs, unit: 'jobs', target: 'reference', pass: null},
    ];

    if (process.env.BENCH_BACKFILL_SKIP_SEED !== '1') {
      // The seed's way: one date per batch, one worker, phase 4 started once phase 3 is done.
      // All ~11,000 one-date batches take over an hour here, so it runs on the first SEED_SAMPLE
      // game dates and is scaled by game dates. Later dates cost more (season windows grow),
      // so the scaled figure understates the seed's time.
      const seedFile = copy('seed');
      const seedState = join(dir, 'state-seed');
      const probe = await openDuckDb(seedFile, {readOnly: true});
      const dates = (await gameDates(probe, range)).map((g) => g.date);
      const plans = [];
      for (const phase of [3, 4]) {
        const processors = DERIVED_TABLE_NAMES.filter((n) => derivedTable(n).phase === phase);
        plans.push(await planRun({warehouse: probe, config: {processors: {}}, boundary: today(), request: {range, processors, batchSize: 1, workers: 1}}));
      }
      await probe.close();
      const sampleEnd = dates[Math.min(SEED_SAMPLE, dates.length) - 1];
      const common = ['run', '--no-tty', '--warehouse', seedFile, '--state-dir', seedState, '--from', FROM, '--to', sampleEnd, '--batch-size', '1', '--workers', '1'];
      const sampleSeconds = cli([...common, '--phase', '3']) + cli([...common, '--phase', '4']);
      const sampleRuns = runsIn(seedState);
      const sampleBatches = sampleRuns.reduce((s, r) => s + r.batches.length, 0);
      const seedSeconds = (sampleSeconds * dates.length) / Math.min(SEED_SAMPLE, dates.length);
      // Jobs: one per batch plus what each run spends on planning, as measured on the sample.
      const fullBatches = plans.reduce((s, p) => s + planBatchCount(p), 0);
      const seedJobs = jobsIn(seedState) - sampleBatches + fullBatches;
      rows.push(
        {what: `the seed's way on the first ${SEED_SAMPLE} game dates (--batch-size 1 --workers 1, phase 4 after phase 3, CLI)`, figure: sampleSeconds, unit: 's', target: 'measured', pass: null},
        {what: `the seed's way scaled to all ${dates.length} game dates`, figure: seedSeconds, unit: 's', target: 'reference', pass: null},
        {what: "speed-up of default over the seed's way", figure: seedSeconds / defaultSeconds, unit: '×', target: '≥ 20×', pass: seedSeconds / defaultSeconds >= 20},
        {what: "the seed's way: warehouse jobs (all game dates)", figure: seedJobs, unit: 'jobs', target: 'reference', pass: null},
      );
    }
    return rows;
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
