// Option values: ranges (defaults, the boundary clamp, refusals), whole numbers, table lists.
import {describe, expect, it} from 'vitest';
import {UsageError} from '../src/errors.js';
import {parsePhase, parsePositiveInt, requireRange, resolveRange, selectTables} from '../src/cli/options.js';

const defaults = {start: '2021-11-01', boundary: '2026-01-17'};

describe('resolveRange', () => {
  it('defaults to the configured start through the day before the boundary', () => {
    expect(resolveRange({}, defaults)).toEqual({range: {start: '2021-11-01', end: '2026-01-16'}});
  });

  it('clamps a --to on or after the boundary and says from what', () => {
    expect(resolveRange({from: '2025-12-01', to: '2026-01-17'}, defaults)).toEqual({range: {start: '2025-12-01', end: '2026-01-16'}, clampedFrom: '2026-01-17'});
    expect(resolveRange({to: '2030-01-01'}, defaults).range.end).toBe('2026-01-16');
    expect(resolveRange({to: '2026-01-16'}, defaults).clampedFrom).toBeUndefined();
  });

  it('refuses impossible dates, an inverted range and a start on or after the boundary', () => {
    expect(() => resolveRange({from: '2022-02-30'}, defaults)).toThrow(/--from "2022-02-30" is not a real date/);
    expect(() => resolveRange({from: '2022-03-01', to: '2022-02-01'}, defaults)).toThrow(/--to 2022-02-01 is before --from 2022-03-01/);
    expect(() => resolveRange({from: '2026-01-17'}, defaults)).toThrow(/on or after the real-time boundary 2026-01-17/);
    // A --to before the default start, without --from: the empty range is refused too.
    expect(() => resolveRange({to: '2021-10-20'}, defaults)).toThrow(UsageError);
  });

  it('requireRange needs both ends and never clamps', () => {
    expect(() => requireRange({from: '2022-01-01'})).toThrow(/both --from and --to are required/);
    expect(requireRange({from: '2022-01-01', to: '2030-01-01'})).toEqual({start: '2022-01-01', end: '2030-01-01'});
  });
});

describe('parsePositiveInt', () => {
  it.each(['0', '-1', 'abc', '1.5', '2x', '', ' ', '401'])('refuses %j', (value) => {
    expect(() => parsePositiveInt(value, '--batch-size', 400)).toThrow(/--batch-size ".*" is not a whole number between 1 and 400/);
  });
  it('accepts whole numbers in range and passes undefined through', () => {
    expect(parsePositiveInt('25', '--batch-size', 400)).toBe(25);
    expect(parsePositiveInt(undefined, '--workers')).toBeUndefined();
  });
});

describe('selectTables', () => {
  it('all ten by default, a phase, or a list in dependency order', () => {
    expect(selectTables(undefined, undefined)).toHaveLength(10);
    expect(selectTables(undefined, 4).map((t) => t.short)).toEqual(['TDZA', 'PSZA', 'PDC', 'PCF', 'MLFS']);
    expect(selectTables('mlfs,PGS,player_game_summary', undefined).map((t) => t.short)).toEqual(['PGS', 'MLFS']);
  });
  it('refuses unknown names, empty lists and names outside the phase', () => {
    expect(() => selectTables('PGS,NOPE', undefined)).toThrow(/unknown table or processor "NOPE"/);
    expect(() => selectTables('', undefined)).toThrow(/--processors is empty/);
    expect(() => selectTables('PGS,TDZA', 3)).toThrow(/--processors TDZA not in --phase 3/);
    expect(() => parsePhase('5')).toThrow(/--phase "5" must be 3 or 4/);
  });
});
