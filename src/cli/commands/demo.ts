// `backfill demo [--as-of DATE] [--seed N] [--force]`: creates the embedded warehouse with the
// demo league (src/demo). Progress goes to stderr: a redrawn bar on a terminal, one line per step
// otherwise; the summary goes to stdout.
import {existsSync} from 'node:fs';
import {acquireLock, type WarehouseLock} from '../../state/lock.js';
import {parseIsoDate} from '../../dates.js';
import {createDemoWarehouse, DEFAULT_DEMO_SEED} from '../../demo/index.js';
import {UsageError} from '../../errors.js';
import {quoted} from '../../quote.js';
import {command} from '../command.js';

interface DemoFlags {
  readonly asOf?: string;
  readonly seed?: string;
  readonly force?: boolean;
}

export function parseSeed(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DEMO_SEED;
  const seed = /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed ${quoted(value)} is not an integer`);
  return seed;
}

/** A progress reporter for a stream: a redrawn bar on a terminal, a line per new step elsewhere. */
export function progressPrinter(stream: NodeJS.WriteStream): {report: (fraction: number, label: string) => void; done: () => void} {
  let lastLabel = '';
  if (stream.isTTY) {
    return {
      report(fraction, label) {
        const filled = Math.round(fraction * 30);
        stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${label.padEnd(32)}`);
      },
      done: () => stream.write('\n'),
    };
  }
  return {
    report(fraction, label) {
      if (label === lastLabel) return;
      lastLabel = label;
      stream.write(`demo: ${Math.round(fraction * 100)}% ${label}\n`);
    },
    done: () => undefined,
  };
}

export const demoCommand = command({
  name: 'demo',
  description: 'create the embedded DuckDB warehouse with realistic demo sources up to the day before --as-of',
  options: [
    ['--as-of <date>', 'games before this date are Final, later ones Scheduled (default: today)'],
    ['--seed <n>', `random seed: the same seed gives the same data (default: ${DEFAULT_DEMO_SEED})`],
    ['--force', 'replace an existing warehouse file'],
  ],
  async run(context, flags: DemoFlags) {
    const asOf = flags.asOf === undefined ? undefined : parseIsoDate(flags.asOf, '--as-of');
    const seed = parseSeed(flags.seed);
    const {warehouse} = context;
    if (warehouse.engine !== 'duckdb') throw new UsageError('backfill demo creates the embedded DuckDB warehouse: use it without --target bigquery');
    // --force must not pull the file from under a console or a run that has it open.
    let lock: WarehouseLock | null = null;
    if (flags.force && existsSync(warehouse.path)) {
      await (await context.openWarehouse()).close(); // DuckDB refuses a file another process holds
      lock = acquireLock(context.stateDir, warehouse.identity, {range: null, runId: null});
    }
    const progress = progressPrinter(process.stderr);
    try {
      const summary = await createDemoWarehouse(warehouse.path, {asOf, seed, force: flags.force === true, onProgress: progress.report});
      progress.done();
      const rows = Object.entries(summary.rows).map(([table, n]) => `${n} ${table}`).join(', ');
      context.out(
        `demo warehouse ${summary.path}: seasons ${summary.seasons[0]} to ${summary.seasons.at(-1)}, as of ${summary.asOf}, seed ${summary.seed}; ` +
          `${rows} rows in ${summary.seconds.toFixed(1)} s`,
      );
      return 0;
    } catch (error) {
      progress.done();
      throw error;
    } finally {
      lock?.release();
    }
  },
});
