// What undo costs, on the full demo built once: `run --force` over every game date of every
// processor with the replaced rows kept (the default) and without (`undo.runs: 0`), each twice,
// alternating, the faster of each pair counted (the machine is shared); then `undo` of the kept
// run, against that run's own time. Also, for reference, a forced rebuild after a correction of
// one game's raw rows (its changed dates are kept whole). All through the CLI, process start included.
import {execFileSync} from 'node:child_process';
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FROM = '2021-10-19';

/** CPU seconds of the waited-for children so far (Linux /proc, at 100 ticks a second); null elsewhere. */
function childrenCpu() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

/** Wall seconds of one CLI command (and its CPU seconds in `cpu`, where the system says). */
function cli(args) {
  const started = performance.now();
  const cpuBefore = childrenCpu();
  execFileSync(process.execPath, [join(root, 'bin', 'backfill.js'), ...args], {stdio: ['ignore', 'ignore', 'inherit'], env: {...process.env, NO_COLOR: '1'}});
  const cpuAfter = childrenCpu();
  lastCpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return (performance.now() - started) / 1000;
}
let lastCpu = null;

function lastRunId(stateDir) {
  const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
  const history = Object.values(state.warehouses).flatMap((w) => w.history);
  return history.at(-1).runId;
}

export async function run() {
  const {createDemoWarehouse} = await import(join(root, 'dist', 'demo', 'index.js'));
  const {openDuckDb} = await import(join(root, 'dist', 'warehouse', 'duckdb.js'));
  const dir = mkdtempSync(join(tmpdir(), 'bench-undo-'));
  try {
    const built = join(dir, 'built.duckdb');
    await createDemoWarehouse(built, {});
    const noKeep = join(dir, 'no-keep.json');
    writeFileSync(noKeep, JSON.stringify({undo: {runs: 0}}));
    cli(['run', '--no-tty', '--warehouse', built, '--state-dir', join(dir, 'state-built'), '--from', FROM, '--config', noKeep]);

    const forced = (name, config) => {
      const file = join(dir, `${name}.duckdb`);
      copyFileSync(built, file);
      const stateDir = join(dir, `state-${name}`);
      const seconds = cli(['run', '--no-tty', '--warehouse', file, '--state-dir', stateDir, '--from', FROM, '--force', ...(config ? ['--config', config] : [])]);
      return {file, stateDir, seconds, cpu: lastCpu};
    };
    const without = [];
    const kept = [];
    for (const round of [1, 2]) {
      without.push(forced(`without-${round}`, noKeep));
      kept.push(forced(`kept-${round}`, null));
    }
    const bestWithout = Math.min(...without.map((r) => r.seconds));
    const keptRun = kept.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const undoSeconds = cli(['undo', lastRunId(keptRun.stateDir), '--yes', '--warehouse', keptRun.file, '--state-dir', keptRun.stateDir]);

    // For reference: a forced rebuild after one game's raw rows changed.
    const corrected = join(dir, 'corrected.duckdb');
    copyFileSync(built, corrected);
    const w = await openDuckDb(corrected);
    await w.query(`UPDATE nba_raw.boxscore_traditional SET points = points + 2 WHERE game_id = (SELECT min(game_id) FROM nba_raw.boxscore_traditional WHERE game_date = DATE '2023-01-10') AND minutes IS NOT NULL`);
    await w.close();
    const correctedSeconds = cli(['run', '--no-tty', '--warehouse', corrected, '--state-dir', join(dir, 'state-corrected'), '--from', FROM, '--force']);

    const ratio = keptRun.seconds / bestWithout;
    const cpu = (runs) => (runs.every((r) => r.cpu !== null) ? Math.min(...runs.map((r) => r.cpu)) : NaN);
    const cpuRatio = cpu(kept) / cpu(without);
    return [
      {what: 'run --force, whole demo, replaced rows not kept (undo.runs 0; best of 2)', figure: bestWithout, unit: 's', target: 'reference', pass: null},
      {what: 'run --force, whole demo, replaced rows kept (default; best of 2)', figure: keptRun.seconds, unit: 's', target: 'reference', pass: null},
      {what: 'kept / not kept', figure: ratio, unit: '×', target: '≤ 1.25×', pass: ratio <= 1.25},
      {what: 'kept / not kept, CPU seconds (user+sys; steadier than wall time on a shared machine)', figure: cpuRatio, unit: '×', target: '≤ 1.25×', pass: Number.isFinite(cpuRatio) ? cpuRatio <= 1.25 : null},
      {what: 'undo of that whole run (CLI)', figure: undoSeconds, unit: 's', target: `≤ the run's ${keptRun.seconds.toFixed(1)} s`, pass: undoSeconds <= keptRun.seconds},
      {what: 'run --force, whole demo, after one game\'s raw rows changed (kept)', figure: correctedSeconds, unit: 's', target: 'reference', pass: null},
    ];
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
