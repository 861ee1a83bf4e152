// The state dir as a place to write: created only by a command that is about to act (reading
// state never creates it), and every way it can fail said in one line with what to do (exit 2),
// instead of a raw EACCES or ENOTDIR. Node's recursive mkdir reports ENOENT on a read-only file
// system, so directories are made one level at a time to keep the real reason.
import {randomBytes} from 'node:crypto';
import {mkdirSync, statSync, unlinkSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {UsageError} from '../errors.js';

/** The state dir cannot be written: bad configuration (exit 2), not a failed run. */
export class StateDirError extends UsageError {}

const ELSEWHERE = 'or point --state-dir (or BACKFILL_STATE_DIR) at a directory this user can write';

/** The nearest existing ancestor of `path` (itself included) that is not a directory, if any. */
function fileInTheWay(path: string): string | null {
  for (let at = path; ; at = dirname(at)) {
    try {
      return statSync(at).isDirectory() ? null : at;
    } catch {
      if (dirname(at) === at) return null;
    }
  }
}

/** The one line for a file-system error met while writing `target` under the state dir. */
export function stateDirError(stateDir: string, error: unknown): StateDirError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const where = `the state dir ${stateDir}`;
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST': {
      const file = fileInTheWay(stateDir);
      const what = file === stateDir || file === null ? 'is a file, not a directory' : `cannot be created: ${file} is a file, not a directory`;
      return new StateDirError(`${where} ${what}: remove or rename it, ${ELSEWHERE}`);
    }
    case 'EACCES':
    case 'EPERM':
      return new StateDirError(`${where} is not writable by this user (${code}): fix its permissions, ${ELSEWHERE}`);
    case 'EROFS':
      return new StateDirError(`${where} is on a read-only file system: ${ELSEWHERE.replace(/^or /, '')}`);
    case 'ENOSPC':
    case 'EDQUOT':
      return new StateDirError(`the disk holding ${where} is full (${code}): free some space, ${ELSEWHERE}`);
    default: {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      return new StateDirError(`cannot write ${where} (${code ?? reason}): ${ELSEWHERE.replace(/^or /, '')}`);
    }
  }
}

/** mkdir -p, owner-only for what it creates, one level at a time (see the header). */
export function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, {mode: 0o700});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
    makeDirectory(dirname(dir));
    makeDirectory(dir);
  }
}

/**
 * For a command about to act: the state dir exists and takes a file, else a StateDirError that
 * says why and what to do. A probe file is written and removed: permissions, read-only mounts,
 * immutable directories and quotas all show up there, whoever runs it (root included).
 */
export function prepareStateDir(stateDir: string): void {
  const probe = join(stateDir, `.write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    makeDirectory(stateDir);
    writeFileSync(probe, '', {mode: 0o600});
    unlinkSync(probe);
  } catch (error) {
    throw stateDirError(stateDir, error);
  }
}

/** Runs a write under the state dir, turning a file-system error into the one-line StateDirError. */
export function writingStateDir<T>(stateDir: string, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (error instanceof StateDirError || typeof (error as NodeJS.ErrnoException)?.code !== 'string') throw error;
    throw stateDirError(stateDir, error);
  }
}
