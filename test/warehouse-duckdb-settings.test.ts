// The DuckDB adapter's instance settings (one thread per query, no automatic checkpoint before the
// WAL reaches 128 MB) and what they must not cost: a committed write survives a process that dies
// without closing the warehouse, since it is in the WAL until the checkpoint on close.
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {afterEach, describe, expect, it} from 'vitest';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {assertBuilt, ROOT} from './support/cli.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, {recursive: true, force: true});
  dir = undefined;
});

function tempFile(): string {
  dir = mkdtempSync(join(tmpdir(), 'backfill-duck-settings-'));
  return join(dir, 'warehouse.duckdb');
}

async function settings(file: string, readOnly: boolean): Promise<Record<string, string>> {
  const warehouse = await openDuckDb(file, {readOnly});
  try {
    const rows = await warehouse.query(
      "SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'checkpoint_threshold')",
    );
    return Object.fromEntries(rows.map((r) => [String(r.name), String(r.value)]));
  } finally {
    await warehouse.close();
  }
}

describe('DuckDB instance settings', () => {
  it('runs each query on one thread and checkpoints only past 128 MB of WAL, read-write and read-only', async () => {
    const file = tempFile();
    for (const readOnly of [false, true]) {
      const values = await settings(file, readOnly);
      expect(values.threads).toBe('1');
      expect(values.checkpoint_threshold).toBe('122.0 MiB'); // 128MB = 128·10⁶ bytes
    }
  });

  it('keeps a committed write when the process dies without closing the warehouse', async () => {
    assertBuilt(); // the child runs the built adapter (npm run build)
    const file = tempFile();
    // A child process writes through the adapter and exits at once: no close, no checkpoint.
    const script = `
      const {openDuckDb} = await import(${JSON.stringify(join(ROOT, 'dist', 'warehouse', 'duckdb.js'))});
      const w = await openDuckDb(${JSON.stringify(file)});
      await w.query('CREATE TABLE t AS SELECT range AS n FROM range(50000)');
      process.exit(0);`;
    await execa('node', ['--input-type=module', '-e', script], {cwd: ROOT});
    const warehouse = await openDuckDb(file, {readOnly: true});
    try {
      expect(await warehouse.query('SELECT count(*) AS rows, sum(n) AS total FROM t')).toEqual([{rows: 50000, total: (49999 * 50000) / 2}]);
    } finally {
      await warehouse.close();
    }
  });
});
