import type {Processor} from '../../processor.js';

/** Phase 3 processors (nba_analytics), read sources only. */
export const PHASE3_PROCESSORS: readonly Processor[] = [];
