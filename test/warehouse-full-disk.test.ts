// A nearly full disk (15.7): a checkpoint that fails is an error of the run, never a silent
// success. On a small tmpfs the run's writes fit in DuckDB's WAL but moving them into the file
// does not: the adapter's close rejects with the disk and the space needed, the CLI exits 1 with
// that line, the next run says the same before any batch, and once space is freed the WAL is
// checkpointed with nothing lost. Needs a tmpfs mount (root); skipped with the reason otherwise.
import {copyFileSync, existsSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {backfill, demoSandbox, lines, type Sandbox} from './support/cli.js';
import {mountUnsupported, needsMount, tmpfs} from './support/mounts.js';

const AS_OF = '2021-12-16';
const SLOW = 240_000;

let box: Sandbox;
let pristine: string;
let config: string;

beforeAll(async () => ({box, pristine, config} = await demoSandbox(AS_OF)));

afterAll(() => box?.cleanup());

async function count(path: string, sql: string): Promise<number> {
  const warehouse = await openDuckDb(path, {readOnly: true});
  try {
    return Number((await warehouse.query(sql))[0].n);
  } finally {
    await warehouse.close();
  }
}

const FULL = /could not be checkpointed: the disk mounted on (\S+) \(tmpfs, (\d+\.\d) MiB, [\d.]+ (B|KiB|MiB) free\) is full; free (\d+\.\d) MiB there \(its WAL's size and room for metadata\) and run `backfill run` again: nothing committed is lost: the WAL is replayed on the next open/;

describe('a disk too full for the checkpoint', () => {
  it.skipIf(mountUnsupported)(needsMount('close() rejects naming the disk and the space needed; after freeing it nothing is lost'), async () => {
    const disk = tmpfs(24);
    try {
      const file = join(disk.dir, 'w.duckdb');
      const warehouse = await openDuckDb(file);
      // Inserts below a row group (122,880 rows) go to the WAL, as a run's batches do.
      await warehouse.query('CREATE TABLE t (n BIGINT, m BIGINT)');
      for (let i = 0; i < 12; i++) await warehouse.query(`INSERT INTO t SELECT range AS n, range * 3 AS m FROM range(${i * 50000}, ${(i + 1) * 50000})`);
      // Leave the WAL its room, but not the checkpoint's: fill the rest of the disk.
      const filler = join(disk.dir, 'filler');
      try {
        writeFileSync(filler, Buffer.alloc(64 * 1024 * 1024));
      } catch {
        // ENOSPC: the filler took every byte it could
      }
      const closing = warehouse.close();
      await expect(closing).rejects.toThrow(FULL);
      const [, mount, size, , needed] = FULL.exec(((await closing.catch((e: Error) => e)) as Error).message)!;
      expect(mount).toBe(disk.dir);
      expect(size).toBe('24.0');
      expect(Number(needed)).toBeGreaterThan(1); // the WAL's megabytes, plus one for metadata
      expect(existsSync(`${file}.wal`)).toBe(true);

      rmSync(filler);
      // The next read-write open checkpoints what the WAL kept.
      const reopened = await openDuckDb(file);
      expect(existsSync(`${file}.wal`)).toBe(false);
      expect(await reopened.query('SELECT count(*) AS n, sum(m) AS total FROM t')).toEqual([{n: 600000, total: 3 * ((599999 * 600000) / 2)}]);
      await reopened.close();
    } finally {
      disk.unmount();
    }
  }, SLOW);

  it.skipIf(mountUnsupported)(needsMount('a run whose checkpoint fails exits 1 with one line; the next says so before any batch; with space it completes'), async () => {
    // 16 MiB: the demo (2.5 MiB) and the run's WAL (~12 MiB) fit, the checkpoint (~7 MiB more) does not.
    const disk = tmpfs(16);
    try {
      const path = join(disk.dir, 'warehouse.duckdb');
      copyFileSync(pristine, path);
      const run = () => backfill(box, ['--config', config, '--warehouse', path, 'run']);

      const first = await run();
      expect(lines(first.stdout).at(-1)).toMatch(/run run-\S+ completed/); // the batches did commit
      expect(first.exitCode).toBe(1); // but the run is not a success
      expect(lines(first.stderr)).toEqual([expect.stringMatching(new RegExp(`^backfill: the warehouse ${path} ${FULL.source}`))]);

      const second = await run();
      expect(second.exitCode).toBe(1);
      expect(lines(second.stderr)).toEqual([expect.stringMatching(FULL)]);
      expect(second.stdout).not.toMatch(/started/);

      disk.resize(48);
      const third = await run();
      expect(third.exitCode).toBe(0);
      expect(existsSync(`${path}.wal`)).toBe(false);
      expect(await count(path, 'SELECT count(*) AS n FROM nba_precompute.ml_feature_store')).toBeGreaterThan(0);
      expect(third.stdout).toContain('0 batches'); // everything was kept by the WAL: nothing to redo
    } finally {
      disk.unmount();
    }
  }, SLOW);
});
