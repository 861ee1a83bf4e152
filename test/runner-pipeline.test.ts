// The supervisor on the real DuckDB warehouse and the real processors: all ten tables in one
// pipelined run equal running them one by one, phase 4 trails phase 3 date by date (from the
// event timestamps), no batch starts before the input dates it reads (lookback included) exist.
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {derivedTable} from '../src/catalog/index.js';
import {DERIVED_TABLE_NAMES, type DerivedTableName} from '../src/catalog/types.js';
import {parseConfig} from '../src/config.js';
import {gameDates} from '../src/queries/coverage.js';
import {formatPlan, LookbackIndex, planRun, startRun} from '../src/runner/index.js';
import type {RunEvent} from '../src/runner/types.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {collect, copyOf, DEMO_AS_OF, DEMO_RANGE, demoFile, ofType, tableFacts, tempDir, type TempDir} from './runner-support.js';

let tmp: TempDir;
let demo: string;
const config = parseConfig({});

beforeAll(async () => {
  tmp = tempDir();
  demo = await demoFile(tmp.dir);
}, 300_000);
afterAll(() => tmp.cleanup());

async function runAll(file: string, processors: readonly DerivedTableName[], batchSize?: number) {
  const warehouse = await openDuckDb(file);
  try {
    const handle = await startRun({
      warehouse,
      stateDir: join(tmp.dir, `state-${file.split('/').pop()}`),
      config,
      boundary: DEMO_AS_OF,
      request: {range: DEMO_RANGE, processors, ...(batchSize ? {batchSize} : {})},
    });
    const events = collect(handle.subscribe);
    const final = await handle.finished;
    return {final, events, plan: handle.plan};
  } finally {
    await warehouse.close();
  }
}

describe('pipelined run of all ten processors', () => {
  let pipelined: Awaited<ReturnType<typeof runAll>>;

  beforeAll(async () => {
    pipelined = await runAll(copyOf(demo, tmp.dir, 'pipelined'), DERIVED_TABLE_NAMES, 7);
  }, 300_000);

  it('completes every batch and equals running each processor alone, one after the other', async () => {
    expect(pipelined.final.state).toBe('completed');
    expect(pipelined.final.totals.batchesFailed).toBe(0);
    const oneByOne = copyOf(demo, tmp.dir, 'one-by-one');
    for (const name of DERIVED_TABLE_NAMES) {
      const {final} = await runAll(oneByOne, [name], 400);
      expect(final.state, name).toBe('completed');
    }
    const [a, b] = await Promise.all([pipelinedFacts(), factsOf(oneByOne)]);
    for (const name of DERIVED_TABLE_NAMES) {
      expect(a[name].rows, name).toBeGreaterThan(0);
      expect(a[name].dates, name).toBe(72); // every game date of the demo range
      expect(a[name].distinctKeys, `${name} has duplicate keys`).toBe(a[name].rows);
      expect(a[name], name).toEqual(b[name]);
    }
  }, 300_000);

  it('starts phase 4 before phase 3 ends', () => {
    const started = ofType(pipelined.events, 'batch-started');
    const finished = ofType(pipelined.events, 'batch-finished');
    const firstPhase4Start = Math.min(...started.filter((e) => derivedTable(e.batch.processor).phase === 4).map((e) => Date.parse(e.time)));
    const lastPhase3End = Math.max(...finished.filter((e) => derivedTable(e.batch.processor).phase === 3).map((e) => Date.parse(e.time)));
    expect(firstPhase4Start).toBeLessThan(lastPhase3End);
    // And not only by luck of timing: a phase 4 batch started while phase 3 still had batches to start.
    const order = pipelined.events.filter((e) => e.type === 'batch-started');
    const firstPhase4 = order.findIndex((e) => e.type === 'batch-started' && derivedTable(e.batch.processor).phase === 4);
    const lastPhase3 = order.findLastIndex((e) => e.type === 'batch-started' && derivedTable(e.batch.processor).phase === 3);
    expect(firstPhase4).toBeLessThan(lastPhase3);
  });

  it('never starts a batch before every input date it reads (lookback included) was built', async () => {
    const warehouse = await openDuckDb(copyOf(demo, tmp.dir, 'calendar'), {readOnly: true});
    const calendar = await gameDates(warehouse, DEMO_RANGE);
    await warehouse.close();
    const builtAt = new Map<string, number>(); // table|date → index of the batch-finished event
    pipelined.events.forEach((e: RunEvent, index) => {
      if (e.type !== 'batch-finished') return;
      for (const g of calendar) if (g.date >= e.batch.start && g.date <= e.batch.end) builtAt.set(`${e.batch.processor}|${g.date}`, index);
    });
    let checked = 0;
    const lookback = new LookbackIndex(calendar);
    pipelined.events.forEach((e: RunEvent, index) => {
      if (e.type !== 'batch-started') return;
      const dates = calendar.filter((g) => g.date >= e.batch.start && g.date <= e.batch.end).map((g) => g.date);
      for (const [input, needed] of lookback.inputsFor(derivedTable(e.batch.processor), dates)) {
        for (const date of needed) {
          expect(builtAt.get(`${input}|${date}`), `${e.batch.processor} ${e.batch.start} started before ${input} ${date}`).toBeLessThan(index);
          checked++;
        }
      }
    });
    expect(checked).toBeGreaterThan(1000);
  });

  it('reports progress per processor: dates, rows, throughput', () => {
    for (const p of pipelined.final.processors) {
      expect(p).toMatchObject({status: 'done', datesTotal: 72, datesDone: 72, datesFailed: 0, etaSeconds: 0});
      expect(p.rowsWritten).toBeGreaterThan(0);
      expect(p.throughput).toBeGreaterThan(0);
    }
    expect(pipelined.final.totals).toMatchObject({datesTotal: 720, datesDone: 720});
  });

  it('plans nothing once everything is covered, and everything again with --force', async () => {
    const warehouse = await openDuckDb(join(tmp.dir, 'pipelined.duckdb'), {readOnly: true});
    try {
      const request = {range: DEMO_RANGE, processors: DERIVED_TABLE_NAMES};
      const again = await planRun({warehouse, config, boundary: DEMO_AS_OF, request});
      expect(again.processors.every((p) => p.batches.length === 0 && p.skipped === 72)).toBe(true);
      const forced = await planRun({warehouse, config, boundary: DEMO_AS_OF, request: {...request, force: true, batchSize: 10}});
      expect(forced.processors.map((p) => p.batches.length)).toEqual(Array(10).fill(8)); // 72 dates in batches of 10
      expect(formatPlan(forced).join('\n')).toMatch(/total: 80 batches, 720 processor-dates/);
    } finally {
      await warehouse.close();
    }
  });
});

async function factsOf(file: string) {
  const warehouse = await openDuckDb(file, {readOnly: true});
  try {
    return await tableFacts(warehouse);
  } finally {
    await warehouse.close();
  }
}

function pipelinedFacts() {
  return factsOf(join(tmp.dir, 'pipelined.duckdb'));
}
