// The notify command of a process that runs the work (a headless `run`, a detached one, a
// console's host), from --notify or the config; null when none is set. Loaded only there: the
// console itself rings the terminal and never runs the command.
import {commandNotifier, type CommandNotifier} from '../notify/command.js';
import type {CliContext} from './context.js';

export function notifierFor(context: CliContext, log: (message: string) => void): CommandNotifier | null {
  const {command} = context.notify;
  return command ? commandNotifier(command, context.warehouse.identity, log) : null;
}
