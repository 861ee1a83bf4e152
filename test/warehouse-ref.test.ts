// One WarehouseRef per command: the same identity names the lock, the socket and the resume state
// however the project was given; identifiers bound for SQL text are refused before anything runs;
// a second writer is told who holds the warehouse from the run's own lock.
import {mkdirSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {socketForContext} from '../src/attach/paths.js';
import {createContext} from '../src/cli/context.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {UsageError} from '../src/errors.js';
import {warehouseKey} from '../src/runner/index.js';
import {acquireLock, lockFilePath} from '../src/state/lock.js';
import {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {FakeBigQuery} from './support/bigquery-fake.js';
import {assertBuilt, backfill, lines, sandbox, type Sandbox} from './support/cli.js';

describe('the warehouse identity', () => {
  it('with only GOOGLE_CLOUD_PROJECT set, the socket, the lock and the adapter use the same project key', () => {
    const a = createContext({target: 'bigquery', stateDir: '/tmp/s'}, {GOOGLE_CLOUD_PROJECT: 'project-alpha-1'});
    const b = createContext({target: 'bigquery', stateDir: '/tmp/s'}, {GOOGLE_CLOUD_PROJECT: 'project-beta-22'});
    expect(a.warehouse.identity).toBe('bigquery:project-alpha-1');
    // Two projects never share a socket (the bug: both were keyed `bigquery:`).
    expect(socketForContext(a)).not.toBe(socketForContext(b));
    const adapter = new BigQueryWarehouse(new FakeBigQuery(), {project: 'project-alpha-1'});
    expect(warehouseKey(adapter)).toBe(a.warehouse.identity);
    expect(lockFilePath('/tmp/s', warehouseKey(adapter))).toBe(lockFilePath('/tmp/s', a.warehouse.identity));
    // The child processes (a console's host, a detached run) are given the same project.
    expect(a.globalArgs).toEqual(expect.arrayContaining(['--project', 'project-alpha-1']));
  });

  it('an explicit project wins over the environment; the location is not part of the identity', () => {
    const given = createContext({target: 'bigquery', project: 'project-given', location: 'EU'}, {GOOGLE_CLOUD_PROJECT: 'project-env-1'});
    const bare = createContext({target: 'bigquery', project: 'project-given'}, {});
    expect(given.warehouse.identity).toBe('bigquery:project-given');
    expect(given.warehouse.identity).toBe(bare.warehouse.identity);
  });

  it('a DuckDB file is named by its absolute path, as the adapter names it', async () => {
    const box = sandbox();
    try {
      const context = createContext({warehouse: join(box.dir, 'w.duckdb')}, {HOME: box.dir});
      const duck = await openDuckDb(join(box.dir, 'w.duckdb'));
      expect(warehouseKey(duck)).toBe(context.warehouse.identity);
      await duck.close();
    } finally {
      box.cleanup();
    }
  });
});

describe('identifiers that would become SQL', () => {
  const hostile = 'x`; DROP TABLE y; --';

  it('a project id or a configured dataset name outside BigQuery\'s rules is a UsageError, whatever the target', () => {
    expect(() => createContext({project: hostile}, {})).toThrow(UsageError);
    expect(() => createContext({target: 'bigquery', project: 'UPPER-case'}, {})).toThrow(/not a BigQuery project id/);
    expect(() => createContext({target: 'bigquery'}, {GOOGLE_CLOUD_PROJECT: hostile})).toThrow(/GOOGLE_CLOUD_PROJECT/);
    // A domain-scoped project is a real project id.
    expect(createContext({target: 'bigquery', project: 'example.com:my-project'}, {}).warehouse.identity).toBe('bigquery:example.com:my-project');
  });

  describe('through the command line', () => {
    let box: Sandbox;
    beforeAll(() => {
      assertBuilt();
      box = sandbox();
    });
    afterAll(() => box.cleanup());

    it('`sql --engine bigquery --project` with a backtick prints nothing and exits 2', async () => {
      const result = await backfill(box, ['sql', 'PGS', '--engine', 'bigquery', '--project', hostile, '--from', '2021-11-01', '--to', '2021-11-02']);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(/is not a BigQuery project id/);
    });

    it('a config whose dataset name holds a backtick is refused by every command, the value cut short', async () => {
      const config = join(box.dir, 'datasets.json');
      writeFileSync(config, JSON.stringify({datasets: {nba_raw: `raw\`; DROP TABLE t; --${'x'.repeat(5000)}`}}));
      for (const args of [['sql', 'PGS', '--engine', 'bigquery', '--from', '2021-11-01', '--to', '2021-11-02'], ['status']]) {
        const result = await backfill(box, ['--config', config, ...args]);
        expect(result.exitCode).toBe(2);
        expect(result.stdout).toBe('');
        expect(lines(result.stderr)).toHaveLength(1);
        expect(result.stderr).toMatch(/config datasets\.nba_raw: .* is not a BigQuery dataset name/);
        expect(result.stderr.length).toBeLessThan(300);
      }
    });
  });
});

describe('a second writer', () => {
  let box: Sandbox;
  let config: string;
  beforeAll(async () => {
    assertBuilt();
    box = sandbox();
    await createDemoWarehouse(box.warehouse, {asOf: '2021-11-10', seed: 7});
    config = join(box.dir, 'config.json');
    writeFileSync(config, JSON.stringify({boundary: '2021-11-10'}));
  });
  afterAll(() => box.cleanup());

  it('is told the holder from the run\'s lock: pid, host, start time and range, in one line', async () => {
    mkdirSync(box.stateDir, {recursive: true});
    // This test process plays the live run: it holds the DuckDB file and the run's lock.
    const holder = await openDuckDb(box.warehouse);
    const lock = acquireLock(box.stateDir, holder.description, {range: {start: '2021-11-01', end: '2021-11-09'}, runId: 'run-test'});
    try {
      const result = await backfill(box, ['--config', config, 'run', '--processors', 'PGS']);
      expect(result.exitCode).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain(`pid ${process.pid} on ${hostname()}, started ${lock.holder.startedAt}, range 2021-11-01 → 2021-11-09`);
    } finally {
      lock.release();
      await holder.close();
    }
  });
});
