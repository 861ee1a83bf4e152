// The attempt history: a run records every batch attempt (a retried batch has both), `backfill
// history --json` lists them with their outcomes, the store stays bounded, and bad input is one
// line with exit 2. Needs `npm run build` (the CLI part).
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {DerivedTable} from '../src/catalog/types.js';
import {createDemoWarehouse} from '../src/demo/index.js';
import {startRun} from '../src/runner/index.js';
import {compacted, PER_DATE_CAP, readAttempts, TOTAL_CAP, type AttemptRecord} from '../src/state/attempts.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import type {Params, WriteOptions, Warehouse, WriteResult} from '../src/warehouse/types.js';
import {tempDir, type TempDir} from './runner-support.js';
import {assertBuilt, backfill, lines, sandbox, type Sandbox} from './support/cli.js';

const TRANSIENT = 'TransactionContext Error: Catalog write-write conflict on alter with "player_game_summary"';

/** The first write of each table fails with a transient error, before writing anything. */
function failFirstWrite(inner: Warehouse): Warehouse {
  const failed = new Set<string>();
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property !== 'replaceRange') return Reflect.get(target, property, receiver);
      return async (table: DerivedTable, select: string, params: Params, options?: WriteOptions): Promise<WriteResult> => {
        if (!failed.has(table.name)) {
          failed.add(table.name);
          throw new Error(TRANSIENT);
        }
        return target.replaceRange(table, select, params, options);
      };
    },
  });
}

describe('the attempt history', {timeout: 120_000}, () => {
  let temp: TempDir;
  let box: Sandbox;
  let file: string;
  const stateDir = () => join(temp.dir, 'state');

  beforeAll(async () => {
    assertBuilt();
    temp = tempDir('backfill-history-');
    box = sandbox();
    file = join(temp.dir, 'demo.duckdb');
    await createDemoWarehouse(file, {asOf: '2021-10-31', seed: 7});
    const warehouse = await openDuckDb(file);
    try {
      const run = await startRun({
        warehouse: failFirstWrite(warehouse),
        stateDir: stateDir(),
        config: {processors: {}},
        boundary: '2021-10-31',
        request: {range: {start: '2021-10-19', end: '2021-10-30'}, processors: ['player_game_summary']},
        retry: {baseDelayMs: 1, maxDelayMs: 5},
      });
      expect((await run.finished).state).toBe('completed');
    } finally {
      await warehouse.close();
    }
  });

  afterAll(() => {
    temp?.cleanup();
    box?.cleanup();
  });

  it('history --json after a run with a retried batch lists both attempts with their outcomes', async () => {
    const result = await backfill(box, ['--warehouse', file, '--state-dir', stateDir(), 'history', '--tables', 'PGS', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const {attempts} = JSON.parse(result.stdout) as {attempts: AttemptRecord[]};
    const first = attempts.filter((a) => a.start === attempts[0].start);
    expect(first.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'retry'], [2, 'done']]);
    expect(first[0]).toMatchObject({processor: 'player_game_summary', retryKind: 'transient', rows: null, error: TRANSIENT});
    expect(first[1].rows).toBeGreaterThan(0);
    expect(first[1].error).toBeNull();
    expect(Date.parse(first[1].startedAt)).toBeGreaterThanOrEqual(Date.parse(first[0].startedAt));
    // The text form says the same, one line per attempt.
    const text = await backfill(box, ['--warehouse', file, '--state-dir', stateDir(), 'history', '--from', first[0].start, '--to', first[0].end]);
    expect(lines(text.stdout)[0]).toMatch(/^PGS {2}\S+ #1 failed, retried .*transient: TransactionContext Error/);
    expect(lines(text.stdout)[1]).toMatch(/^PGS {2}\S+ #2 done .*rows\) run-/);
  });

  it('run --dry-run estimates the duration from the past pace, or says there is no history yet', async () => {
    const args = ['--warehouse', file, 'run', '--dry-run', '--force', '--from', '2021-10-19', '--to', '2021-10-30'];
    const known = await backfill(box, ['--state-dir', stateDir(), ...args, '--processors', 'PGS']);
    expect(known.exitCode, known.stderr).toBe(0);
    expect(known.stdout).toMatch(/estimated duration: about \d+s at this warehouse's past pace\nslowest: PGS at [\d.]+ dates\/s$/m);
    const partly = await backfill(box, ['--state-dir', stateDir(), ...args, '--processors', 'PGS,TOGS']);
    expect(partly.stdout).toContain('no history yet for TOGS (not in the estimate)');
    const none = await backfill(box, ['--state-dir', join(temp.dir, 'fresh'), ...args, '--processors', 'PGS']);
    expect(none.stdout).toContain('estimated duration: no history yet');
  });

  it('reads without writing: no history, no state dir created', async () => {
    const result = await backfill(box, ['--warehouse', file, '--state-dir', join(temp.dir, 'none'), 'history', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).attempts).toEqual([]);
    expect(readAttempts(join(temp.dir, 'none'), file)).toEqual([]);
  });

  it.each([
    [['history', '--from', '2021-12-05', '--to', '2021-12-01'], /--to 2021-12-01 is before --from 2021-12-05/],
    [['history', '--tables', 'NOPE'], /NOPE/],
    [['history', '--from', '2022-02-30'], /--from "2022-02-30" is not a real date/],
  ])('bad input %j: one line, exit 2', async (args, message) => {
    const result = await backfill(box, ['--warehouse', file, '--state-dir', stateDir(), ...args]);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(message)]);
    expect(result.stdout).toBe('');
  });

  it('compaction keeps the newest attempts per batch and in all', () => {
    const attempt = (i: number, start: string): AttemptRecord => ({
      runId: `run-${i}`, processor: 'player_game_summary', start, end: start, dates: 1, attempt: 1, startedAt: new Date(i * 1000).toISOString(),
      durationMs: 10, rows: 1, outcome: 'done', error: null, retryKind: null, jobId: null, bytesProcessed: null, bytesBilled: null, slotMs: null,
    });
    const one = Array.from({length: PER_DATE_CAP + 5}, (_, i) => attempt(i, '2021-11-01'));
    const kept = compacted(one);
    expect(kept).toHaveLength(PER_DATE_CAP);
    expect(kept[0].runId).toBe('run-5');
    const many = Array.from({length: TOTAL_CAP + 100}, (_, i) => attempt(i, `d${i}`));
    const all = compacted(many);
    expect(all).toHaveLength(TOTAL_CAP);
    expect(all.at(-1)!.runId).toBe(`run-${TOTAL_CAP + 99}`);
  });
});
