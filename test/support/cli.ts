// Runs the BUILT command line (bin/backfill.js → dist/) as a child process, the way cron jobs and
// scripts call it: stdout and stdin are pipes, so it runs headless. `npm test` builds first; when
// running one file by hand, run `npm run build` before.
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {execa, type ResultPromise} from 'execa';
import {createDemoWarehouse} from '../../src/demo/index.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'backfill.js');

export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');
}

export interface Sandbox {
  readonly dir: string;
  readonly warehouse: string;
  readonly stateDir: string;
  readonly env: Record<string, string>;
  cleanup(): void;
}

/** A temp dir holding the warehouse path, the state dir and XDG homes, so nothing touches ~. */
export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'backfill-cli-'));
  const warehouse = join(dir, 'warehouse.duckdb');
  const stateDir = join(dir, 'state');
  return {
    dir,
    warehouse,
    stateDir,
    env: {
      BACKFILL_WAREHOUSE: warehouse,
      BACKFILL_STATE_DIR: stateDir,
      XDG_DATA_HOME: join(dir, 'xdg-data'),
      XDG_STATE_HOME: join(dir, 'xdg-state'),
      XDG_CONFIG_HOME: join(dir, 'xdg-config'),
      NO_COLOR: '1',
    },
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  };
}

/** A sandbox with a demo warehouse (`pristine`, copied by each test) and a config whose boundary is its as-of. */
export interface DemoSandbox {
  readonly box: Sandbox;
  readonly pristine: string;
  readonly config: string;
}

/** For a file's beforeAll: checks the build, then makes the sandbox and its demo warehouse once. */
export async function demoSandbox(asOf: string, options: {readonly seed?: number} = {}): Promise<DemoSandbox> {
  assertBuilt();
  const box = sandbox();
  const pristine = join(box.dir, 'pristine.duckdb');
  await createDemoWarehouse(pristine, {asOf, ...options});
  const config = join(box.dir, 'config.json');
  writeFileSync(config, JSON.stringify({boundary: asOf}));
  return {box, pristine, config};
}

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `backfill ...args` to completion; never throws on a non-zero exit. */
export async function backfill(box: Sandbox, args: readonly string[], options: {env?: Record<string, string>; input?: string} = {}): Promise<CliResult> {
  const result = await execa('node', [BIN, ...args], {
    cwd: box.dir,
    env: {...box.env, ...options.env},
    extendEnv: true,
    reject: false,
    input: options.input ?? '',
    timeout: 120_000,
  });
  return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)};
}

/** Starts `backfill ...args` and returns the live child (for signals). */
export function spawnBackfill(box: Sandbox, args: readonly string[], env: Record<string, string> = {}): ResultPromise {
  return execa('node', [BIN, ...args], {cwd: box.dir, env: {...box.env, ...env}, reject: false, stdin: 'ignore', buffer: true});
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}
