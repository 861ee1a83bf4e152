// Injected faults: a test-only warehouse wrapper fails a fraction of the writes with transient or
// quota errors (worded as DuckDB and BigQuery word them), before or after the real write. The
// run must still end with the same tables, and say so in its log: retries, lowered concurrency.
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {DerivedTable} from '../src/catalog/types.js';
import {DERIVED_TABLE_NAMES} from '../src/catalog/types.js';
import {parseConfig} from '../src/config.js';
import {classifyError, startRun} from '../src/runner/index.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import type {Params, QueryOptions, Warehouse, WriteResult} from '../src/warehouse/types.js';
import {collect, copyOf, DEMO_AS_OF, DEMO_RANGE, demoFile, ofType, tableFacts, tempDir, type TempDir} from './runner-support.js';

const TRANSIENT = 'TransactionContext Error: Catalog write-write conflict on alter with "player_game_summary"';
const QUOTA = 'Exceeded rate limits: too many concurrent queries for this project_and_region. (reason: rateLimitExceeded)';

/** Fails a fraction of replaceRange calls; a seeded generator keeps a failing run reproducible. */
class FaultyWarehouse implements Warehouse {
  failures = {transient: 0, quota: 0, permanent: 0};
  private state: number;

  constructor(
    private readonly inner: Warehouse,
    private readonly fraction: number,
    seed: number,
    private readonly permanentFor?: (table: DerivedTable, start: string) => boolean,
  ) {
    this.state = seed;
  }
  get engine() {
    return this.inner.engine;
  }
  get dialect() {
    return this.inner.dialect;
  }
  get description() {
    return this.inner.description;
  }
  private random(): number {
    this.state = (this.state * 1103515245 + 12345) % 2 ** 31;
    return this.state / 2 ** 31;
  }
  query(sql: string, params?: Params, options?: QueryOptions) {
    return this.inner.query(sql, params, options);
  }
  async replaceRange(table: DerivedTable, select: string, params: Params, options?: QueryOptions): Promise<WriteResult> {
    if (this.permanentFor?.(table, String(params.start_date.value))) {
      this.failures.permanent++;
      throw new Error(`Binder Error: Referenced column "no_such_column" not found (${table.name})`);
    }
    const roll = this.random();
    if (roll >= this.fraction) return this.inner.replaceRange(table, select, params, options);
    const quota = roll < this.fraction / 2;
    quota ? this.failures.quota++ : this.failures.transient++;
    // Half of the faults strike after the write committed (the reply was lost): the retry
    // rewrites the same range, which must not duplicate anything.
    if (this.random() < 0.5) await this.inner.replaceRange(table, select, params, options);
    throw new Error(quota ? QUOTA : TRANSIENT);
  }
  deleteRange(table: DerivedTable, params: Params, options?: QueryOptions) {
    return this.inner.deleteRange(table, params, options);
  }
  ensureTables(tables: Parameters<Warehouse['ensureTables']>[0]) {
    return this.inner.ensureTables(tables);
  }
  close() {
    return this.inner.close();
  }
}

let tmp: TempDir;
let demo: string;
const config = parseConfig({});
const retry = {baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 12, maxQuotaAttempts: 12, raiseAfter: 2};

beforeAll(async () => {
  tmp = tempDir();
  demo = await demoFile(tmp.dir);
}, 300_000);
afterAll(() => tmp.cleanup());

async function run(name: string, wrap: (w: Warehouse) => Warehouse) {
  const file = copyOf(demo, tmp.dir, name);
  const duck = await openDuckDb(file);
  const warehouse = wrap(duck);
  try {
    const handle = await startRun({
      warehouse,
      stateDir: join(tmp.dir, `state-${name}`),
      config,
      boundary: DEMO_AS_OF,
      request: {range: DEMO_RANGE, processors: DERIVED_TABLE_NAMES, batchSize: 12, workers: 3},
      retry,
    });
    const events = collect(handle.subscribe);
    const final = await handle.finished;
    return {final, events, facts: await tableFacts(duck), warehouse};
  } finally {
    await duck.close();
  }
}

describe('injected faults', () => {
  it('classifies DuckDB and BigQuery errors, and honours an explicit retryKind', () => {
    expect(classifyError(new Error(TRANSIENT))).toBe('transient');
    expect(classifyError(new Error('TransactionContext Error: Transaction conflict: cannot update a table that has been altered!'))).toBe('transient');
    expect(classifyError(new Error(QUOTA))).toBe('quota');
    expect(classifyError(Object.assign(new Error('Job failed'), {errors: [{reason: 'quotaExceeded'}]}))).toBe('quota');
    expect(classifyError(Object.assign(new Error('Job failed'), {errors: [{reason: 'backendError'}]}))).toBe('transient');
    expect(classifyError(new Error('Binder Error: Referenced column "x" not found'))).toBe('permanent');
    expect(classifyError(Object.assign(new Error('anything'), {retryKind: 'quota'}))).toBe('quota');
  });

  it('ends with identical tables despite 30% failed writes, and logs the retries and the lowered concurrency', async () => {
    const clean = await run('clean', (w) => w);
    let faulty: FaultyWarehouse | undefined;
    const noisy = await run('faulty', (w) => (faulty = new FaultyWarehouse(w, 0.3, 42)));
    expect(clean.final.state).toBe('completed');
    expect(noisy.final.state).toBe('completed');
    expect(faulty!.failures.transient).toBeGreaterThan(3);
    expect(faulty!.failures.quota).toBeGreaterThan(3);
    for (const name of DERIVED_TABLE_NAMES) {
      expect(noisy.facts[name].distinctKeys, name).toBe(noisy.facts[name].rows);
      expect(noisy.facts[name], name).toEqual(clean.facts[name]);
    }
    const retries = ofType(noisy.events, 'batch-retry');
    expect(retries.filter((r) => r.kind === 'transient').length).toBe(faulty!.failures.transient);
    expect(retries.filter((r) => r.kind === 'quota').length).toBe(faulty!.failures.quota);
    expect(retries.every((r) => r.delayMs >= 1 && r.delayMs <= retry.maxDelayMs)).toBe(true);
    const changes = ofType(noisy.events, 'concurrency-changed');
    expect(changes.some((c) => c.to < c.from && c.reason.startsWith('quota:'))).toBe(true);
    expect(changes.some((c) => c.to > c.from)).toBe(true); // raised again once quota errors stop
    expect(noisy.final.processors.reduce((s, p) => s + p.retries, 0)).toBe(retries.length);
    expect(ofType(clean.events, 'batch-retry')).toHaveLength(0);
  }, 400_000);

  it("backs off as the warehouse's engine asks (BigQuery: 1 s to 32 s) unless the run overrides it", async () => {
    const file = copyOf(demo, tmp.dir, 'engine-delays');
    const duck = await openDuckDb(file);
    const faulty = new FaultyWarehouse(duck, 0.5, 11);
    const warehouse = Object.assign(faulty, {retryDelays: {baseDelayMs: 3, maxDelayMs: 3}});
    try {
      const handle = await startRun({
        warehouse,
        stateDir: join(tmp.dir, 'state-engine-delays'),
        config,
        boundary: DEMO_AS_OF,
        request: {range: DEMO_RANGE, processors: ['player_game_summary'], batchSize: 5, workers: 1},
        retry: {maxAttempts: 20, maxQuotaAttempts: 20},
      });
      const events = collect(handle.subscribe);
      expect((await handle.finished).state).toBe('completed');
      const delays = ofType(events, 'batch-retry').map((e) => e.delayMs);
      expect(delays.length).toBeGreaterThan(0);
      // The runner's own default starts at 500 ms: these come from the warehouse's 3 ms ceiling.
      expect(Math.max(...delays)).toBeLessThanOrEqual(3);
    } finally {
      await duck.close();
    }
  });

  it('fails a batch on a permanent error, with its dependants, and finishes the rest', async () => {
    const {final, events} = await run('permanent', (w) => new FaultyWarehouse(w, 0, 1, (t, start) => t.name === 'team_defense_game_summary' && start >= '2021-12-01'));
    expect(final.state).toBe('failed');
    const failed = ofType(events, 'batch-failed');
    const tdgs = failed.filter((f) => f.batch.processor === 'team_defense_game_summary');
    expect(tdgs.length).toBeGreaterThan(0);
    expect(tdgs[0].error).toContain('Binder Error');
    expect(ofType(events, 'batch-retry')).toHaveLength(0);
    expect(ofType(events, 'log').some((l) => l.level === 'error' && l.message.includes('TDGS') && l.message.includes('permanent'))).toBe(true);
    // TDZA reads TDGS with season lookback: its December batches fail, naming why.
    const tdza = failed.filter((f) => f.batch.processor === 'team_defensive_zone_analytics');
    expect(tdza.length).toBeGreaterThan(0);
    expect(tdza[0].error).toMatch(/its input TDGS failed on 2021-12/);
    const byName = Object.fromEntries(final.processors.map((p) => [p.name, p]));
    expect(byName.team_defense_game_summary.datesDone).toBeGreaterThan(0); // October and November
    expect(byName.player_game_summary).toMatchObject({status: 'done', datesDone: 72});
    expect(byName.player_shot_zone_analytics).toMatchObject({status: 'done', datesDone: 72});
  }, 300_000);
});
