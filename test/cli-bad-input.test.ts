// Bad input gets one clear line on stderr, exit 2, and nothing written (SPEC §4): the built CLI,
// a real demo warehouse whose bytes must not change, and a state dir that must stay empty.
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

beforeAll(async () => {
  assertBuilt();
  box = sandbox();
  await createDemoWarehouse(box.warehouse, {asOf: AS_OF});
  config = join(box.dir, 'config.json');
  writeFileSync(config, JSON.stringify({boundary: AS_OF}));
  writeFileSync(join(box.dir, 'malformed.json'), '{"boundary": "2021-12-16",,}');
  writeFileSync(join(box.dir, 'invalid.json'), JSON.stringify({boundary: AS_OF, processors: {PGS: {batchSize: 0}}}));
  writeFileSync(join(box.dir, 'unknown-key.json'), JSON.stringify({boundary: AS_OF, workerz: 4}));
  writeFileSync(join(box.dir, 'bad-date.json'), JSON.stringify({boundary: '2021-13-01'}));
});

afterAll(() => box?.cleanup());

const missing = () => join(box.dir, 'nowhere', 'missing.duckdb');

// [what, args, the line must match]
const CASES: readonly [string, () => string[], RegExp][] = [
  ['an impossible --from date', () => ['run', '--from', '2022-02-30'], /--from "2022-02-30" is not a real date/],
  ['an impossible --to date', () => ['run', '--to', '2021-11-31', '--dry-run'], /--to "2021-11-31" is not a real date/],
  ['a date in the wrong form', () => ['run', '--from', '11/01/2021'], /--from "11\/01\/2021" is not a real date in YYYY-MM-DD form/],
  ['--to before --from', () => ['run', '--from', '2021-12-10', '--to', '2021-12-01'], /--to 2021-12-01 is before --from 2021-12-10/],
  ['a range outside the data', () => ['run', '--from', '2010-01-01', '--to', '2010-12-31'], /no game dates between 2010-01-01 and 2010-12-31: the schedule has game dates from 2021-10-19/],
  ['a range after the boundary', () => ['run', '--from', '2022-01-01', '--to', '2022-02-01'], /--from 2022-01-01 is on or after the real-time boundary 2021-12-16/],
  ['an unknown processor', () => ['run', '--processors', 'PGS,NOPE'], /unknown table or processor "NOPE" \(known: PGS, TOGS/],
  ['a processor outside --phase', () => ['run', '--processors', 'PGS', '--phase', '4'], /--processors PGS not in --phase 4/],
  ['a bad --phase', () => ['run', '--phase', '5'], /--phase "5" must be 3 or 4/],
  ['--batch-size 0', () => ['run', '--batch-size', '0'], /--batch-size "0" is not a whole number between 1 and 400/],
  ['--batch-size -1', () => ['run', '--batch-size', '-1'], /--batch-size "-1" is not a whole number/],
  ['--batch-size abc', () => ['run', '--batch-size', 'abc'], /--batch-size "abc" is not a whole number/],
  ['--workers 1.5', () => ['run', '--workers', '1.5'], /--workers "1.5" is not a whole number/],
  ['an unknown --reprocess mode', () => ['run', '--reprocess', 'sometimes'], /--reprocess "sometimes" must be one of missing, failed, stale, all/],
  ['--stale with --reprocess all', () => ['run', '--stale', '--reprocess', 'all'], /--stale means --reprocess stale: it cannot be combined with --reprocess all/],
  ['--force with --reprocess stale', () => ['run', '--force', '--reprocess', 'stale', '--dry-run'], /--force means --reprocess all: it cannot be combined with --reprocess stale/],
  ['stale --from after --to', () => ['stale', '--from', '2021-12-10', '--to', '2021-12-01'], /--to 2021-12-01 is before --from 2021-12-10/],
  ['stale with an unknown table', () => ['stale', '--tables', 'PGS,NOPE'], /unknown table or processor "NOPE"/],
  ['an unknown table to roll back', () => ['rollback', '--tables', 'XYZ', '--from', '2021-11-01', '--to', '2021-11-02', '--yes'], /unknown table or processor "XYZ"/],
  ['rollback without a range', () => ['rollback', '--tables', 'PGS', '--yes'], /both --from and --to are required/],
  ['rollback into the daily pipeline\'s dates', () => ['rollback', '--tables', 'PGS', '--from', '2021-12-01', '--to', '2021-12-20', '--yes'], /--to 2021-12-20 is on or after the real-time boundary/],
  ['rollback without confirmation', () => ['rollback', '--tables', 'PGS', '--from', '2021-11-01', '--to', '2021-11-02'], /rollback needs confirmation: stdin is not a terminal, so pass --yes/],
  ['a malformed JSON config', () => ['--config', join(box.dir, 'malformed.json'), 'status'], /config .*malformed\.json is not valid JSON/],
  ['a schema-invalid config', () => ['--config', join(box.dir, 'invalid.json'), 'status'], /config .*invalid\.json: processors\.PGS\.batchSize: expected number to be >=1, got 0/],
  ['an unknown config key', () => ['--config', join(box.dir, 'unknown-key.json'), 'run'], /config .*unknown-key\.json: workerz: unknown key at the top level/],
  ['an impossible date in the config', () => ['--config', join(box.dir, 'bad-date.json'), 'status'], /config .*bad-date\.json: boundary: expected a real date in YYYY-MM-DD form, got "2021-13-01"/],
  ['a missing config file', () => ['--config', join(box.dir, 'absent.json'), 'status'], /cannot read config .*absent\.json: ENOENT/],
  ['a missing warehouse for status', () => ['--warehouse', missing(), 'status'], /no warehouse at .*missing\.duckdb: create the demo with `backfill demo`/],
  ['a missing warehouse for run', () => ['run', '--warehouse', missing()], /no warehouse at .*missing\.duckdb/],
  ['a missing warehouse for rollback', () => ['rollback', '--warehouse', missing(), '--tables', 'PGS', '--from', '2021-11-01', '--to', '2021-11-02', '--yes'], /no warehouse at .*missing\.duckdb/],
  ['an unknown option', () => ['run', '--frm', '2021-11-01'], /unknown option '--frm'/],
  ['an unknown command', () => ['stauts'], /unknown command 'stauts'/],
  ['a bad --log-format', () => ['--log-format', 'xml', 'run'], /--log-format.*xml.*(text|json)/],
];

describe('bad input: one line on stderr, exit 2, nothing written', () => {
  it.each(CASES)('%s', async (_what, args, message) => {
    const before = digest(box.warehouse);
    const usesDefaultConfig = !args().includes('--config');
    const result = await backfill(box, usesDefaultConfig ? ['--config', config, ...args()] : args());
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^backfill: /);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(digest(box.warehouse)).toBe(before);
    expect(existsSync(missing())).toBe(false);
    // No run was recorded or locked.
    expect(existsSync(box.stateDir) ? readdirSync(box.stateDir) : []).toEqual([]);
  });
});

/** 10 MB in a config file; an argument can hold at most 128 KiB (Linux's MAX_ARG_STRLEN), so 100 KB. */
const HUGE = 'x'.repeat(10_000_000);
const LONG_ARG = 'y'.repeat(100_000);
const GARBAGE = '\u0000\u0001\u001b[2J\u0007';

// [what, config content or null, args, the line must match]
const ECHOES: readonly [string, unknown, string[], RegExp][] = [
  ['a 10 MB value of a config key', {boundary: AS_OF, target: HUGE}, ['status'], /target: expected one of .*, got "x{80}…" \(10000000 characters\)/],
  ['a 10 MB config key', {boundary: AS_OF, [HUGE]: 1}, ['status'], /x{80}…: unknown key at the top level/],
  ['a 10 MB processor name in the config', {boundary: AS_OF, processors: {[HUGE]: {batchSize: 1}}}, ['status'], /processors\.x{80}…: unknown table or processor "x{80}…" \(10000000 characters\)/],
  ['a 10 MB warehouse path in the config', {boundary: AS_OF, warehouse: HUGE}, ['status'], /warehouse: expected string to have <=4096 characters, got "x{80}…"/],
  ['a 10 MB project id in the config (sql)', {boundary: AS_OF, project: HUGE}, ['sql', 'PGS', '--from', '2021-11-01', '--to', '2021-11-02', '--engine', 'bigquery'], /project "x{80}…" \(10000000 characters\) is not a BigQuery project id/],
  ['control characters in a config value', {boundary: AS_OF, start: `${GARBAGE}2021`}, ['status'], /start: expected a real date in YYYY-MM-DD form, got "\?\?\?\[2J\?2021"/],
  ['a long --batch-size', null, ['run', '--batch-size', LONG_ARG], /--batch-size "y{80}…" \(100000 characters\) is not a whole number/],
  ['a long --from', null, ['run', '--from', LONG_ARG], /--from "y{80}…" \(100000 characters\) is not a real date/],
  ['a long --phase', null, ['run', '--phase', LONG_ARG], /--phase "y{80}…" \(100000 characters\) must be 3 or 4/],
  ['a long --processors', null, ['run', '--processors', LONG_ARG], /unknown table or processor "y{80}…" \(100000 characters\)/],
  ['a long unknown option', null, ['run', `--${LONG_ARG}`], /unknown option '--y{77}…/],
  ['a long unknown command', null, [LONG_ARG], /unknown command 'y{80}…'/],
];

describe('echoed values are cut to 80 printable characters (15.9)', () => {
  it.each(ECHOES)('%s', async (what, content, args, message) => {
    let configArgs = ['--config', config];
    if (content !== null) {
      const file = join(box.dir, `echo-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(content));
      configArgs = ['--config', file];
    }
    const result = await backfill(box, [...configArgs, ...args]);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.length).toBeLessThan(500);
    expect(result.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(result.stdout).toBe('');
  });
});

