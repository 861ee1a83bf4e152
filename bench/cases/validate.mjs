// validate over the whole full demo (2021-22 opener to yesterday, every table built) must finish
// in under 30 s: every SPEC §5 check, one set-based query per check and table (the fresh check:
// one staleness read for all), plus the point-in-time audit of 3 sampled dates per season.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DERIVED_TABLES} from '../../dist/catalog/index.js';
import {addDays, today} from '../../dist/dates.js';
import {createDemoWarehouse} from '../../dist/demo/index.js';
import {BuildRecorder} from '../../dist/freshness/recorder.js';
import {executeBatch} from '../../dist/runner/execute.js';
import {validate} from '../../dist/validation/index.js';
import {openDuckDb} from '../../dist/warehouse/duckdb.js';

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'backfill-bench-validate-'));
  try {
    const file = join(dir, 'full.duckdb');
    const asOf = today();
    let started = performance.now();
    await createDemoWarehouse(file, {asOf, seed: 7});
    const demoSeconds = (performance.now() - started) / 1000;
    const range = {start: '2021-10-19', end: addDays(asOf, -1)};
    const warehouse = await openDuckDb(file);
    try {
      started = performance.now();
      // Each table as one batch through the runner's batch execution, build records included (the fresh check reads them).
      const recorder = new BuildRecorder(warehouse, range.end);
      const signal = new AbortController().signal;
      for (const table of DERIVED_TABLES) {
        const work = {processor: table.name, start: range.start, end: range.end, dates: [], attempt: 1, runId: 'bench'};
        await executeBatch(work, {warehouse, signal, command: null, onOutput: () => undefined, onExternal: () => undefined, recorder});
      }
      const buildSeconds = (performance.now() - started) / 1000;
      const [{rows}] = await warehouse.query('SELECT COUNT(*) AS rows FROM nba_precompute.ml_feature_store');
      started = performance.now();
      // CPU time of the process (DuckDB's threads included): what the machine's load cannot inflate.
      const cpu = process.cpuUsage();
      const report = await validate(warehouse, {range});
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      const slowest = [...report.results].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3)
        .map((r) => `${r.check}/${r.table} ${(r.durationMs / 1000).toFixed(1)} s`).join(', ');
      return [
        {what: 'full demo generation (context)', figure: demoSeconds, unit: 's', target: '', pass: null},
        {what: `all ten tables built (context; MLFS ${rows} rows)`, figure: buildSeconds, unit: 's', target: '', pass: null},
        {what: `validate everything, ${report.results.length} checks, ${report.passed ? 'all passed' : 'FAILED'}`, figure: seconds, unit: 's', target: '< 30 s and all pass', pass: seconds < 30 && report.passed, note: `slowest: ${slowest}`},
        {what: 'validate everything: CPU time (2 cores: wall >= CPU / 2)', figure: cpuSeconds, unit: 's', target: '', pass: null},
      ];
    } finally {
      await warehouse.close();
    }
  } finally {
    rmSync(dir, {recursive: true, force: true});
  }
}
