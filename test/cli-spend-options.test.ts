// The spend and order options on the built command line: bad values of --budget,
// --max-bytes-per-job, --priority and --order (and of their config keys) are one line, exit 2,
// nothing written; the BigQuery-only ones are refused for a DuckDB warehouse the same way; and
// `--order newest-first` starts with the latest batch (JSON log) while a phase 4 batch still waits
// for the input dates its lookback reads.
import {createHash} from 'node:crypto';
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createDemoWarehouse} from '../src/demo/index.js';
import {assertBuilt, backfill, lines, sandbox, type Sandbox} from './support/cli.js';

const AS_OF = '2021-12-16';
let box: Sandbox;
let config: string;

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function configFile(name: string, content: unknown): string {
  const file = join(box.dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

beforeAll(async () => {
  assertBuilt();
  box = sandbox();
  await createDemoWarehouse(box.warehouse, {asOf: AS_OF});
  config = configFile('config', {boundary: AS_OF});
}, 300_000);

afterAll(() => box?.cleanup());

const BQ = ['--target', 'bigquery', '--project', 'nba-data-warehouse-422817'];

// [what, args, the line must match]
const CASES: readonly [string, () => string[], RegExp][] = [
  ['--budget without a unit it knows', () => ['run', '--budget', '2XB'], /--budget "2XB" is not a size: give a number and a unit, e.g. 500GB, 2TB or 10MiB/],
  ['--budget that is not a number', () => ['run', '--budget', 'lots'], /--budget "lots" is not a size/],
  ['--budget 0', () => ['run', '--budget', '0'], /--budget "0" is less than one byte/],
  ['--budget -1TB', () => [...BQ, 'run', '--budget', '-1TB'], /--budget "-1TB" is not a size/],
  ['--max-bytes-per-job without a unit it knows', () => ['--max-bytes-per-job', '500GiG', 'status'], /--max-bytes-per-job "500GiG" is not a size/],
  ['--max-bytes-per-job 0 on BigQuery', () => [...BQ, '--max-bytes-per-job', '0', 'status'], /--max-bytes-per-job "0" is less than one byte/],
  ['--priority urgent', () => ['--priority', 'urgent', 'run'], /--priority.*urgent.*interactive, batch/],
  ['--order sideways', () => ['run', '--order', 'sideways'], /--order.*sideways.*oldest-first, newest-first/],
  ['--budget for DuckDB', () => ['run', '--budget', '2TB'], /^backfill: --budget bounds the bytes a BigQuery run may bill; this warehouse is DuckDB, which bills nothing: drop --budget, or use --target bigquery$/m],
  ['--budget for DuckDB (dry run)', () => ['run', '--dry-run', '--budget', '2TB'], /--budget bounds the bytes a BigQuery run may bill; this warehouse is DuckDB/],
  ['--max-bytes-per-job for DuckDB', () => ['--max-bytes-per-job', '500GB', 'run'], /--max-bytes-per-job caps each BigQuery job's bytes billed; this warehouse is DuckDB/],
  ['--priority for DuckDB', () => ['status', '--priority', 'batch'], /--priority sets BigQuery jobs' priority; this warehouse is DuckDB/],
  ['a config budget that is not a size', () => ['--config', configFile('bad-budget', {boundary: AS_OF, budget: 'lots'}), 'run'], /config .*bad-budget\.json: budget: expected a positive size with a unit, e\.g\. 500GB or 2TB .*, got "lots"/],
  ['a config maxBytesPerJob of 0', () => ['--config', configFile('bad-cap', {boundary: AS_OF, maxBytesPerJob: '0'}), 'status'], /config .*bad-cap\.json: maxBytesPerJob: expected a positive size/],
  ['a config order it does not know', () => ['--config', configFile('bad-order', {boundary: AS_OF, order: 'random'}), 'run'], /config .*bad-order\.json: order: expected one of "oldest-first"\|"newest-first", got "random"/],
  ['a config priority it does not know', () => ['--config', configFile('bad-priority', {boundary: AS_OF, priority: 'high'}), 'status'], /config .*bad-priority\.json: priority: expected one of "interactive"\|"batch", got "high"/],
  ['a config bytesMargin below 1', () => ['--config', configFile('bad-margin', {boundary: AS_OF, bytesMargin: 0.5}), 'status'], /config .*bad-margin\.json: bytesMargin: expected number to be >=1, got 0\.5/],
];

describe('bad spend and order options: one line on stderr, exit 2, nothing written', () => {
  it.each(CASES)('%s', async (_what, args, message) => {
    const before = digest(box.warehouse);
    const given = args();
    const result = await backfill(box, given.includes('--config') ? given : ['--config', config, ...given]);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^backfill: /);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(digest(box.warehouse)).toBe(before);
    expect(existsSync(box.stateDir) ? readdirSync(box.stateDir) : []).toEqual([]);
  });
});

interface Record {
  readonly event: string;
  readonly processor: string | null;
  readonly start: string | null;
  readonly end: string | null;
  readonly bytes_billed: number | null;
  readonly slot_ms: number | null;
}

describe('--order newest-first', () => {
  it('the dry run says so and cuts each season from its latest date', async () => {
    const result = await backfill(box, ['--config', config, 'run', '--dry-run', '--processors', 'TOGS', '--from', '2021-11-01', '--to', '2021-11-30', '--batch-size', '7', '--order', 'newest-first']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('newest first: the latest ready batch starts first; a phase 4 batch still waits for its inputs (lookback)');
  });

  it('starts with the latest batch (JSON log), and a phase 4 batch still waits for its inputs', async () => {
    const result = await backfill(box, [
      '--config', config, '--log-format', 'json',
      'run', '--processors', 'TDGS,TDZA', '--from', '2021-11-01', '--to', '2021-12-15', '--batch-size', '5', '--workers', '1', '--order', 'newest-first',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const records = lines(result.stdout).map((line) => JSON.parse(line) as Record);
    // On DuckDB every record has the spend fields, null.
    expect(records.every((r) => r.bytes_billed === null && r.slot_ms === null)).toBe(true);
    const started = records.filter((r) => r.event === 'batch-started');
    const tdgs = started.filter((r) => r.processor === 'team_defense_game_summary');
    // The first batch of the run is the latest one; TDGS's batches start latest first.
    expect(started[0]).toMatchObject({processor: 'team_defense_game_summary', end: '2021-12-15'});
    expect(tdgs.map((r) => r.start)).toEqual([...tdgs.map((r) => r.start!)].sort().reverse());
    // TDZA reads TDGS on every earlier game date of its season: each of its batches starts only
    // once every TDGS batch up to its end has finished, however late its dates are.
    for (const [i, r] of records.entries()) {
      if (r.event !== 'batch-started' || r.processor !== 'team_defensive_zone_analytics') continue;
      const done = records.slice(0, i).filter((e) => e.event === 'batch-finished' && e.processor === 'team_defense_game_summary');
      const needed = tdgs.filter((t) => t.start! <= r.end!);
      expect(needed.every((t) => done.some((d) => d.start === t.start))).toBe(true);
    }
    expect(records.filter((r) => r.event === 'batch-started' && r.processor === 'team_defensive_zone_analytics').length).toBeGreaterThan(1);
  }, 120_000);
});
