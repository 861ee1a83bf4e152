// The console attached to a full backfill, in a real pseudo-terminal (util-linux `script`) at
// 80×24: time to the first frame and to the live coverage (a first start, with no snapshot of the
// coverage yet, then a second one that draws the snapshot "as of" at once), key-to-frame latency
// while the run writes (j/k move the cursor, timed until the frame with the new selection
// arrives), frames per second, and the process's peak RSS (VmHWM) of the console and of its host
// (the background process that owns the warehouse and runs the backfill). The demo warehouse is
// created first and not timed.
import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'backfill.js');
const MAX_RUN_SECONDS = Number(process.env.BENCH_TUI_MAX_RUN_SECONDS ?? 600);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-tui-'));
  const env = {
    ...process.env,
    BACKFILL_WAREHOUSE: join(dir, 'warehouse.duckdb'),
    BACKFILL_STATE_DIR: join(dir, 'state'),
    XDG_DATA_HOME: join(dir, 'xdg-data'),
    XDG_STATE_HOME: join(dir, 'xdg-state'),
    XDG_CONFIG_HOME: join(dir, 'xdg-config'),
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
  };
  delete env.NO_COLOR;
  delete env.CI; // Ink draws nothing live under CI
  let child;
  try {
    execFileSync(process.execPath, [bin, 'demo'], {env, stdio: ['ignore', 'ignore', 'inherit']});

    let output = '';
    const spawnConsole = () => {
      output = '';
      const started = performance.now();
      const c = spawn('script', ['-qfec', `stty rows 24 cols 80; exec ${JSON.stringify(process.execPath)} ${process.env.BENCH_TUI_NODE_FLAGS ?? ""} ${JSON.stringify(bin)}`, '/dev/null'], {
        env,
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      c.stdout.setEncoding('utf8');
      // Each marker's first time, judged on everything written so far (a frame may span chunks):
      // the cached grid says "coverage as of" in its status bar; the live one is a grid drawn after
      // the last status bar that said so.
      const seen = {};
      c.stdout.on('data', (chunk) => {
        output += chunk;
        const at = (performance.now() - started) / 1000;
        const mark = (name, hit) => hit && seen[name] === undefined && (seen[name] = at);
        mark('frame', output.includes('backfill '));
        mark('cached', output.includes('coverage as of') && output.includes('Phase 3'));
        const status = output.lastIndexOf('no run yet');
        mark('live', status > output.lastIndexOf('coverage as of') && output.indexOf('Phase 3', status) > 0);
      });
      return {child: c, seen, exited: new Promise((resolve) => c.on('exit', resolve))};
    };
    const untilSeen = async (what, seen, name, timeoutMs) => {
      const deadline = performance.now() + timeoutMs;
      while (seen[name] === undefined) {
        if (performance.now() > deadline) throw new Error(`tui bench: timed out waiting for ${what}; last output: ${JSON.stringify(output.slice(-600))}`);
        await sleep(2);
      }
      return seen[name];
    };

    // A first start: no snapshot of the coverage yet, so the frame says it is reading it.
    const first = spawnConsole();
    const firstFrameCold = await untilSeen('the first frame (no snapshot)', first.seen, 'frame', 60_000);
    const liveCold = await untilSeen('the live coverage (no snapshot)', first.seen, 'live', 60_000);
    await sleep(300);
    first.child.stdin.write('q');
    const firstExit = await Promise.race([first.exited, sleep(20_000).then(() => 'timeout')]);
    if (firstExit === 'timeout') throw new Error(`tui bench: the first console did not exit after q; last output: ${JSON.stringify(output.slice(-400))}`);
    // Its host lets go of the warehouse (else the second console would join it, live at once).
    const hostAlive = () => {
      try {
        execFileSync('pgrep', ['-f', `${env.BACKFILL_STATE_DIR} host`]);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 150 && hostAlive(); i++) await sleep(100);

    // The second start draws the snapshot the first one kept, then the live coverage in place.
    const second = spawnConsole();
    child = second.child;
    const exited = second.exited;
    const firstFrameCached = await untilSeen('the cached first frame', second.seen, 'cached', 60_000);
    const liveCached = await untilSeen('the live coverage', second.seen, 'live', 60_000);
    const until = async (what, predicate, timeoutMs) => {
      const deadline = performance.now() + timeoutMs;
      while (!predicate()) {
        if (performance.now() > deadline) throw new Error(`tui bench: timed out waiting for ${what}; last output: ${JSON.stringify(output.slice(-600))}`);
        await sleep(2);
      }
    };
    const press = (key) => child.stdin.write(key);
    const nodePid = execFileSync('pgrep', ['-P', String(child.pid)], {encoding: 'utf8'}).trim().split('\n')[0];
    // The console's host: the background process that owns the warehouse and runs the backfill.
    const hostPid = execFileSync('pgrep', ['-f', `${env.BACKFILL_STATE_DIR} host`], {encoding: 'utf8'}).trim().split('\n')[0];
    const vmHwm = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
    const peakRss = () => vmHwm(nodePid);
    await sleep(1000);
    const idleRssMb = peakRss();

    // Key-to-frame with nothing running: the console's own cost, the floor of the figure below.
    const idleLatencies = [];
    for (let i = 0; i < 10; i++) {
      const next = i % 2 === 0 ? 'TOGS' : 'PGS';
      const from = output.length;
      const sent = performance.now();
      press(next === 'TOGS' ? 'j' : 'k');
      const pattern = new RegExp(`Selection: \\w{3}\\d\\d ${next} \\(cursor\\)`);
      await until('the frame after a key', () => pattern.test(output.slice(from)), 5000);
      idleLatencies.push(performance.now() - sent);
      await sleep(150);
    }

    // Every month, every table: m at the first month, end, s.
    press('m');
    await sleep(200);
    press('\u001B[F');
    await sleep(200);
    const selectionAt = output.length;
    press('s');
    await until('the start confirmation', () => output.indexOf('y: start', selectionAt) >= 0, 30_000);
    press('y');
    await until('the run to start', () => output.indexOf('run running', selectionAt) >= 0, 60_000);
    const runStarted = performance.now();
    const framesAtStart = output.split('Selection: ').length;
    press('x'); // clear the selection: the label follows the cursor from now on
    await until('the cursor selection', () => output.lastIndexOf('PGS (cursor)') > selectionAt, 10_000);

    const latencies = [];
    let row = 'PGS';
    const finished = () => /Run (completed|failed|cancelled)/.test(output.slice(-4000));
    while (!finished() && (performance.now() - runStarted) / 1000 < MAX_RUN_SECONDS) {
      const next = row === 'PGS' ? 'TOGS' : 'PGS';
      const from = output.length;
      const sent = performance.now();
      press(next === 'TOGS' ? 'j' : 'k');
      const pattern = new RegExp(`Selection: \\w{3}\\d\\d ${next} \\(cursor\\)`);
      try {
        await until(`the frame after a key`, () => pattern.test(output.slice(from)) || finished(), 5000);
      } catch {
        latencies.push(5000);
        continue;
      }
      if (!finished()) latencies.push(performance.now() - sent);
      row = next;
      await sleep(250);
    }
    const runSeconds = (performance.now() - runStarted) / 1000;
    const frames = output.split('Selection: ').length - framesAtStart;
    const completed = /Run completed/.test(output.slice(-4000));

    const peakRssMb = peakRss();
    const hostRssMb = vmHwm(hostPid);

    // Leave: q (and cancel if the run is still going).
    press('\u001B');
    await sleep(200);
    press('q');
    await sleep(500);
    if (!completed) press('c');
    const code = await Promise.race([exited, sleep(60_000).then(() => 'timeout')]);
    const leaving = code === 0 ? '' : `exit ${code}; last output: ${JSON.stringify(output.slice(-400))}`;

    return [
      {what: 'time to first frame, from process start (the coverage snapshot, "as of")', figure: firstFrameCached, unit: 's', target: '<= 0.5 s', pass: firstFrameCached <= 0.5},
      {what: 'time to live coverage (host started, warehouse open, coverage read)', figure: liveCached, unit: 's', target: '', pass: null},
      {what: 'first start, no snapshot yet: time to first frame ("reading coverage")', figure: firstFrameCold, unit: 's', target: '<= 0.5 s', pass: firstFrameCold <= 0.5},
      {what: 'first start, no snapshot yet: time to live coverage', figure: liveCold, unit: 's', target: '', pass: null},
      {what: `key-to-frame latency, no run, median of ${idleLatencies.length}`, figure: median(idleLatencies), unit: 'ms', target: '', pass: null},
      {what: `key-to-frame latency while running, median of ${latencies.length}`, figure: median(latencies), unit: 'ms', target: '< 100 ms', pass: median(latencies) < 100},
      {what: 'key-to-frame latency while running, p95', figure: p95(latencies), unit: 'ms', target: '', pass: null},
      {what: 'frames per second while running (updates coalesced to 10/s, maxFps 30)', figure: frames / runSeconds, unit: 'fps', target: '<= 15', pass: frames / runSeconds <= 15},
      {what: 'peak RSS with the console open, before the run (VmHWM)', figure: idleRssMb, unit: 'MB', target: '', pass: null},
      {what: 'peak RSS of the console process during the run (VmHWM)', figure: peakRssMb, unit: 'MB', target: '< 300 MB', pass: peakRssMb < 300},
      {what: 'peak RSS of the host process that runs the backfill (DuckDB, runner)', figure: hostRssMb, unit: 'MB', target: '', pass: null},
      {what: `full backfill under the console (${completed ? 'completed' : 'cut short'})`, figure: runSeconds, unit: 's', target: '', pass: completed ? null : false},
      {what: 'console exit code after q', figure: typeof code === 'number' ? code : NaN, unit: '', target: '0', pass: code === 0, ...(leaving ? {note: leaving} : {})},
    ];
  } finally {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, {recursive: true, force: true});
  }
}
