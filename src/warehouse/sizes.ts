// Byte sizes as operators write them (`2TB`, `500GB`, `10MiB`, `1.5 TiB`) and as the console prints
// them. The --budget and --max-bytes-per-job options and their config keys parse with parseSize.
// Units: B; KB MB GB TB PB are powers of 1000 (what a disk or a quota form says), KiB MiB GiB TiB
// PiB powers of 1024 (what BigQuery bills: $6.25 per TiB). Case does not matter; a bare number
// is bytes.
import {UsageError} from '../errors.js';

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, pb: 1e15,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, pib: 2 ** 50,
};

const SIZE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i;

/**
 * Bytes in `text` (rounded down to a whole byte), or a UsageError whose one line names `what`
 * (e.g. `--budget`), the value and the expected form. Zero, negative and unit-less fractions are
 * refused: a cap of 0 would mean "no cap" to BigQuery, the opposite of what was asked.
 */
export function parseSize(text: string, what: string): number {
  const match = SIZE.exec(text);
  const unit = match ? (match[2] || 'b').toLowerCase() : '';
  if (!match || !(unit in UNITS)) {
    throw new UsageError(`${what} "${text}" is not a size: give a number and a unit, e.g. 500GB, 2TB or 10MiB (B, KB, MB, GB, TB, PB; KiB ... PiB)`);
  }
  const bytes = Math.floor(Number(match[1]) * UNITS[unit]);
  if (bytes < 1) throw new UsageError(`${what} "${text}" is less than one byte: give a positive size, e.g. 500GB`);
  if (!Number.isSafeInteger(bytes)) throw new UsageError(`${what} "${text}" is too large: at most ${formatBytes(Number.MAX_SAFE_INTEGER)}`);
  return bytes;
}

/** '1.5 GiB' */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
