// The command line (SPEC §4 is the contract): global options, then one module per subcommand.
import {Command, CommanderError, Option} from 'commander';
import {UsageError} from '../errors.js';
import {markWorkStarted} from '../headless/signals.js';
import {PRIORITIES} from '../limits.js';
import {clipped} from '../quote.js';
import {describeError} from '../warehouse/errors.js';
import {createContext, type CliContext, type GlobalOptions} from './context.js';
import {consoleCommand} from './commands/console.js';

/** Each subcommand module adds itself to the program; `context()` resolves the global options. */
export interface CommandModule {
  register(program: Command, run: (action: (context: CliContext) => Promise<number>) => Promise<void>): void;
}

/** `backfill status | head`: a reader that goes away is not an error worth a stack trace. */
function ignoreClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** Global options that take a value (the console's fast path skips them and their values). */
const VALUE_OPTIONS = new Set(['--warehouse', '--target', '--project', '--location', '--config', '--state-dir', '--log-format', '--notify']);

/**
 * True when the command line names no subcommand (and asks no help): the console. It then loads
 * none of the other commands' modules (DuckDB, the processors' SQL, validation): the first frame
 * waits for nothing it does not draw.
 */
export function opensConsole(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return false;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!(arg.startsWith('--') && VALUE_OPTIONS.has(arg.slice(0, arg.indexOf('='))))) {
      if (arg !== '--no-tty') return false; // a subcommand, a stray word, --help, -V, an unknown option
    }
  }
  return true;
}

/** A last bound on any one-line message: values are cut where they are quoted, this catches the rest. */
const MESSAGE_MAX = 1000;

/**
 * commander's message as one line; it quotes what was typed (`unknown option '--x'`), so each
 * word is cut like any echoed value: a 10 MB argument is not a 10 MB line.
 */
function parseErrorLine(text: string): string {
  return text
    .trim()
    .replace(/^error: /, '')
    .split(/\s+/)
    .map((word) => clipped(word))
    .join(' ')
    .slice(0, MESSAGE_MAX);
}

export async function main(argv: readonly string[]): Promise<number> {
  ignoreClosedStdout();
  let exitCode = 0;
  const program = new Command('backfill')
    .description('Plan, run, watch and validate the NBA warehouse backfill')
    .addOption(new Option('--warehouse <file>', 'DuckDB warehouse file (env BACKFILL_WAREHOUSE)'))
    .addOption(new Option('--target <engine>', 'warehouse engine').choices(['duckdb', 'bigquery']))
    .option('--project <id>', 'BigQuery project')
    .option('--location <loc>', 'BigQuery location')
    .option('--config <file>', 'configuration file (JSON)')
    .option('--state-dir <dir>', 'where run state lives (env BACKFILL_STATE_DIR)')
    .option('--max-bytes-per-job <size>', "BigQuery: every job's maximumBytesBilled, e.g. 500GB (default: its dry-run estimate x 1.5)")
    .addOption(new Option('--priority <priority>', 'BigQuery: job priority (batch waits for idle slots)').choices(PRIORITIES))
    .option('--no-tty', 'no console: log lines only (automatic when stdout is not a terminal)')
    .addOption(new Option('--log-format <format>', 'headless log lines').choices(['text', 'json']).default('text'))
    .option('--notify <command>', 'run, headless or hosting, this command (no shell) when a run ends or a batch fails: one JSON line on its stdin')
    // Global options are accepted after the subcommand too (`backfill status --warehouse x`):
    // commander recognises program options anywhere unless positional options are enabled.
    .exitOverride()
    // Parse errors are one line, like every other bad input.
    .configureOutput({outputError: (text, write) => write(`backfill: ${parseErrorLine(text)} (see --help)\n`)});

  const run = async (action: (context: CliContext) => Promise<number>) => {
    const context = createContext(program.opts<GlobalOptions>());
    markWorkStarted();
    exitCode = await action(context);
  };
  const commands = opensConsole(argv.slice(2)) ? [] : (await import('./commands/index.js')).COMMANDS;
  for (const module of commands) module.register(program, run);
  // Last: it lets the root take stray words (to refuse them), which subcommands must not inherit.
  consoleCommand.register(program, run);

  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; parse errors are bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`backfill: ${clipped(error.message, MESSAGE_MAX)}\n`);
      return 2;
    }
    // The work failed (a warehouse error, a bug): one line for the operator, the stack on demand.
    if (process.env.BACKFILL_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
    process.stderr.write(`backfill: ${clipped(describeError(error), MESSAGE_MAX)} (BACKFILL_DEBUG=1 shows the stack)\n`);
    return 1;
  }
}
