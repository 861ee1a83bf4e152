// One writer per warehouse: a lock file under --state-dir names the holder (pid, host, start
// time, range). A second console or a cron `backfill run` is refused with that name; a lock whose
// process is gone (crash, kill -9) is taken over.
import {createHash, randomBytes} from 'node:crypto';
import {linkSync, readFileSync, renameSync, unlinkSync, writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import type {DateRange} from '../dates.js';
import {WarehouseBusyError} from '../errors.js';
import {processExists} from '../processes.js';
import {clipped} from '../quote.js';
import {makeDirectory, writingStateDir} from './dir.js';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly warehouse: string;
  readonly range: DateRange | null;
  readonly runId: string | null;
}

export interface WarehouseLock {
  readonly holder: LockHolder;
  readonly file: string;
  /** Releases the lock if this process still holds it. */
  release(): void;
}

export function lockFilePath(stateDir: string, warehouseKey: string): string {
  const digest = createHash('sha256').update(warehouseKey).digest('hex').slice(0, 16);
  return join(stateDir, 'locks', `${digest}.lock`);
}

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder> | null;
    // Not a holder we wrote (damaged, or someone else's file): it names nobody, so it is stale.
    if (typeof holder?.pid !== 'number' || typeof holder.host !== 'string' || typeof holder.startedAt !== 'string') return null;
    return holder as LockHolder;
  } catch {
    return null; // gone, or half-written by a writer that died: treated as stale below
  }
}

/** Same host and the pid no longer exists. A lock from another host is never presumed dead. */
function isStale(holder: LockHolder | null): boolean {
  if (holder === null) return true;
  if (holder.host !== hostname()) return false;
  return !processExists(holder.pid);
}

/** The holder in a message; the lock file is only JSON on disk, so its strings are cut. */
export function describeHolder(holder: LockHolder): string {
  const range = holder.range ? `, range ${clipped(String(holder.range.start), 10)} → ${clipped(String(holder.range.end), 10)}` : '';
  return `pid ${holder.pid} on ${clipped(holder.host)}, started ${clipped(holder.startedAt, 30)}${range}`;
}

/**
 * Takes the warehouse's lock or throws WarehouseBusyError naming the holder.
 * Creation is O_EXCL; a stale lock is first renamed to a private name, so that of two processes
 * taking over the same stale lock only one succeeds, and a live lock renamed by mistake is put
 * back with link() (which never overwrites).
 */
export function acquireLock(stateDir: string, warehouseKey: string, info: {range: DateRange | null; runId: string | null}): WarehouseLock {
  const file = lockFilePath(stateDir, warehouseKey);
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    warehouse: warehouseKey,
    range: info.range,
    runId: info.runId,
  };
  // The lock appears whole or not at all: written aside, then linked into place (link never
  // overwrites). An O_EXCL create would show an empty file for a moment, which reads as stale.
  const draft = `${file}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  // An unwritable state dir is one line with what to do (StateDirError), not a raw EACCES.
  writingStateDir(stateDir, () => {
    makeDirectory(join(stateDir, 'locks'));
    writeFileSync(draft, JSON.stringify(holder), {mode: 0o600});
  });
  try {
    return takeLock(file, draft, holder, warehouseKey);
  } finally {
    unlinkSync(draft);
  }
}

function takeLock(file: string, draft: string, holder: LockHolder, warehouseKey: string): WarehouseLock {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      linkSync(draft, file);
      return makeLock(file, holder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readHolder(file);
    if (!isStale(current)) {
      throw new WarehouseBusyError(
        `the warehouse ${warehouseKey} is being written by another backfill (${describeHolder(current!)}); ` +
          'attach to it with `backfill attach` or wait for it to finish',
        current!.pid,
      );
    }
    const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(file, aside);
    } catch {
      continue; // another process moved it first: look again
    }
    const moved = readHolder(aside);
    if (moved && (!current || moved.pid !== current.pid || moved.startedAt !== current.startedAt)) {
      // A live lock was created between our read and our rename: put it back.
      try {
        linkSync(aside, file);
      } catch {
        // someone else holds the path now; the loop will report them
      }
    }
    unlinkSync(aside);
  }
  const current = readHolder(file);
  throw new WarehouseBusyError(
    `the warehouse ${warehouseKey} is locked${current ? ` by ${describeHolder(current)}` : ''}; try again`,
    current?.pid,
  );
}

function makeLock(file: string, holder: LockHolder): WarehouseLock {
  let released = false;
  return {
    holder,
    file,
    release() {
      if (released) return;
      released = true;
      const current = readHolder(file);
      if (current && current.pid === holder.pid && current.startedAt === holder.startedAt) {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      }
    },
  };
}

/** The current holder, if any and alive (for `status` and the console's "attach?" question). */
export function lockHolder(stateDir: string, warehouseKey: string): LockHolder | null {
  const current = readHolder(lockFilePath(stateDir, warehouseKey));
  return current && !isStale(current) ? current : null;
}
