// Every subcommand, in the order `--help` lists them.
import type {CommandModule} from '../main.js';

export const COMMANDS: readonly CommandModule[] = [];
