// The last validation report, kept in the state dir so that `report` can print it and the console
// can show it after a restart. Written atomically (temp file + rename).
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ValidationReport} from './types.js';

export const LAST_VALIDATION_FILE = 'last-validation.json';

export function saveLastValidation(stateDir: string, report: ValidationReport): string {
  mkdirSync(stateDir, {recursive: true});
  const file = join(stateDir, LAST_VALIDATION_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(report, null, 2)}\n`);
  renameSync(temp, file);
  return file;
}

export type LastValidation =
  | {readonly state: 'none'}
  | {readonly state: 'unreadable'; readonly file: string; readonly reason: string}
  | {readonly state: 'found'; readonly file: string; readonly report: ValidationReport};

/** The saved report; a damaged file is reported as such, never thrown or overwritten here. */
export function loadLastValidation(stateDir: string): LastValidation {
  const file = join(stateDir, LAST_VALIDATION_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {state: 'none'};
    return {state: 'unreadable', file, reason: (error as Error).message};
  }
  try {
    const report = JSON.parse(text) as ValidationReport;
    if (!Array.isArray(report.results) || typeof report.passed !== 'boolean') throw new Error('not a validation report');
    return {state: 'found', file, report};
  } catch (error) {
    return {state: 'unreadable', file, reason: (error as Error).message};
  }
}
