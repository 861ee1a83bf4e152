// The registry: one processor per derived table of the catalog.
import type {DerivedTable, DerivedTableName} from '../../catalog/types.js';
import type {Processor} from '../processor.js';
import {PHASE3_PROCESSORS} from './phase3/index.js';
import {PHASE4_PROCESSORS} from './phase4/index.js';

const BY_NAME = new Map<DerivedTableName, Processor>(
  [...PHASE3_PROCESSORS, ...PHASE4_PROCESSORS].map((p) => [p.table.name, p]),
);

export function processorFor(table: DerivedTable | DerivedTableName): Processor {
  const name = typeof table === 'string' ? table : table.name;
  const processor = BY_NAME.get(name);
  if (!processor) throw new Error(`no processor is defined for ${name}`);
  return processor;
}
