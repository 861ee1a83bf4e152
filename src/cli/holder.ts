// Who holds the warehouse file when this console cannot have it, found in milliseconds without
// opening it (the console process never loads DuckDB): the kernel's table of file locks names
// the pid holding DuckDB's lock (/proc/locks, Linux), and that process's command line says
// whether it is a backfill and which state dir it serves (its --state-dir, else its environment's
// BACKFILL_STATE_DIR or XDG default), which is where a console must look to reach it. Elsewhere
// (no /proc) nothing is found and the host's own refusal, which names the pid, is described.
import {readFileSync, readlinkSync, statSync} from 'node:fs';
import {basename, join, resolve} from 'node:path';

export interface FileHolder {
  readonly pid: number;
  /** Its command line, as the kernel has it (cut for messages). */
  readonly command: string;
  /** Set when it is a backfill: the state dir it serves (its socket and lock are there). */
  readonly stateDir: string | null;
  readonly isBackfill: boolean;
}

/** The pid holding a POSIX lock on `file` (DuckDB's write lock), from /proc/locks; null when none or unknown. */
export function lockingPid(file: string, locks = '/proc/locks'): number | null {
  let stat;
  let table: string;
  try {
    stat = statSync(file);
    table = readFileSync(locks, 'utf8');
  } catch {
    return null;
  }
  const dev = stat.dev;
  const major = ((dev >> 8) & 0xfff) | Math.floor(dev / 2 ** 32) & ~0xfff;
  const minor = (dev & 0xff) | ((dev >> 12) & ~0xff);
  for (const line of table.split('\n')) {
    // "1: POSIX  ADVISORY  WRITE 13533 fe:00:2146467 0 EOF" (a blocked waiter's line starts with "->").
    const m = /^\d+:\s+POSIX\s+\S+\s+\S+\s+(\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line);
    if (!m) continue;
    if (Number(m[4]) === stat.ino && parseInt(m[2], 16) === major && parseInt(m[3], 16) === minor) return Number(m[1]);
  }
  return null;
}

function readArgv(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return null;
  }
}

function readEnviron(pid: number): Record<string, string> {
  try {
    const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]);
    return Object.fromEntries(entries);
  } catch {
    return {};
  }
}

function cwdOf(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** A backfill's command line: node running bin/backfill.js, or an installed `backfill`. */
function isBackfillArgv(argv: readonly string[]): boolean {
  return argv.slice(0, 2).some((arg) => /(^|\/)backfill(\.js)?$/.test(arg) && basename(arg) !== 'node');
}

/** The state dir a backfill process serves, as its own command line and environment resolve it. */
function stateDirOf(pid: number, argv: readonly string[]): string | null {
  const cwd = cwdOf(pid);
  const at = (path: string) => (cwd ? resolve(cwd, path) : resolve(path));
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--state-dir' && argv[i + 1] !== undefined) return at(argv[i + 1]);
    if (argv[i].startsWith('--state-dir=')) return at(argv[i].slice('--state-dir='.length));
  }
  const env = readEnviron(pid);
  if (env.BACKFILL_STATE_DIR) return at(env.BACKFILL_STATE_DIR);
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'backfill');
  if (env.HOME) return join(env.HOME, '.local', 'state', 'backfill');
  return null;
}

/** What the process `pid` is, or null when it is gone (or not ours to look at). */
export function describeProcess(pid: number): FileHolder | null {
  const argv = readArgv(pid);
  if (!argv) return null;
  const isBackfill = isBackfillArgv(argv);
  const command = argv.join(' ').slice(0, 200);
  return {pid, command, isBackfill, stateDir: isBackfill ? stateDirOf(pid, argv) : null};
}

/** The holder of `file`'s lock, described; null when none is known. */
export function fileHolder(file: string): FileHolder | null {
  const pid = lockingPid(file);
  return pid === null || pid === process.pid ? null : describeProcess(pid);
}

/**
 * One line for the operator: who holds the warehouse and what reaches it. A backfill serving
 * another state dir is reached from that state dir; anything else must let go of the file.
 */
export function holderMessage(file: string, holder: FileHolder): string {
  if (holder.isBackfill && holder.stateDir) {
    const dir = holder.stateDir.includes(' ') ? `'${holder.stateDir}'` : holder.stateDir;
    return (
      `the warehouse ${file} is held by another backfill (pid ${holder.pid}: ${holder.command}) that serves the state dir ${holder.stateDir}; ` +
      `\`backfill --state-dir ${dir}\` (or \`backfill --state-dir ${dir} attach\`) reaches it, this state dir cannot`
    );
  }
  if (holder.isBackfill) return `the warehouse ${file} is held by another backfill (pid ${holder.pid}: ${holder.command}) whose state dir cannot be told; stop it or attach from its state dir`;
  return `the warehouse ${file} is held by pid ${holder.pid} (${holder.command}), which is not a backfill process: close it (or its connection), then run \`backfill\` again`;
}
