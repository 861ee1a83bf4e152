// Freshness on the demo warehouse, end to end: a full backfill (with build records) is fresh; one
// date's raw box scores change; then exactly what read those rows is stale, with the reason it
// should have (`source` where the box score is read directly, `upstream` where it is read through
// a derived table), nothing else and no earlier date; `run --stale` plans and rebuilds exactly that
// closure, after which every derived table equals a fresh full backfill on the changed sources and
// nothing is stale. Also: a forced rebuild of one PGS date plans its cascade, or only that date
// with --no-cascade. Needs `npm run build` (the command line runs here).
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {DERIVED_TABLES} from '../src/catalog/index.js';
import type {DerivedTableName} from '../src/catalog/types.js';
import {addDays} from '../src/dates.js';
import {listStale, readStaleness, type StaleDate} from '../src/freshness/index.js';
import {gameCalendar} from '../src/queries/coverage.js';
import {planRun, startRun, type Plan} from '../src/runner/index.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import type {Warehouse} from '../src/warehouse/types.js';
import {assertBuilt, backfill, sandbox, type Sandbox} from './support/cli.js';
import {copyOf, tableFacts, tempDir, type TempDir} from './runner-support.js';

// Season 2021-22 whole, then the first weeks of 2022-23 (MLFS there reads 2021-22 of PGS).
const AS_OF = '2022-11-10';
const LAST = addDays(AS_OF, -1);
const CHANGED = '2022-01-18';
const ALL = {start: '2021-10-19', end: LAST};
const config = {processors: {}};

let tmp: TempDir;
let raw: string;
let box: Sandbox;
let seasons: Map<string, string[]>;

/** Makes one player's line on CHANGED score one more point (a free throw): only that date's box score. */
async function changeBoxScore(w: Warehouse): Promise<void> {
  await w.query(
    `UPDATE nba_raw.boxscore_traditional SET points = points + 1, ftm = ftm + 1, fta = fta + 1
     WHERE game_date = DATE '${CHANGED}' AND player_lookup = (
       SELECT MIN(player_lookup) FROM nba_raw.boxscore_traditional WHERE game_date = DATE '${CHANGED}' AND "minutes" IS NOT NULL)`,
  );
}

async function fullBackfill(file: string, stateDir: string): Promise<void> {
  const warehouse = await openDuckDb(file);
  try {
    const run = await startRun({warehouse, stateDir, config, boundary: AS_OF, request: {range: ALL, processors: DERIVED_TABLES.map((t) => t.name)}});
    expect((await run.finished).state).toBe('completed');
  } finally {
    await warehouse.close();
  }
}

async function staleOf(file: string): Promise<StaleDate[]> {
  const warehouse = await openDuckDb(file, {readOnly: true});
  try {
    return listStale((await readStaleness(warehouse, {last: LAST, config})).stale);
  } finally {
    await warehouse.close();
  }
}

const datesOf = (plan: Plan, name: DerivedTableName) => plan.processors.find((p) => p.name === name)?.batches.flatMap((b) => b.dates) ?? [];

beforeAll(async () => {
  assertBuilt();
  tmp = tempDir('backfill-freshness-');
  const {createDemoWarehouse} = await import('../src/demo/index.js');
  raw = `${tmp.dir}/raw.duckdb`;
  await createDemoWarehouse(raw, {asOf: AS_OF, seed: 7});
  const probe = await openDuckDb(raw, {readOnly: true});
  seasons = new Map();
  for (const g of await gameCalendar(probe, LAST)) seasons.set(g.season, [...(seasons.get(g.season) ?? []), g.date]);
  await probe.close();
  box = sandbox();
  copyOf(raw, tmp.dir, 'built');
  await fullBackfill(`${tmp.dir}/built.duckdb`, box.stateDir);
}, 240_000);

afterAll(() => {
  box?.cleanup();
  tmp?.cleanup();
});

describe('one date of raw box scores changes', () => {
  it('a full backfill with build records is fresh', async () => {
    expect(await staleOf(`${tmp.dir}/built.duckdb`)).toEqual([]);
  });

  it('what read those rows is stale with its exact reason, nothing else and no earlier date; run --stale rebuilds exactly that and ends equal to a fresh backfill', {timeout: 300_000}, async () => {
    const file = copyOf(`${tmp.dir}/built.duckdb`, tmp.dir, 'changed');
    const w = await openDuckDb(file);
    await changeBoxScore(w);
    await w.close();
    const stale = await staleOf(file);

    const current = seasons.get('2021-22')!;
    const later = current.filter((d) => d > CHANGED);
    const nextSeason = seasons.get('2022-23')!;
    const expected: Record<DerivedTableName, Record<string, string[]>> = {
      // Read the box score of that date directly.
      player_game_summary: {source: [CHANGED]},
      team_offense_game_summary: {source: [CHANGED]},
      team_defense_game_summary: {source: [CHANGED]},
      // Averages over the season's earlier box scores: every later date of the season.
      upcoming_player_game_context: {source: later},
      upcoming_team_game_context: {},
      // Through a derived input: TDGS on the date, PGS and UPGC after it, and what reads those.
      team_defensive_zone_analytics: {upstream: later},
      player_shot_zone_analytics: {upstream: later},
      player_defensive_context: {upstream: later},
      player_composite_factors: {upstream: later},
      // The targets read PGS on the date; the next season's fallback reads the whole season of PGS.
      ml_feature_store: {upstream: [CHANGED, ...later, ...nextSeason]},
    };
    const actual = Object.fromEntries(DERIVED_TABLES.map((t) => {
      const byReason: Record<string, string[]> = {};
      for (const s of stale.filter((x) => x.table === t.name)) (byReason[s.reason] ??= []).push(s.date);
      return [t.name, byReason];
    }));
    expect(actual).toEqual(expected);
    expect(stale.every((s) => s.date >= CHANGED)).toBe(true);

    const on = (table: DerivedTableName, date: string) => stale.find((s) => s.table === table && s.date === date)!.detail;
    expect(on('player_game_summary', CHANGED)).toBe(`boxscore_traditional ${CHANGED} changed since it was built`);
    expect(on('upcoming_player_game_context', later[0])).toBe(`boxscore_traditional ${CHANGED} changed since it was built`);
    expect(on('team_defensive_zone_analytics', later[0])).toBe(`team_defense_game_summary ${CHANGED} is stale (source)`);
    expect(on('ml_feature_store', CHANGED)).toBe(`player_game_summary ${CHANGED} is stale (source)`);
    expect(on('ml_feature_store', nextSeason[0])).toBe(`player_game_summary ${CHANGED} is stale (source)`);

    // The plan of `run --stale` is exactly the stale dates, each once (the cascade adds none: they are its closure).
    const probe = await openDuckDb(file, {readOnly: true});
    const plan = await planRun({warehouse: probe, config, boundary: AS_OF, request: {range: ALL, processors: DERIVED_TABLES.map((t) => t.name), reprocess: 'stale'}});
    await probe.close();
    for (const table of DERIVED_TABLES) {
      expect(datesOf(plan, table.name), table.name).toEqual(stale.filter((s) => s.table === table.name).map((s) => s.date));
    }
    const total = plan.processors.reduce((n, p) => n + p.batches.reduce((m, b) => m + b.dates.length, 0), 0);
    expect(total).toBe(stale.length);
    expect(total).toBe(3 + 5 * later.length + (1 + later.length + nextSeason.length));

    const dry = await backfill(box, ['run', '--warehouse', file, '--from', ALL.start, '--stale', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`processor-dates`);

    const rebuilt = await backfill(box, ['run', '--no-tty', '--warehouse', file, '--from', ALL.start, '--stale']);
    expect(rebuilt.exitCode, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain(`completed: ${stale.length}/${stale.length} game dates`);
    expect(await staleOf(file)).toEqual([]);
    const stale2 = await backfill(box, ['stale', '--json', '--warehouse', file, '--from', ALL.start]);
    expect(JSON.parse(stale2.stdout)).toMatchObject({stale: [], total: 0});

    // The same change on the raw sources, then a full backfill from nothing: the same tables.
    const fresh = copyOf(raw, tmp.dir, 'fresh-on-changed');
    const r = await openDuckDb(fresh);
    await changeBoxScore(r);
    await r.close();
    await fullBackfill(fresh, `${tmp.dir}/state-fresh`);
    const [a, b] = [await openDuckDb(file, {readOnly: true}), await openDuckDb(fresh, {readOnly: true})];
    const [factsA, factsB] = [await tableFacts(a), await tableFacts(b)];
    await Promise.all([a.close(), b.close()]);
    expect(factsA).toEqual(factsB);
  });
});

describe('rollback --rerun and status', () => {
  const D = '2021-12-10';

  it('a rebuilt date without its cascade shows its readers stale in status (text and JSON); rollback --rerun rebuilds with the cascade', {timeout: 180_000}, async () => {
    const file = copyOf(`${tmp.dir}/built.duckdb`, tmp.dir, 'rolled');
    const alone = await backfill(box, ['run', '--no-tty', '--warehouse', file, '--force', '--processors', 'PGS', '--from', D, '--to', D, '--no-cascade']);
    expect(alone.exitCode, alone.stderr).toBe(0);
    const after = seasons.get('2021-22')!.filter((d) => d > D);
    const json = JSON.parse((await backfill(box, ['status', '--json', '--warehouse', file])).stdout);
    const psza = json.tables.find((t: {short: string}) => t.short === 'PSZA');
    expect(psza.stale).toBe(after.length);
    expect(psza.months.find((m: {month: string}) => m.month === '2021-12').stale).toBe(after.filter((d) => d.startsWith('2021-12')).length);
    expect(json.tables.find((t: {short: string}) => t.short === 'PGS').stale).toBe(0);
    expect(json.stale).toBe(2 * after.length + 1 + after.length + seasons.get('2022-23')!.length); // PSZA, PCF, MLFS
    const text = (await backfill(box, ['status', '--warehouse', file])).stdout;
    expect(text).toMatch(new RegExp(`\\n  PSZA  ${after.length} game dates stale, first in 2021-12`));
    expect(text).toMatch(/\nstale +0 +\d+ +\d+/); // under PSZA: none in November, then December on

    const rerun = await backfill(box, ['rollback', '--warehouse', file, '--tables', 'PGS', '--from', D, '--to', D, '--yes', '--rerun']);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('the dates of PSZA, PCF, MLFS that read it are rebuilt after it (the cascade)');
    const rebuilt = 1 + 2 * after.length + 1 + after.length + seasons.get('2022-23')!.length;
    expect(rerun.stdout).toContain(`completed: ${rebuilt}/${rebuilt} game dates`);
    expect(await staleOf(file)).toEqual([]);
  });
});

describe('a forced rebuild of one PGS date', () => {
  const D = '2021-12-10';

  async function planFor(cascade: boolean): Promise<Plan> {
    const probe = await openDuckDb(`${tmp.dir}/built.duckdb`, {readOnly: true});
    try {
      return await planRun({warehouse: probe, config, boundary: AS_OF, request: {range: {start: D, end: D}, processors: ['player_game_summary'], force: true, ...(cascade ? {} : {cascade: false})}});
    } finally {
      await probe.close();
    }
  }

  it('plans PGS on that date plus every date that reads it, forward through the windows; only PGS with --no-cascade', async () => {
    const current = seasons.get('2021-22')!;
    const after = current.filter((d) => d > D);
    const plan = await planFor(true);
    expect(datesOf(plan, 'player_game_summary')).toEqual([D]);
    expect(datesOf(plan, 'player_shot_zone_analytics')).toEqual(after);
    expect(datesOf(plan, 'player_composite_factors')).toEqual(after);
    expect(datesOf(plan, 'ml_feature_store')).toEqual([D, ...after, ...seasons.get('2022-23')!]);
    expect(plan.processors.map((p) => p.short)).toEqual(['PGS', 'PSZA', 'PCF', 'MLFS']);
    expect(plan.processors.map((p) => p.cascadeDates)).toEqual([0, after.length, after.length, 1 + after.length + seasons.get('2022-23')!.length]);

    const alone = await planFor(false);
    expect(alone.processors.map((p) => [p.short, p.batches.flatMap((b) => b.dates)])).toEqual([['PGS', [D]]]);

    const cli = await backfill(box, ['run', '--warehouse', `${tmp.dir}/built.duckdb`, '--force', '--processors', 'PGS', '--from', D, '--to', D, '--dry-run']);
    expect(cli.exitCode, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(`cascade: PSZA +${after.length}, PCF +${after.length}, MLFS +${1 + after.length + seasons.get('2022-23')!.length} dates that read what it rebuilds`);
    const cliAlone = await backfill(box, ['run', '--warehouse', `${tmp.dir}/built.duckdb`, '--force', '--processors', 'PGS', '--from', D, '--to', D, '--dry-run', '--no-cascade']);
    expect(cliAlone.stdout).toContain('total: 1 batches, 1 processor-dates');
    expect(cliAlone.stdout).not.toContain('cascade:');
  });
});
