// Processes that outlive the terminal: `backfill run --detach` and the console's host. Each is the
// same program re-started in its own session (no SIGHUP when the SSH connection drops), headless,
// its lines appended to a log file in the state dir; the caller waits until it serves the
// warehouse's socket, or learns why it exited.
import {spawn} from 'node:child_process';
import {closeSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync} from 'node:fs';
import {join} from 'node:path';
import {socketForContext} from '../attach/paths.js';
import {isSocketLive} from '../attach/server.js';
import type {CliContext} from './context.js';

/** How long to wait for the background process to answer on its socket before reporting anyway. */
const READY_TIMEOUT_MS = 60_000;
/** Console hosts start one log each; the newest are kept. */
const HOST_LOGS_KEPT = 20;

function backgroundLogPath(stateDir: string, kind: 'run' | 'console', now = new Date()): string {
  return join(stateDir, 'logs', `${kind}-${now.toISOString().replace(/[-:]/g, '').replace('.', '')}.log`);
}

function lastLine(file: string): string {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.at(-1) ?? '';
}

function pruneLogs(dir: string, kind: string, keep: number): void {
  const logs = readdirSync(dir).filter((name) => name.startsWith(`${kind}-`)).sort();
  for (const name of logs.slice(0, Math.max(0, logs.length - keep))) unlinkSync(join(dir, name));
}

export interface Background {
  readonly pid: number;
  readonly log: string;
  /** Set when the process exited before it served the socket (its last log line says why). */
  readonly failed: {readonly code: number; readonly reason: string} | null;
}

/** Starts `node <this script> ARGS` in the background and waits until it serves the socket. */
export async function startInBackground(context: CliContext, args: readonly string[], kind: 'run' | 'console', argv: readonly string[] = process.argv): Promise<Background> {
  const [node, script] = argv;
  const logs = join(context.stateDir, 'logs');
  mkdirSync(logs, {recursive: true, mode: 0o700});
  if (kind === 'console') pruneLogs(logs, kind, HOST_LOGS_KEPT - 1);
  const log = backgroundLogPath(context.stateDir, kind);
  const fd = openSync(log, 'a', 0o600);
  const child = spawn(node, [script, ...args], {detached: true, stdio: ['ignore', fd, fd], env: context.env});
  closeSync(fd);
  let exitCode: number | null = null;
  child.on('exit', (code) => (exitCode = code ?? 1));
  child.unref();

  const socket = socketForContext(context);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && exitCode === null && !(await isSocketLive(socket))) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const failed = exitCode !== null && exitCode !== 0 ? {code: exitCode as number, reason: lastLine(log)} : null;
  return {pid: child.pid ?? 0, log, failed};
}

/** `backfill run --detach`: the same command, headless, in the background. */
export async function detachRun(context: CliContext, argv: readonly string[] = process.argv): Promise<number> {
  const args = [...argv.slice(2).filter((a) => a !== '--detach'), '--no-tty'];
  const {pid, log, failed} = await startInBackground(context, args, 'run', argv);
  if (failed) {
    context.err(`the background run exited with code ${failed.code}: ${failed.reason} (log: ${log})`);
    return failed.code;
  }
  context.out(`started the run in the background: pid ${pid}`);
  context.out(`log: ${log}`);
  context.out('watch it with `backfill attach` (q leaves it running) or `tail -f` the log; stop it with `kill ' + pid + '` (resumable)');
  return 0;
}
