// Crash safety through the real command line: `backfill run` is killed with SIGKILL in the middle
// of a run, then run again. It must resume the interrupted run and end with tables identical to a
// run never interrupted: no duplicate keys, no missing dates. Needs `npm run build` (dist/).
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {execa} from 'execa';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLE_NAMES} from '../src/catalog/types.js';
import {parseConfig} from '../src/config.js';
import {startRun, warehouseKey} from '../src/runner/index.js';
import {lockFilePath} from '../src/state/lock.js';
import {stateFilePath} from '../src/state/store.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {copyOf, DEMO_AS_OF, DEMO_RANGE, demoFile, tableFacts, tempDir, type TempDir} from './runner-support.js';
import {assertBuilt, BIN} from './support/cli.js';

let tmp: TempDir;
let demo: string;

beforeAll(async () => {
  assertBuilt();
  tmp = tempDir('backfill-crash-');
  demo = await demoFile(tmp.dir);
}, 300_000);
afterAll(() => tmp.cleanup());

function cli(file: string, stateDir: string) {
  return execa(
    'node',
    [BIN, 'run', '--no-tty', '--log-format', 'json', '--warehouse', file, '--state-dir', stateDir, '--from', DEMO_RANGE.start, '--to', DEMO_RANGE.end, '--batch-size', '3'],
    {reject: false, stdin: 'ignore', env: {BACKFILL_PROGRESS_INTERVAL_MS: '0', NO_COLOR: '1'}, timeout: 280_000},
  );
}

async function facts(file: string) {
  const warehouse = await openDuckDb(file, {readOnly: true});
  try {
    return await tableFacts(warehouse);
  } finally {
    await warehouse.close();
  }
}

describe('kill -9 in the middle of a run, then resume', () => {
  it('ends with the same tables as a run never interrupted', async () => {
    // The reference: the same range in one uninterrupted in-process run, default batch sizes.
    const reference = copyOf(demo, tmp.dir, 'reference');
    const warehouse = await openDuckDb(reference);
    const handle = await startRun({warehouse, stateDir: join(tmp.dir, 'state-ref'), config: parseConfig({}), boundary: DEMO_AS_OF, request: {range: DEMO_RANGE, processors: DERIVED_TABLE_NAMES}});
    expect((await handle.finished).state).toBe('completed');
    await warehouse.close();

    const file = copyOf(demo, tmp.dir, 'crashed');
    const stateDir = join(tmp.dir, 'state-crash');
    const first = cli(file, stateDir);
    const pid = first.pid!;
    let finished = 0;
    let buffered = '';
    let planned = 0;
    await new Promise<void>((resolve, reject) => {
      first.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const record = JSON.parse(line) as {event: string; message: string};
          if (record.event === 'run-started') planned = Number(/(\d+) batches/.exec(record.message)?.[1] ?? 0);
          if (record.event === 'batch-finished' && ++finished === 12) {
            first.kill('SIGKILL');
            resolve();
          }
        }
      });
      void first.then((r) => reject(new Error(`the run ended before it could be killed: ${r.exitCode} ${r.stderr}`)));
    });
    const killed = await first;
    expect(killed.signal).toBe('SIGKILL');
    expect(planned).toBeGreaterThan(200); // 10 processors × 24 batches of 3 dates

    // What a crash leaves: a resumable run still marked running, and a stale lock of a dead pid.
    const key = warehouseKey({engine: 'duckdb', description: file} as never);
    const state = JSON.parse(readFileSync(stateFilePath(stateDir), 'utf8'));
    expect(state.warehouses[key].active).toMatchObject({status: 'running', pid});
    expect(JSON.parse(readFileSync(lockFilePath(stateDir, key), 'utf8')).pid).toBe(pid);

    const second = await cli(file, stateDir);
    expect(second.exitCode, second.stderr).toBe(0);
    const records = second.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as {event: string; message: string});
    expect(records.some((r) => r.message.includes('resuming the interrupted run'))).toBe(true);
    const rebuilt = records.filter((r) => r.event === 'batch-started').length;
    expect(rebuilt).toBeGreaterThan(0);
    expect(rebuilt).toBeLessThan(planned); // what was covered before the kill is not redone

    const [a, b] = await Promise.all([facts(file), facts(reference)]);
    for (const name of DERIVED_TABLE_NAMES) {
      expect(a[name].dates, `${name} misses dates`).toBe(72);
      expect(a[name].distinctKeys, `${name} has duplicate keys`).toBe(a[name].rows);
      expect(a[name], name).toEqual(b[name]);
    }
    const after = JSON.parse(readFileSync(stateFilePath(stateDir), 'utf8'));
    expect(after.warehouses[key].active).toBeNull();
  }, 400_000);
});
