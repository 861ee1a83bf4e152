// Notifications: a headless run calls --notify CMD (no shell) with each notification as one JSON
// line on its stdin, run-finished included; a failing command is logged and the run still exits
// 0; an empty --notify is bad input. The console rings the terminal (BEL + OSC 9) when a run of
// its session ends, unless BACKFILL_NO_NOTIFY says not to. Needs `npm run build` (the CLI part).
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {notificationFor} from '../src/notify/notification.js';
import {terminalAlert, terminalNotifyEnabled} from '../src/notify/terminal.js';
import {useTerminalAlerts} from '../src/ui/use-terminal-alerts.js';
import {FakeSession, runOf} from './support/fake-session.js';
import {backfill, demoSandbox, lines, type Sandbox} from './support/cli.js';

const AS_OF = '2021-10-31';

describe('--notify CMD', {timeout: 180_000}, () => {
  let box: Sandbox;
  let pristine: string;
  let script: string;

  beforeAll(async () => {
    ({box, pristine} = await demoSandbox(AS_OF, {seed: 7}));
    // Appends its stdin to the file named by its argument.
    script = join(box.dir, 'notify.mjs');
    writeFileSync(script, "import {appendFileSync} from 'node:fs'; let s = ''; process.stdin.on('data', (c) => (s += c)); process.stdin.on('end', () => appendFileSync(process.argv[2], s));\n");
  });
  afterAll(() => box?.cleanup());

  const run = (warehouse: string, notify: string) =>
    backfill(box, ['--config', join(box.dir, 'config.json'), '--warehouse', warehouse, '--log-format', 'json', 'run', '--from', '2021-10-19', '--processors', 'PGS', '--notify', notify]);

  it('a command that writes its stdin to a file receives a valid JSON run-finished line', async () => {
    const warehouse = join(box.dir, 'ok.duckdb');
    writeFileSync(warehouse, readFileSync(pristine));
    const out = join(box.dir, 'notified.jsonl');
    const result = await run(warehouse, `node ${script} ${out}`);
    expect(result.exitCode, result.stderr).toBe(0);
    const notifications = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    expect(notifications).toEqual([
      expect.objectContaining({event: 'run-finished', state: 'completed', warehouse, processor: null, batchesFailed: 0, message: expect.stringContaining('run completed')}),
    ]);
    expect(notifications[0].runId).toMatch(/^run-/);
    expect(notifications[0].datesDone).toBe(notifications[0].datesTotal);
  });

  it('a failing notify command is logged and the run still exits 0', async () => {
    const warehouse = join(box.dir, 'failing.duckdb');
    writeFileSync(warehouse, readFileSync(pristine));
    const result = await run(warehouse, 'false');
    expect(result.exitCode, result.stderr).toBe(0);
    const records = lines(result.stdout).map((line) => JSON.parse(line));
    expect(records).toContainEqual(expect.objectContaining({level: 'warn', event: 'notify', message: 'the notify command false failed on run-finished: exited with code 1; the run goes on'}));
    expect(records).toContainEqual(expect.objectContaining({event: 'run-finished', level: 'info'}));
  });

  it.each([[''], ['   ']])('--notify %j: one line, exit 2, nothing written', async (notify) => {
    const result = await run(join(box.dir, 'never.duckdb'), notify);
    expect(result.exitCode).toBe(2);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^backfill: --notify is empty: give the command to run/)]);
    expect(result.stdout).toBe('');
  });
});

function Alerts({session, enabled}: {readonly session: FakeSession; readonly enabled: boolean}) {
  useTerminalAlerts(session, enabled);
  return null;
}

describe('the console rings the terminal', () => {
  const finished = () => ({type: 'run-finished' as const, time: '2022-03-01T10:00:00Z', runId: 'run-1', state: 'completed' as const, snapshot: runOf({state: 'completed'})});

  it('BEL and OSC 9 when a run ends; a burst of failed batches rings once', async () => {
    const session = new FakeSession();
    const instance = render(<Alerts session={session} enabled />);
    const failed = (start: string) => ({type: 'batch-failed' as const, time: 't', runId: 'run-1', batch: {processor: 'player_game_summary' as const, start, end: start, dates: 1, attempt: 1}, error: 'boom'});
    session.emit(failed('2021-12-01'));
    session.emit(failed('2021-12-02'));
    session.emit(finished());
    await new Promise((resolve) => setTimeout(resolve, 20));
    const written = instance.frames.join('');
    expect(written).toContain(terminalAlert('backfill: PGS 2021-12-01..2021-12-01 failed: boom'));
    expect(written).not.toContain('2021-12-02');
    expect(written).toContain('\u0007\u001b]9;backfill: run completed, 0/270 dates, 0 failed batches\u0007');
    instance.unmount();
  });

  it('when a BigQuery run pauses on its budget, saying what it billed and how to go on', async () => {
    const session = new FakeSession();
    const instance = render(<Alerts session={session} enabled />);
    session.emit({type: 'budget-paused', time: 't', runId: 'run-1', budget: 2 * 2 ** 40, billed: 2 * 2 ** 40 + 2 ** 30, estimate: 2 ** 40});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(instance.frames.join('')).toContain(terminalAlert('backfill: paused on its budget: 2.0 TiB billed of 2.0 TiB; resume it to go on'));
    instance.unmount();
    expect(notificationFor({type: 'budget-paused', time: 't', runId: 'run-1', budget: 100, billed: 120, estimate: null}, 'bigquery:p-1')).toMatchObject({event: 'budget-paused', budget: 100, billed: 120, warehouse: 'bigquery:p-1'});
  });

  it('nothing when turned off', async () => {
    const session = new FakeSession();
    const instance = render(<Alerts session={session} enabled={false} />);
    session.emit(finished());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(instance.frames.join('')).not.toContain('\u0007');
    instance.unmount();
    expect(terminalNotifyEnabled({BACKFILL_NO_NOTIFY: '1'}, undefined)).toBe(false);
    expect(terminalNotifyEnabled({}, false)).toBe(false);
    expect(terminalNotifyEnabled({BACKFILL_NO_NOTIFY: ''}, undefined)).toBe(true);
  });
});
