// The full demo warehouse as the first start creates it: five complete seasons and the start of
// 2026-27 (as-of 2026-11-27), generated through dist/demo/index.js into a temp dir.
// Target: under 20 s on the 2-core machine. Also reports the CPU time of the process (the generator
// is single-threaded JS plus DuckDB's bulk load), which is steadier than wall time on a shared box.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function run() {
  const {createDemoWarehouse} = await import(join(root, 'dist', 'demo', 'index.js'));
  const dir = mkdtempSync(join(tmpdir(), 'bench-demo-'));
  try {
    const cpu = process.cpuUsage();
    const summary = await createDemoWarehouse(join(dir, 'demo.duckdb'), {asOf: '2026-11-27', seed: 7});
    const used = process.cpuUsage(cpu);
    const rows = Object.values(summary.rows).reduce((a, b) => a + b, 0);
    return [
      {what: 'full demo generation (as-of 2026-11-27)', figure: summary.seconds, unit: 's', target: '< 20 s', pass: summary.seconds < 20},
      {what: 'full demo generation, CPU time', figure: (used.user + used.system) / 1e6, unit: 's', target: '', pass: null},
      {what: 'rows written (4 source tables)', figure: rows, unit: 'rows', target: '', pass: null},
      {what: 'shot_chart rows', figure: summary.rows.shot_chart, unit: 'rows', target: '~1.2-1.3M', pass: summary.rows.shot_chart > 1_000_000},
      {what: 'boxscore_traditional rows', figure: summary.rows.boxscore_traditional, unit: 'rows', target: '', pass: null},
    ];
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
