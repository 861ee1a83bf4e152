// A small demo warehouse with all ten tables built, for validation, preflight and report tests:
// built once per test file, then copied so that each test can damage its own copy.
import {copyFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DERIVED_TABLES} from '../../src/catalog/index.js';
import {createDemoWarehouse} from '../../src/demo/index.js';
import {BuildRecorder} from '../../src/freshness/recorder.js';
import {executeBatch} from '../../src/runner/execute.js';
import {openDuckDb, type DuckDbWarehouse} from '../../src/warehouse/duckdb.js';

export const DEMO_AS_OF = '2022-01-10';
/** Every date of the small demo: the 2021-22 opener through the day before as-of. */
export const DEMO_RANGE = {start: '2021-10-19', end: '2022-01-09'} as const;

export interface BuiltDemo {
  readonly dir: string;
  readonly file: string;
  /** A fresh copy of the built warehouse, opened read-write. */
  copy(): Promise<DuckDbWarehouse>;
  /** A fresh copy of the built warehouse at `path`, closed. */
  copyTo(path: string): void;
  cleanup(): void;
}

/**
 * The demo (asOf 2022-01-10, seed 7) with every processor run over it in dependency order, each
 * as one batch through the runner's batch execution, build records included (so it is fresh).
 */
export async function buildDemo(): Promise<BuiltDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'backfill-validation-'));
  const file = join(dir, 'built.duckdb');
  await createDemoWarehouse(file, {asOf: DEMO_AS_OF, seed: 7});
  const warehouse = await openDuckDb(file);
  const recorder = new BuildRecorder(warehouse, DEMO_RANGE.end);
  for (const table of DERIVED_TABLES) {
    const work = {processor: table.name, start: DEMO_RANGE.start, end: DEMO_RANGE.end, dates: [], attempt: 1, runId: 'demo'};
    await executeBatch(work, {warehouse, signal: new AbortController().signal, command: null, onOutput: () => undefined, onExternal: () => undefined, recorder});
  }
  await warehouse.query('CHECKPOINT');
  await warehouse.close();
  let copies = 0;
  const copyTo = (path: string) => copyFileSync(file, path);
  return {
    dir,
    file,
    copyTo,
    async copy() {
      const path = join(dir, `copy-${++copies}.duckdb`);
      copyTo(path);
      return openDuckDb(path);
    },
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  };
}
