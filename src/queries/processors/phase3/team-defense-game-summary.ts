// TDGS: one row per team per Final game, seen from its defense: what the opponent did against it.
import {teamDefenseGameSummary} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {boxScoreSelect} from './box-score.js';
import {copied, formula, projectColumns, TEAM_GAME_COLUMNS} from './project.js';

function select(d: Dialect): string {
  const columns = projectColumns(d, teamDefenseGameSummary, {
    ...copied('t', TEAM_GAME_COLUMNS),
    // The opponent's box totals are what this team allowed.
    points_allowed: formula('points_allowed = opponent points', 'o.points'),
    opp_fgm: 'o.fgm',
    opp_fga: 'o.fga',
    opp_fg3m: 'o.fg3m',
    opp_fg3a: 'o.fg3a',
    opp_ftm: 'o.ftm',
    opp_fta: 'o.fta',
    opp_efg_pct: formula('opp_efg_pct = (opp fgm + 0.5 · opp fg3m) / opp fga', d.safeDiv('o.fgm + 0.5 * o.fg3m', 'o.fga')),
    opp_possessions: formula('opp_possessions = opp fga − opp oreb + opp tov + 0.44 · opp fta', 'o.possessions'),
    defensive_rating: formula('defensive_rating = 100 · points_allowed / opponent possessions', d.safeDiv('100 * o.points', 'o.possessions')),
    pace: formula('pace = 48 · (possessions + opponent possessions) / 2 / (team_minutes / 5), the same as TOGS', d.safeDiv('48 * (t.possessions + o.possessions) / 2', 't.team_minutes / 5')),
    steals: 't.steals',
    blocks: 't.blocks',
    forced_turnovers: formula('forced_turnovers = the opponent\'s turnovers', 'o.turnovers'),
    defensive_rebounds: 't.defensive_rebounds',
    opp_paint_attempts: 'o.paint_attempts',
    opp_paint_makes: 'o.paint_makes',
    opp_mid_range_attempts: 'o.mid_range_attempts',
    opp_mid_range_makes: 'o.mid_range_makes',
    opp_three_attempts: 'o.three_attempts',
    opp_three_makes: 'o.three_makes',
  });
  // Inner join: without the opponent's box score there is nothing to say about this defense.
  return boxScoreSelect(d, columns, 'FROM team_totals AS t\nJOIN team_totals AS o ON o.game_id = t.game_id AND o.team_abbr = t.opponent_team_abbr');
}

export const teamDefenseGameSummaryProcessor: Processor = {table: teamDefenseGameSummary, select};
