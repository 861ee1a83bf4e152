// The one rule for a raw box-score `minutes` value, shared by the processors and validation.
// Well-formed (dialect MINUTES_PATTERN) is parsed; NULL is a DNP; anything else fails the batch
// that reads it with the minutes guard, on both engines alike (BigQuery's SPLIT(...)[SAFE_OFFSET(1)]
// used to turn '34' into NULL and drop the player from PGS and UPGC without a word).
//
// Where the guard may fire matters: GoogleSQL gives no order between WHERE conjuncts, so an
// ERROR() in a WHERE could fire on a row another conjunct would have dropped (another date, a
// game that is not Final). The filters here therefore never raise; the raising parse sits in the
// projection, which only sees the rows the filters kept. A malformed row is kept by the filter
// (it cannot tell whether the player played) so that the projection fails on it.
import type {Dialect} from './dialect.js';

/** Decimal minutes, or NULL for NULL and malformed text; never raises (validation's comparisons). */
export function minutesOrNull(d: Dialect, text: string): string {
  return `(CASE WHEN ${d.minutesWellFormed(text)} THEN ${d.minutesToDecimal(text)} END)`;
}

/** TRUE for a non-NULL value that is not well-formed minutes. */
export function malformedMinutes(d: Dialect, text: string): string {
  return `(${text} IS NOT NULL AND NOT ${d.minutesWellFormed(text)})`;
}

/** The WHERE of "rows with minutes > 0": also keeps malformed rows, so the projection's guard sees them. */
export function playedOrMalformed(d: Dialect, text: string): string {
  return `(${minutesOrNull(d, text)} > 0 OR ${malformedMinutes(d, text)})`;
}

/** A STRING expression naming a box-score row in the guard's message: `game 0022100001, player aaronalpha`. */
export function boxRowLabel(alias: string): string {
  return `CONCAT('game ', COALESCE(${alias}.game_id, '?'), ', player ', COALESCE(${alias}.player_lookup, '?'))`;
}
