import type {Processor} from '../../processor.js';
import {mlFeatureStoreProcessor} from './mlFeatureStore.js';
import {playerCompositeFactorsProcessor} from './playerCompositeFactors.js';
import {playerDefensiveContextProcessor} from './playerDefensiveContext.js';
import {playerShotZoneAnalyticsProcessor} from './playerShotZoneAnalytics.js';
import {teamDefensiveZoneAnalyticsProcessor} from './teamDefensiveZoneAnalytics.js';

/** Phase 4 processors (nba_precompute), as-of tables, in dependency order. */
export const PHASE4_PROCESSORS: readonly Processor[] = [
  teamDefensiveZoneAnalyticsProcessor,
  playerShotZoneAnalyticsProcessor,
  playerDefensiveContextProcessor,
  playerCompositeFactorsProcessor,
  mlFeatureStoreProcessor,
];
