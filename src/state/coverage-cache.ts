// The last coverage a console saw of each warehouse, so that the next console draws its grid at
// once (marked "as of HH:MM") instead of waiting for the host to open the warehouse and count.
// One small JSON file per warehouse under `coverage/` in the state dir, written atomically (a temp
// file renamed over it) and never more than MAX_SNAPSHOTS of them (the oldest go). It is a cache:
// reading a missing, corrupt or foreign file gives nothing, and a state dir that cannot be written
// (read-only, full) only costs the next console its instant grid.
import {createHash, randomBytes} from 'node:crypto';
import {readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {CoverageSnapshot} from '../runner/types.js';
import {makeDirectory} from './dir.js';

/** Warehouses remembered at most (one file each). */
export const MAX_SNAPSHOTS = 16;

interface SnapshotFile {
  readonly v: 1;
  readonly warehouse: string;
  readonly savedAt: string;
  readonly coverage: CoverageSnapshot;
}

function snapshotDir(stateDir: string): string {
  return join(stateDir, 'coverage');
}

export function snapshotFile(stateDir: string, warehouseKey: string): string {
  const digest = createHash('sha256').update(warehouseKey).digest('hex').slice(0, 16);
  return join(snapshotDir(stateDir), `${digest}.json`);
}

function isCoverage(value: unknown): value is CoverageSnapshot {
  const c = value as Partial<CoverageSnapshot> | null;
  return (
    typeof c === 'object' && c !== null && typeof c.takenAt === 'string' && typeof c.range?.start === 'string' && typeof c.range?.end === 'string' &&
    Array.isArray(c.gameDates) && typeof c.covered === 'object' && c.covered !== null && Object.values(c.covered).every(Array.isArray)
  );
}

/** The last coverage saved for this warehouse, or null (none yet, unreadable, or another's). */
export function loadCoverageSnapshot(stateDir: string, warehouseKey: string): CoverageSnapshot | null {
  try {
    const file = JSON.parse(readFileSync(snapshotFile(stateDir, warehouseKey), 'utf8')) as Partial<SnapshotFile>;
    return file.v === 1 && file.warehouse === warehouseKey && isCoverage(file.coverage) ? file.coverage : null;
  } catch {
    return null;
  }
}

/** Saves the coverage for the next console; false when the state dir did not take it (said nowhere: it is a cache). */
export function saveCoverageSnapshot(stateDir: string, warehouseKey: string, coverage: CoverageSnapshot): boolean {
  const file = snapshotFile(stateDir, warehouseKey);
  const temp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    makeDirectory(snapshotDir(stateDir));
    const content: SnapshotFile = {v: 1, warehouse: warehouseKey, savedAt: new Date().toISOString(), coverage};
    writeFileSync(temp, JSON.stringify(content), {mode: 0o600});
    renameSync(temp, file);
    pruneSnapshots(stateDir);
    return true;
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // never written
    }
    return false;
  }
}

/** Keeps the MAX_SNAPSHOTS most recently saved files. */
function pruneSnapshots(stateDir: string): void {
  const dir = snapshotDir(stateDir);
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({name, at: statSync(join(dir, name)).mtimeMs}))
    .sort((a, b) => b.at - a.at);
  for (const {name} of files.slice(MAX_SNAPSHOTS)) unlinkSync(join(dir, name));
}
