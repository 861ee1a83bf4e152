import type {Processor} from '../../processor.js';
import {playerGameSummaryProcessor} from './player-game-summary.js';
import {teamDefenseGameSummaryProcessor} from './team-defense-game-summary.js';
import {teamOffenseGameSummaryProcessor} from './team-offense-game-summary.js';
import {upcomingPlayerGameContextProcessor} from './upcoming-player-game-context.js';
import {upcomingTeamGameContextProcessor} from './upcoming-team-game-context.js';

/** Phase 3 processors (nba_analytics), read sources only. */
export const PHASE3_PROCESSORS: readonly Processor[] = [
  playerGameSummaryProcessor,
  teamOffenseGameSummaryProcessor,
  teamDefenseGameSummaryProcessor,
  upcomingPlayerGameContextProcessor,
  upcomingTeamGameContextProcessor,
];
