// Sizes as operators type them (--budget 2TB, --max-bytes-per-job 500GB): SI units are powers of
// 1000, IEC units powers of 1024; anything else is refused with one line naming the option.
import {describe, expect, it} from 'vitest';
import {UsageError} from '../src/errors.js';
import {formatBytes, parseSize} from '../src/warehouse/sizes.js';

describe('parseSize', () => {
  it.each([
    ['2TB', 2e12],
    ['500GB', 5e11],
    ['10MiB', 10 * 2 ** 20],
    ['1.5 TiB', 1.5 * 2 ** 40],
    ['1.5tib', 1.5 * 2 ** 40],
    ['750 kb', 750_000],
    ['1PB', 1e15],
    ['2 GiB', 2 * 2 ** 30],
    ['1048576', 1_048_576],
    ['12B', 12],
    ['.5GB', 5e8],
    ['1.0000000001 B', 1],
  ])('%j is %d bytes', (text, bytes) => {
    expect(parseSize(text, '--budget')).toBe(bytes);
  });

  it.each([
    ['2XB', /^--budget "2XB" is not a size: give a number and a unit, e\.g\. 500GB, 2TB or 10MiB/],
    ['TB', /is not a size/],
    ['', /is not a size/],
    ['-5GB', /is not a size/],
    ['1e3GB', /is not a size/],
    ['5 G B', /is not a size/],
    ['0', /^--budget "0" is less than one byte: give a positive size/],
    ['0.4B', /less than one byte/],
    ['9000PB', /^--budget "9000PB" is too large/],
  ])('refuses %j with one line', (text, message) => {
    let thrown: unknown;
    try {
      parseSize(text, '--budget');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message.split('\n')).toHaveLength(1);
  });

  it('names the option it parses for', () => {
    expect(() => parseSize('lots', '--max-bytes-per-job')).toThrow(/^--max-bytes-per-job "lots" is not a size/);
  });
});

describe('formatBytes', () => {
  it('prints binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(10 * 2 ** 20)).toBe('10.0 MiB');
    expect(formatBytes(2e12)).toBe('1.8 TiB');
  });
});
