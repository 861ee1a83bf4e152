// BigQuery identifiers are spliced into SQL text (a table name cannot be a parameter), so they are
// checked against BigQuery's own rules before any command uses them: a project id or a dataset
// name that holds a backtick, a quote or a semicolon is refused, never printed into a statement.
import type {Dataset} from '../catalog/types.js';
import {UsageError} from '../errors.js';
import {quoted} from '../quote.js';

// 6 to 30 lowercase letters, digits and hyphens, starting with a letter and not ending with a
// hyphen; optionally behind a domain (`example.com:my-project`, Google's domain-scoped projects).
const PROJECT_ID = /^(?:[a-z0-9][a-z0-9.-]{0,62}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
// Letters, digits and underscores, up to 1024 characters.
const DATASET_NAME = /^[A-Za-z0-9_]{1,1024}$/;

/** The project id, or a UsageError saying what a project id is. */
export function checkProjectId(project: string, where = 'the BigQuery project'): string {
  if (!PROJECT_ID.test(project)) {
    throw new UsageError(`${where} ${quoted(project)} is not a BigQuery project id (6 to 30 lowercase letters, digits and dashes, starting with a letter)`);
  }
  return project;
}

/** Configured dataset names (config `datasets`), or a UsageError naming the bad one. */
export function checkDatasetNames(datasets: Partial<Record<string, string>>, where = 'config datasets'): Partial<Record<Dataset, string>> {
  for (const [logical, name] of Object.entries(datasets)) {
    if (name !== undefined && !DATASET_NAME.test(name)) {
      throw new UsageError(`${where}.${logical}: ${quoted(name)} is not a BigQuery dataset name (letters, digits and underscores)`);
    }
  }
  return datasets as Partial<Record<Dataset, string>>;
}
