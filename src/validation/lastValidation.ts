// The last validation report, kept in the state dir so that `report` can print it. Written
// atomically (temp file + rename), with the warehouse it checked: one state dir may serve several
// warehouses, and a report must never print another warehouse's result as its own.
import {readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {clipped} from '../quote.js';
import {makeDirectory, writingStateDir} from '../state/dir.js';
import type {ValidationReport} from './types.js';

export const LAST_VALIDATION_FILE = 'last-validation.json';

/**
 * `warehouse` is the warehouse's key (its DuckDB file, or `bigquery:PROJECT`). A state dir that
 * cannot take it is a StateDirError saying why and what to do (the report itself is not lost:
 * callers print it first).
 */
export function saveLastValidation(stateDir: string, report: ValidationReport, warehouse: string): string {
  const file = join(stateDir, LAST_VALIDATION_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  return writingStateDir(stateDir, () => {
    makeDirectory(stateDir);
    try {
      writeFileSync(temp, `${JSON.stringify({...report, warehouse}, null, 2)}\n`);
      renameSync(temp, file);
    } catch (error) {
      rmSync(temp, {force: true}); // a full disk leaves no half-written temp file behind
      throw error;
    }
    return file;
  });
}

export type LastValidation =
  | {readonly state: 'none'}
  | {readonly state: 'other-warehouse'; readonly file: string; readonly warehouse: string}
  | {readonly state: 'unreadable'; readonly file: string; readonly reason: string}
  | {readonly state: 'found'; readonly file: string; readonly report: ValidationReport};

/** The saved report; a damaged file is reported as such, never thrown or overwritten here. */
export function loadLastValidation(stateDir: string, warehouse: string): LastValidation {
  const file = join(stateDir, LAST_VALIDATION_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {state: 'none'};
    return {state: 'unreadable', file, reason: clipped((error as Error).message)};
  }
  try {
    const {warehouse: checked, ...report} = JSON.parse(text) as ValidationReport & {warehouse?: string};
    if (!Array.isArray(report.results) || typeof report.passed !== 'boolean') throw new Error('not a validation report');
    if (checked !== warehouse) return {state: 'other-warehouse', file, warehouse: typeof checked === 'string' ? clipped(checked) : 'an unnamed warehouse'};
    return {state: 'found', file, report};
  } catch (error) {
    // The file is only JSON on disk: whatever it holds stays out of the report's line.
    return {state: 'unreadable', file, reason: clipped((error as Error).message)};
  }
}
