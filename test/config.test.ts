// The configuration file: every error names the file, the key and what was expected; valid
// files resolve processor names to table names.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {loadConfig, parseConfig} from '../src/config.js';
import {UsageError} from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'backfill-config-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('loadConfig', () => {
  it('no file: built-in defaults', () => {
    expect(loadConfig(undefined)).toEqual({processors: {}});
  });

  it('a full file: processor names (short or long, any case) become table names', () => {
    const path = file('ok.json', JSON.stringify({
      target: 'bigquery', project: 'p', location: 'US', datasets: {nba_raw: 'raw_v2'},
      start: '2021-11-01', boundary: '2026-01-17', workers: 6,
      processors: {pgs: {batchSize: 30}, ml_feature_store: {workers: 1, command: ['python3', 'x.py', '--start-date', '{start}']}},
    }));
    const config = loadConfig(path);
    expect(config.target).toBe('bigquery');
    expect(config.datasets).toEqual({nba_raw: 'raw_v2'});
    expect(config.processors).toEqual({
      player_game_summary: {batchSize: 30},
      ml_feature_store: {workers: 1, command: ['python3', 'x.py', '--start-date', '{start}']},
    });
  });

  it('a missing file and malformed JSON name the file', () => {
    expect(errorOf(() => loadConfig(join(dir, 'absent.json'))).message).toMatch(/^cannot read config .*absent\.json: ENOENT$/);
    const bad = file('bad.json', '{"target": "duckdb",}');
    expect(errorOf(() => loadConfig(bad)).message).toMatch(/^config .*bad\.json is not valid JSON: /);
  });
});

describe('parseConfig errors: file, key, expected, got', () => {
  it.each([
    [{target: 'oracle'}, 'target: expected one of "duckdb"|"bigquery", got "oracle"'],
    [{workerz: 4}, 'workerz: unknown key at the top level'],
    [{processors: {PGS: {batchsize: 4}}}, 'processors.PGS.batchsize: unknown key in processors.PGS'],
    [{processors: {PGS: {batchSize: 0}}}, 'processors.PGS.batchSize: expected number to be >=1, got 0'],
    [{processors: {PGS: {batchSize: 'ten'}}}, 'processors.PGS.batchSize: expected number, got "ten"'],
    [{processors: {PGS: {command: 'python3 x.py'}}}, 'processors.PGS.command: expected array, got "python3 x.py"'],
    [{processors: {NOPE: {}}}, 'processors.NOPE: unknown table or processor "NOPE"'],
    [{start: '2022-02-30'}, 'start: expected a real date in YYYY-MM-DD form, got "2022-02-30"'],
    [{datasets: {nba_raw: 5}}, 'datasets.nba_raw: expected string, got 5'],
    [{start: '2023-01-01', boundary: '2022-01-01'}, 'start: expected a date before boundary 2022-01-01, got "2023-01-01"'],
    [[1, 2], '(top level): expected object, got [1,2]'],
  ] as const)('%j', (json, message) => {
    expect(errorOf(() => parseConfig(json, 'ops.json')).message).toContain(`config ops.json: ${message}`);
  });
});
