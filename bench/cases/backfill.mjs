// The full demo backfill three ways, side by side on one demo warehouse (copied for each):
// - default: the CLI as an operator runs it (`backfill run --no-tty`), process start included;
// - the seed's way: one game date per batch, one worker, phase 4 only after all of phase 3;
// - the lower bound: each processor once over the whole range, one after the other, no pipeline.
// Also the warehouse jobs each way issues. BENCH_BACKFILL_SKIP_SEED=1 skips the (slow) seed's way.
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (path) => join(root, 'dist', path);

const FROM = '2021-10-19'; // the demo's opener: every game date

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
  const {startRun} = await import(dist('runner/index.js'));
  const {DERIVED_TABLE_NAMES} = await import(dist('catalog/types.js'));
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

    // Lower bound: each processor alone over the whole range in one batch, in dependency order.
    const lowerFile = copy('lower');
    const warehouse = await openDuckDb(lowerFile);
    let lowerJobs = 0;
    const lowerStarted = performance.now();
    for (const name of DERIVED_TABLE_NAMES) {
      const handle = await startRun({warehouse, stateDir: join(dir, 'state-lower'), config: {processors: {}}, boundary: today(), request: {range, processors: [name], batchSize: 100_000, workers: 1}});
      const final = await handle.finished;
      if (final.state !== 'completed') throw new Error(`lower bound: ${name} ${final.state}`);
      lowerJobs += handle.jobs();
    }
    const lowerSeconds = (performance.now() - lowerStarted) / 1000;
    await warehouse.close();

    const rows = [
      {what: 'default run, all 10 processors, every game date (CLI, process start included)', figure: defaultSeconds, unit: 's', target: '< 15 s', pass: defaultSeconds < 15},
      {what: 'lower bound: each processor once over the whole range', figure: lowerSeconds, unit: 's', target: 'reference', pass: null},
      {what: 'default / lower bound', figure: defaultSeconds / lowerSeconds, unit: '×', target: '≤ 3×', pass: defaultSeconds / lowerSeconds <= 3},
      {what: 'default run: warehouse jobs', figure: defaultJobs, unit: 'jobs', target: `${defaultBatches} batches`, pass: null},
      {what: 'lower bound: warehouse jobs', figure: lowerJobs, unit: 'jobs', target: 'reference', pass: null},
    ];

    if (process.env.BENCH_BACKFILL_SKIP_SEED !== '1') {
      // The seed's way: one date per batch, one worker, phase 4 started once phase 3 is done.
      const seedState = join(dir, 'state-seed');
      const seedFile = copy('seed');
      const common = ['run', '--no-tty', '--warehouse', seedFile, '--state-dir', seedState, '--from', FROM, '--batch-size', '1', '--workers', '1'];
      const seedSeconds = cli([...common, '--phase', '3']) + cli([...common, '--phase', '4']);
      const seedJobs = jobsIn(seedState);
      rows.push(
        {what: "the seed's way: --batch-size 1 --workers 1, phase 4 after phase 3 (CLI)", figure: seedSeconds, unit: 's', target: 'reference', pass: null},
        {what: "speed-up of default over the seed's way", figure: seedSeconds / defaultSeconds, unit: '×', target: '≥ 20×', pass: seedSeconds / defaultSeconds >= 20},
        {what: "the seed's way: warehouse jobs", figure: seedJobs, unit: 'jobs', target: 'reference', pass: null},
      );
    }
    return rows;
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
