// Digests of what a build read: one 64-bit value per (input, window of D), the XOR of a hash of
// each (input, date, version) it holds. XOR makes a window's digest a difference of two prefix
// values, so every window of every date of a season costs one pass over the season, and a build's
// record stays one short string however long its windows. A changed version of any date in the
// window changes the digest (a collision needs two 64-bit hashes to agree).
import type {ReadWindow} from '../catalog/reads.js';
import type {IsoDate} from '../dates.js';
import {previousSeason, type SeasonCalendar} from './calendar.js';

/** What an input held on a date (or, for a season-keyed source, in a season) when read. */
export type VersionOf = (input: string, key: string) => string;

/** Two 32-bit halves of a string hash (cyrb53's mixing, both halves kept). */
function hash64(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

const BYTE_HEX = Array.from({length: 256}, (_, i) => i.toString(16).padStart(2, '0'));
const hex = (n: number) => BYTE_HEX[n >>> 24] + BYTE_HEX[(n >>> 16) & 255] + BYTE_HEX[(n >>> 8) & 255] + BYTE_HEX[n & 255];

export class DigestIndex {
  /** Per `input\0season`: prefix XORs, two words per position (position 0 is the empty prefix). */
  private readonly prefixes = new Map<string, Uint32Array>();

  /**
   * `previous`: the index of an earlier read (a session's refresh): a season whose dates and
   * versions it had the same reuses its prefix instead of hashing it again.
   */
  constructor(
    private readonly calendar: SeasonCalendar,
    private readonly versionOf: VersionOf,
    private previous?: DigestIndex,
  ) {}

  /** Done with the earlier index: let it go (an index never holds more than one before it). */
  detach(): this {
    this.previous = undefined;
    return this;
  }

  private unchanged(input: string, season: string): Uint32Array | undefined {
    const old = this.previous;
    const words = old?.prefixes.get(`${input}\0${season}`);
    if (!old || !words) return undefined;
    const dates = this.calendar.dates(season);
    const before = old.calendar.dates(season);
    if (dates.length !== before.length) return undefined;
    for (let i = 0; i < dates.length; i++) {
      if (dates[i] !== before[i] || this.versionOf(input, dates[i]) !== old.versionOf(input, dates[i])) return undefined;
    }
    return words;
  }

  private prefix(input: string, season: string): Uint32Array {
    const key = `${input}\0${season}`;
    let words = this.prefixes.get(key) ?? this.unchanged(input, season);
    if (!words) {
      const dates = this.calendar.dates(season);
      words = new Uint32Array(2 * (dates.length + 1));
      for (let i = 0; i < dates.length; i++) {
        const [a, b] = hash64(`${input}|${dates[i]}|${this.versionOf(input, dates[i])}`);
        words[2 * i + 2] = words[2 * i] ^ a;
        words[2 * i + 3] = words[2 * i + 1] ^ b;
      }
    }
    this.prefixes.set(key, words);
    return words;
  }

  /** The digest of `input` over the (disjoint) windows of `date`. */
  digest(input: string, date: IsoDate, windows: readonly ReadWindow[]): string {
    // Called for every input of every record at each refresh: no allocation but the result.
    let a = 0;
    let b = 0;
    const position = this.calendar.positionOf(date);
    if (position === undefined) return hex(0) + hex(0);
    const {season, index: at} = position;
    for (const window of windows) {
      if (window === 'season-rows') {
        const [x, y] = hash64(`${input}|${season}|${this.versionOf(input, season)}`);
        a ^= x;
        b ^= y;
        continue;
      }
      const words = this.prefix(input, window === 'previous-season' ? previousSeason(season) : season);
      let from = 0;
      let to = at + 1;
      if (window === 'date') from = at;
      else if (window === 'season-before') to = at;
      else if (window === 'previous-season') to = words.length / 2 - 1;
      a ^= words[2 * to] ^ words[2 * from];
      b ^= words[2 * to + 1] ^ words[2 * from + 1];
    }
    return hex(a >>> 0) + hex(b >>> 0);
  }
}
