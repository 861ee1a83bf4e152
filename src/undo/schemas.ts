// The zod schemas of undo's data where it is stored or travels: a batch's changes in the state
// file's run history, the runs listing in the console's `runs` request. One definition each.
import {z} from 'zod';
import {DERIVED_TABLE_NAMES} from '../catalog/types.js';
import type {ChangeReport, TableChanges} from './changes.js';
import type {RunListing} from './runs-view.js';

const featureSums = z.object({changed: z.number(), sumBefore: z.number(), nBefore: z.number(), sumAfter: z.number(), nAfter: z.number(), maxAbs: z.number().nullable()});

export const tableChangesSchema: z.ZodType<TableChanges> = z.object({
  replaced: z.number(),
  written: z.number(),
  added: z.number(),
  removed: z.number(),
  changed: z.number(),
  features: z.record(z.string(), featureSums).nullable(),
});

export const changeReportSchema: z.ZodType<ChangeReport> = z.partialRecord(z.enum(DERIVED_TABLE_NAMES), tableChangesSchema);

export const runListingSchema: z.ZodType<RunListing> = z.object({
  id: z.string(),
  kind: z.enum(['run', 'undo']),
  undoOf: z.string().nullable(),
  started: z.string(),
  finished: z.string().nullable(),
  outcome: z.string(),
  range: z.object({start: z.string(), end: z.string()}).nullable(),
  processors: z.array(z.string()),
  force: z.boolean(),
  dates: z.number(),
  rows: z.number(),
  batches: z.number(),
  replaced: z.number().nullable(),
  changes: changeReportSchema,
  undoable: z.boolean(),
  why: z.string().nullable(),
});
