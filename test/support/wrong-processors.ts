// Deliberately wrong processors and the lines the guards must answer them with, shared by the
// DuckDB tests and their BigQuery (ZetaSQL) twins.
import {playerGameSummary} from '../../src/catalog/index.js';
import type {Dialect} from '../../src/queries/dialect.js';
import {processorFor} from '../../src/queries/processors/index.js';

/** PGS with every row dated one day later than it should be. */
export function shiftedPgs(d: Dialect): string {
  return `SELECT * REPLACE (${d.dateSub('game_date', -1)} AS game_date) FROM (\n${processorFor(playerGameSummary).select(d)}\n) AS shifted`;
}

/** PGS with no date at all on one player's rows. */
export function undatedPgs(d: Dialect): string {
  const pgs = processorFor(playerGameSummary).select(d);
  return `SELECT * FROM (\n${pgs}\n) AS ok WHERE player_lookup <> 'aaronalpha'\nUNION ALL\n` +
    `SELECT * REPLACE (CAST(NULL AS DATE) AS game_date) FROM (\n${pgs}\n) AS lost WHERE player_lookup = 'aaronalpha'`;
}

/** The line for the hand-made league's G1 with aaronalpha's minutes set to '34'. */
export const MALFORMED_MESSAGE =
  "boxscore_traditional has a malformed minutes value '34' (game 0022100001, player aaronalpha): expected M:SS or MM:SS, NULL for a DNP; " +
  'nothing was written: fix the raw row (`backfill validate` lists every malformed one)';
