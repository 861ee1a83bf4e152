import type {Processor} from '../../processor.js';

/** Phase 4 processors (nba_precompute), as-of tables. */
export const PHASE4_PROCESSORS: readonly Processor[] = [];
