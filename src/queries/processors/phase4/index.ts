import type {Processor} from '../../processor.js';
import {mlFeatureStoreProcessor} from './ml-feature-store.js';
import {playerCompositeFactorsProcessor} from './player-composite-factors.js';
import {playerDefensiveContextProcessor} from './player-defensive-context.js';
import {playerShotZoneAnalyticsProcessor} from './player-shot-zone-analytics.js';
import {teamDefensiveZoneAnalyticsProcessor} from './team-defensive-zone-analytics.js';

/** Phase 4 processors (nba_precompute), as-of tables, in dependency order. */
export const PHASE4_PROCESSORS: readonly Processor[] = [
  teamDefensiveZoneAnalyticsProcessor,
  playerShotZoneAnalyticsProcessor,
  playerDefensiveContextProcessor,
  playerCompositeFactorsProcessor,
  mlFeatureStoreProcessor,
];
