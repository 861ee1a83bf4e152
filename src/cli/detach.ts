// `backfill run --detach`: the same command re-started in the background, in its own session (no
// SIGHUP when the SSH connection drops), headless, its lines appended to a log file in the state
// dir. Returns once the child serves its socket (or failed), with its pid, log and how to attach.
import {spawn} from 'node:child_process';
import {closeSync, mkdirSync, openSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {socketForContext} from '../attach/paths.js';
import {isSocketLive} from '../attach/server.js';
import type {CliContext} from './context.js';

/** How long to wait for the background run to answer on its socket before reporting anyway. */
const READY_TIMEOUT_MS = 60_000;

export function detachedLogPath(stateDir: string, now = new Date()): string {
  return join(stateDir, 'logs', `run-${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}.log`);
}

function lastLine(file: string): string {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.at(-1) ?? '';
}

export async function detachRun(context: CliContext, argv: readonly string[] = process.argv): Promise<number> {
  const [node, script, ...args] = argv;
  const childArgs = [...args.filter((a) => a !== '--detach'), '--no-tty'];
  const log = detachedLogPath(context.stateDir);
  mkdirSync(join(context.stateDir, 'logs'), {recursive: true, mode: 0o700});
  const fd = openSync(log, 'a', 0o600);
  const child = spawn(node, [script, ...childArgs], {detached: true, stdio: ['ignore', fd, fd], env: context.env});
  closeSync(fd);
  let exitCode: number | null = null;
  child.on('exit', (code) => (exitCode = code ?? 1));
  child.unref();

  const socket = socketForContext(context);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && exitCode === null && !(await isSocketLive(socket))) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (exitCode !== null && exitCode !== 0) {
    context.err(`the background run exited with code ${exitCode}: ${lastLine(log)} (log: ${log})`);
    return exitCode;
  }
  context.out(`started the run in the background: pid ${child.pid}`);
  context.out(`log: ${log}`);
  context.out('watch it with `backfill attach` (q leaves it running) or `tail -f` the log; stop it with `kill ' + child.pid + '` (resumable)');
  return 0;
}
