// Every subcommand, in the order `--help` lists them.
import type {CommandModule} from '../main.js';
import {attachCommand} from './attach.js';
import {demoCommand} from './demo.js';
import {historyCommand} from './history.js';
import {hostCommand} from './host.js';
import {initCommand} from './init.js';
import {preflightCommand} from './preflight.js';
import {reportCommand} from './report.js';
import {rollbackCommand} from './rollback.js';
import {runsCommand} from './runs.js';
import {runCommand} from './run.js';
import {sqlCommand} from './sql.js';
import {staleCommand} from './stale.js';
import {statusCommand} from './status.js';
import {undoCommand} from './undo.js';
import {validateCommand} from './validate.js';

export const COMMANDS: readonly CommandModule[] = [statusCommand, staleCommand, runCommand, preflightCommand, validateCommand, historyCommand, reportCommand, rollbackCommand, runsCommand, undoCommand, sqlCommand, initCommand, demoCommand, attachCommand, hostCommand];
