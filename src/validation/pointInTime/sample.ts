// Which game dates the point-in-time audit recomputes: a fixed number per season, drawn by a PRNG
// seeded from the season's own date list, so the same warehouse and range always audit the same
// dates (a failure can be re-checked) while different ranges audit different ones.
import type {IsoDate} from '../../dates.js';
import type {GameDate} from '../../queries/coverage.js';

export const AUDIT_DATES_PER_SEASON = 3;

/** FNV-1a over the text: a stable 32-bit seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: small, fast and good enough to spread a handful of picks. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Up to `perSeason` dates of each season among `dates`, sorted. */
export function auditDates(dates: readonly GameDate[], perSeason = AUDIT_DATES_PER_SEASON): IsoDate[] {
  const bySeason = new Map<string, IsoDate[]>();
  for (const g of dates) bySeason.set(g.season, [...(bySeason.get(g.season) ?? []), g.date]);
  const picked: IsoDate[] = [];
  for (const seasonDates of bySeason.values()) {
    const pool = [...seasonDates].sort();
    const next = prng(hash(pool.join(',')));
    const count = Math.min(perSeason, pool.length);
    for (let i = 0; i < count; i++) {
      picked.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
    }
  }
  return picked.sort();
}
