// Event latency from the runner to an attached client while all ten processors run: a detached
// run (`backfill run --detach`, one game date per batch so events flow all along) on a mid-size
// demo warehouse (opener to BENCH_ATTACH_AS_OF, default 2022-01-31), a client joined with
// connectSession, and for each live event its `time` (set by the runner when it emits) against
// the time it arrives. Millisecond clocks of one machine: figures are ±1 ms. Demo creation untimed.
import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'backfill.js');
const dist = (path) => join(root, 'dist', path);
const AS_OF = process.env.BENCH_ATTACH_AS_OF ?? '2022-01-31';
const MAX_RUN_MS = 600_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => sorted(xs)[Math.floor(xs.length / 2)];
const p95 = (xs) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function run() {
  const {createDemoWarehouse} = await import(dist('demo/index.js'));
  const {connectSession} = await import(dist('attach/client.js'));
  const {socketPath} = await import(dist('attach/paths.js'));

  const dir = mkdtempSync(join(tmpdir(), 'bench-attach-'));
  const warehouse = join(dir, 'warehouse.duckdb');
  const stateDir = join(dir, 'state');
  const env = {...process.env, NO_COLOR: '1', XDG_DATA_HOME: join(dir, 'xdg-data'), XDG_STATE_HOME: join(dir, 'xdg-state'), XDG_CONFIG_HOME: join(dir, 'xdg-config')};
  let pid = 0;
  try {
    await createDemoWarehouse(warehouse, {asOf: AS_OF, seed: 7});
    const config = join(dir, 'config.json');
    execFileSync('sh', ['-c', `printf '%s' '{"boundary":"${AS_OF}"}' > "$1"`, 'sh', config]);
    const started = execFileSync(
      process.execPath,
      [bin, '--config', config, 'run', '--detach', '--warehouse', warehouse, '--state-dir', stateDir, '--from', '2021-10-19', '--batch-size', '1'],
      {env, encoding: 'utf8'},
    );
    pid = Number(/pid (\d+)/.exec(started)[1]);

    const session = await connectSession(socketPath(stateDir, warehouse));
    const latencies = [];
    const busy = new Set(); // processors seen finishing batches: "while ten processors run"
    session.subscribeEvents((event) => {
      latencies.push(Date.now() - Date.parse(event.time));
      if (event.type === 'batch-finished') busy.add(event.batch.processor);
    });
    const deadline = Date.now() + MAX_RUN_MS;
    while (!session.lostConnection && alive(pid) && Date.now() < deadline) await sleep(100);
    await session.close('detach');

    const lastState = session.getState().run?.state ?? 'unknown';
    return [
      {what: `events received while the run worked (${busy.size} processors, run ${lastState})`, figure: latencies.length, unit: 'events', target: '> 100, 10 processors, completed', pass: latencies.length > 100 && busy.size === 10 && lastState === 'completed'},
      {what: 'event latency runner → attached client, median', figure: median(latencies), unit: 'ms', target: '< 50 ms', pass: median(latencies) < 50},
      {what: 'event latency runner → attached client, p95', figure: p95(latencies), unit: 'ms', target: '< 250 ms', pass: p95(latencies) < 250},
    ];
  } finally {
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, {recursive: true, force: true});
  }
}
