// When another process holds the warehouse, the console says so within a second, naming what
// reaches it: a backfill serving another state dir (a console host started with another
// --state-dir) is reached from that state dir; any other program must let go of the file.
// Found from the kernel's lock table without opening the file. Needs `npm run build`.
import {execa} from 'execa';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {socketPath} from '../src/attach/paths.js';
import {isSocketLive} from '../src/attach/server.js';
import {consoleSession} from '../src/cli/console-session.js';
import {createContext} from '../src/cli/context.js';
import {lockingPid} from '../src/cli/holder.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {assertBuilt, ROOT, sandbox, spawnBackfill, type Sandbox} from './support/cli.js';
import {until} from './support/wait.js';

describe('a warehouse held by another process', {timeout: 120_000}, () => {
  let box: Sandbox;
  let file: string;

  beforeAll(async () => {
    assertBuilt();
    box = sandbox();
    file = join(box.dir, 'held.duckdb');
    await createDemoWarehouse(file, {asOf: '2021-10-31', seed: 7});
  });
  afterAll(() => box?.cleanup());

  it('the lock table names the holder of DuckDB\'s lock', async () => {
    const warehouse = await openDuckDb(file);
    try {
      expect(lockingPid(file)).toBe(process.pid);
    } finally {
      await warehouse.close();
    }
    expect(lockingPid(file)).toBeNull();
  });

  it('a console host of another state dir: named at once, with the state dir that reaches it', async () => {
    const other = join(box.dir, 'other-state');
    const host = spawnBackfill(box, ['--warehouse', file, '--state-dir', other, 'host']);
    try {
      await until('the other host to serve', () => isSocketLive(socketPath(other, file)), 60_000);
      const context = createContext({warehouse: file, stateDir: join(box.dir, 'mine')});
      const started = Date.now();
      const error = await consoleSession(context).then(() => null, (e: Error) => e);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(error?.message).toContain(`is held by another backfill (pid ${host.pid}`);
      expect(error?.message).toContain(`serves the state dir ${other}; \`backfill --state-dir ${other}\``);
    } finally {
      host.kill('SIGTERM');
      await host;
    }
  });

  it('a program that is not a backfill: named at once, as not a backfill process', async () => {
    const holder = execa('node', ['--input-type=module', '-e', `const {openDuckDb} = await import(${JSON.stringify(join(ROOT, 'dist/warehouse/duckdb.js'))}); await openDuckDb(${JSON.stringify(file)}); console.log('open'); setTimeout(() => {}, 60000);`], {reject: false});
    try {
      await new Promise<void>((resolve) => holder.stdout!.on('data', () => resolve()));
      const context = createContext({warehouse: file, stateDir: join(box.dir, 'mine')});
      const started = Date.now();
      const error = await consoleSession(context).then(() => null, (e: Error) => e);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(error?.message).toMatch(new RegExp(`is held by pid ${holder.pid} \\(node .*\\), which is not a backfill process`));
    } finally {
      holder.kill('SIGKILL');
      await holder;
    }
  });
});
