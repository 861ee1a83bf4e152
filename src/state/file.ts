// Reading the state file without ever creating it, and what to do with a corrupt one. The file is
// the program's own and the warehouse is the truth: a corrupt file must not cost a night's run. It
// reads as empty (no paused flags, no run to resume), is kept aside under a new name (never
// overwritten) by the first command that writes state, and one line says what was lost.
import {readFileSync, renameSync} from 'node:fs';
import {join} from 'node:path';
import {clipped} from '../quote.js';
import {stateSchema, type StateFile} from './schema.js';

const STATE_FILE_NAME = 'state.json';

export function stateFilePath(stateDir: string): string {
  return join(stateDir, STATE_FILE_NAME);
}

export type StateFileContent =
  | {readonly kind: 'missing'}
  | {readonly kind: 'valid'; readonly state: StateFile}
  /** `problem` is already cut and printable (the file may hold anything). */
  | {readonly kind: 'corrupt'; readonly problem: string};

/**
 * The state file's text, null when missing (or under a path that is not a directory: nothing can
 * be there); other read errors (EACCES) are thrown for the caller to describe.
 */
export function readStateText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

/** What the text holds: the state, or why it is corrupt. */
export function parseStateText(text: string | null): StateFileContent {
  if (text === null) return {kind: 'missing'};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // V8 quotes the text it choked on: binary garbage stays out of the message.
    return {kind: 'corrupt', problem: clipped((error as Error).message.split('\n')[0], 120)};
  }
  const parsed = stateSchema.safeParse(json);
  if (parsed.success) return {kind: 'valid', state: parsed.data as StateFile};
  const issue = parsed.error.issues[0];
  const at = issue.path.length ? clipped(issue.path.map(String).join('.')) : '(top level)';
  return {kind: 'corrupt', problem: `${at}: ${clipped(issue.message)}`};
}

/** What a corrupt file held that is now lost; the warehouse's coverage decides the rest. */
const LOST = 'its paused flags, the resume point of an interrupted run and the run history are lost; the work goes on from what the warehouse holds';

/** Moves the corrupt file aside (rename: never overwritten); returns where it went. */
export function setAsideCorruptFile(file: string): string {
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  return aside;
}

/** The warning line once a corrupt file was kept aside. */
export function corruptStateKeptAside(file: string, problem: string, aside: string): string {
  return `the state file ${file} was corrupt (${problem}); it is kept as ${aside} and a new one is started: ${LOST}`;
}

/** The warning line while a corrupt file is still in place (a dry run writes nothing). */
export function corruptStateFound(file: string, problem: string): string {
  return `the state file ${file} is corrupt (${problem}); the next run keeps it aside and starts a new one: ${LOST.replace(' are lost;', ' will be lost;')}`;
}
