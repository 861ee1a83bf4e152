// A subcommand as data: its name, help, argument, options and what it does with the context.
// `command()` turns one into the module main.ts registers, so commander's builder is driven in
// this one place and every module says what its command is, not how to tell commander.
import {Option, type Command} from 'commander';
import type {CliContext} from './context.js';
import type {CommandModule} from './main.js';

/** `['--from <date>', 'first date']`, or an Option where commander needs more (choices). */
export type OptionSpec = readonly [flags: string, description: string] | Option;

export interface CommandSpec<Flags> {
  readonly name: string;
  readonly description: string;
  /** Left out of `--help` (a command `backfill` starts itself). */
  readonly hidden?: boolean;
  /** One required word after the name, handed to `run` after the flags ('' for a command without one). */
  readonly argument?: readonly [name: string, description: string];
  readonly options?: readonly OptionSpec[];
  /** The exit code. */
  run(context: CliContext, flags: Flags, argument: string): Promise<number>;
}

export function command<Flags>(spec: CommandSpec<Flags>): CommandModule {
  return {
    register(program: Command, run) {
      const sub = program.command(spec.name, {hidden: spec.hidden === true}).description(spec.description);
      if (spec.argument) sub.argument(...spec.argument);
      for (const option of spec.options ?? []) {
        if (option instanceof Option) sub.addOption(option);
        else sub.option(...option);
      }
      sub.action(() => run((context) => spec.run(context, sub.opts<Flags & object>(), String(sub.processedArgs[0] ?? ''))));
    },
  };
}

/** A reading printed as one JSON object with `--json`, else as lines. */
export function printReading<T>(context: CliContext, json: boolean | undefined, reading: T, asJson: (reading: T) => unknown, asLines: (reading: T) => Iterable<string>): void {
  if (json) context.out(JSON.stringify(asJson(reading)));
  else for (const line of asLines(reading)) context.out(line);
}
