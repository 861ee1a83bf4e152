// `backfill init [--dry-run]` on both engines, and the BigQuery target without credentials from
// the built command line (one line on how to authenticate, exit 2, no network).
import {existsSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {execa} from 'execa';
import {describe, expect, it} from 'vitest';
import {ALL_TABLES} from '../src/catalog/index.js';
import {init, initTables} from '../src/cli/commands/init.js';
import {createContext, type CliContext} from '../src/cli/context.js';
import {BigQueryWarehouse} from '../src/warehouse/bigquery.js';
import {openDuckDb} from '../src/warehouse/duckdb.js';
import {FakeBigQuery} from './support/bigquery-fake.js';
import {BIN, assertBuilt} from './support/cli.js';

function capture(context: CliContext): {context: CliContext; lines: string[]} {
  const lines: string[] = [];
  return {context: {...context, out: (l) => lines.push(l), err: (l) => lines.push(l)}, lines};
}

describe('init on DuckDB', () => {
  // The catalog's tables (the build records among them) and undo's bookkeeping: its index, its notes,
  // and a kept-rows table per derived table and for the build records that travel with their rows.
  const TABLES = initTables({processors: {}}, 'duckdb');

  it('--dry-run on a missing file lists everything and creates nothing; init creates every table once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bq-init-'));
    const path = join(dir, 'w.duckdb');
    const dry = capture(createContext({warehouse: path}, {HOME: dir}));
    expect(await init(dry.context, {dryRun: true})).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(TABLES).toHaveLength(ALL_TABLES.length + 13);
    expect(dry.lines.filter((l) => l.startsWith('  + ') && l.includes('table'))).toHaveLength(TABLES.length);
    expect(dry.lines).toContain('  + bookkeeping table nba_backfill.replaced_ranges');
    expect(dry.lines.at(-1)).toMatch(/would create 5 datasets and 28 tables; nothing was changed/);

    const real = capture(createContext({warehouse: path}, {HOME: dir}));
    expect(await init(real.context, {})).toBe(0);
    expect(real.lines.at(-1)).toBe(`init: created 5 datasets and ${TABLES.length} tables`);
    const warehouse = await openDuckDb(path, {readOnly: true});
    const [{n}] = await warehouse.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema LIKE 'nba_%'");
    await warehouse.close();
    expect(n).toBe(TABLES.length);

    const again = capture(createContext({warehouse: path}, {HOME: dir}));
    expect(await init(again.context, {dryRun: true})).toBe(0);
    expect(again.lines).toEqual([`init: ${path} already has every dataset and all ${TABLES.length} tables; nothing to create`]);
  });
});

describe('init on BigQuery', () => {
  function bigQueryContext(fake: FakeBigQuery) {
    const base = createContext({target: 'bigquery', project: 'nba-data-warehouse-422817', location: 'US'}, {});
    return capture({...base, openWarehouse: async () => new BigQueryWarehouse(fake, {project: 'nba-data-warehouse-422817', location: 'US'})});
  }

  it('--dry-run reports the missing datasets and tables without creating anything', async () => {
    const fake = new FakeBigQuery();
    fake.datasets.set('nba_orchestration', ['nba_schedule']);
    fake.datasets.set('nba_raw', ['team_roster', 'boxscore_traditional', 'shot_chart']);
    fake.datasets.set('nba_analytics', ['player_game_summary']);
    const {context, lines} = bigQueryContext(fake);
    expect(await init(context, {dryRun: true})).toBe(0);
    expect(fake.requests).toHaveLength(0);
    expect(fake.createdDatasets).toHaveLength(0);
    expect(lines).toContain('  + dataset nba_precompute (location US)');
    expect(lines).toContain(
      '  + table nba-data-warehouse-422817.nba_analytics.team_offense_game_summary: PARTITION BY game_date, CLUSTER BY game_id, team_abbr, partition filter required',
    );
    expect(lines.some((l) => l.includes('player_game_summary:'))).toBe(false);
    expect(lines).toContain('  + dataset nba_backfill (location US)');
    // Time travel keeps BigQuery's replaced rows: undo's bookkeeping is its index alone.
    expect(lines).toContain('  + bookkeeping table nba-data-warehouse-422817.nba_backfill.replaced_ranges');
    expect(lines.at(-1)).toBe('init --dry-run: would create 2 datasets and 11 tables; nothing was changed (run without --dry-run to create them)');
  });

  it('creates them: the dataset in the configured location, each table by its catalog DDL', async () => {
    const fake = new FakeBigQuery();
    fake.datasets.set('nba_orchestration', ['nba_schedule']);
    fake.datasets.set('nba_raw', ['team_roster', 'boxscore_traditional', 'shot_chart']);
    const {context, lines} = bigQueryContext(fake);
    expect(await init(context, {})).toBe(0);
    expect(fake.createdDatasets).toEqual([
      {id: 'nba_analytics', options: {location: 'US'}},
      {id: 'nba_precompute', options: {location: 'US'}},
      {id: 'nba_backfill', options: {location: 'US'}},
    ]);
    expect(fake.requests.map((r) => r.query.split('\n')[0])).toEqual([
      ...ALL_TABLES.filter((t) => t.kind !== 'source').map((t) => `CREATE TABLE IF NOT EXISTS \`nba-data-warehouse-422817.${t.dataset}.${t.name}\` (`),
      'CREATE TABLE IF NOT EXISTS `nba-data-warehouse-422817.nba_backfill.replaced_ranges` (',
    ]);
    expect(lines.at(-1)).toBe('init: created 3 datasets and 12 tables');
  });
});

describe('the built CLI without credentials', () => {
  for (const args of [
    ['status', '--target', 'bigquery', '--project', 'nba-data-warehouse-422817'],
    ['--target', 'bigquery', '--project', 'nba-data-warehouse-422817', 'init', '--dry-run'],
  ]) {
    it(`backfill ${args.join(' ')}: one line on how to authenticate, exit 2, at once`, async () => {
      assertBuilt();
      const home = mkdtempSync(join(tmpdir(), 'bq-noauth-'));
      const started = performance.now();
      const result = await execa('node', [BIN, ...args], {
        env: {HOME: home, PATH: process.env.PATH ?? '', XDG_STATE_HOME: join(home, 'state'), XDG_DATA_HOME: join(home, 'data')},
        extendEnv: false,
        reject: false,
        timeout: 30_000,
      });
      // Node and the CLI take a few seconds on this shared machine; a network probe would add
      // its timeouts on top, and a hang would hit execa's timeout (exit code not 2).
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toBe('');
      const lines = String(result.stderr).trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/gcloud auth application-default login/);
      expect(lines[0]).toMatch(/GOOGLE_APPLICATION_CREDENTIALS/);
    });
  }
});
