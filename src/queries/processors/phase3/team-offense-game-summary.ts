// TOGS: one row per team per Final game, its box totals (the sum of its PGS rows) and efficiency.
import {teamOffenseGameSummary} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {BOX_TOTAL_COLUMNS, boxScoreSelect, ZONE_COLUMNS} from './box-score.js';
import {copied, formula, projectColumns, TEAM_GAME_COLUMNS} from './project.js';

function select(d: Dialect): string {
  const columns = projectColumns(d, teamOffenseGameSummary, {
    ...copied('t', [...TEAM_GAME_COLUMNS, 'team_minutes']),
    // The schedule's official score decides (equal to the box points by the raw invariants).
    win: formula('win = team score > opponent score', 't.team_score > t.opponent_score'),
    margin: formula('margin = team score − opponent score', 't.team_score - t.opponent_score'),
    ...copied('t', [...BOX_TOTAL_COLUMNS, ...ZONE_COLUMNS]),
    possessions: formula('possessions = fga − oreb + tov + 0.44 · fta', 't.possessions'),
    offensive_rating: formula('offensive_rating = 100 · points / possessions', d.safeDiv('100 * t.points', 't.possessions')),
    pace: formula('pace = 48 · (possessions + opponent possessions) / 2 / (team_minutes / 5)', d.safeDiv('48 * (t.possessions + o.possessions) / 2', 't.team_minutes / 5')),
    efg_pct: formula('efg_pct = (fgm + 0.5 · fg3m) / fga', d.safeDiv('t.fgm + 0.5 * t.fg3m', 't.fga')),
    ft_rate: formula('ft_rate = fta / fga', d.safeDiv('t.fta', 't.fga')),
    three_rate: formula('three_rate = fg3a / fga', d.safeDiv('t.fg3a', 't.fga')),
  });
  return boxScoreSelect(d, columns, 'FROM team_totals AS t\nLEFT JOIN team_totals AS o ON o.game_id = t.game_id AND o.team_abbr = t.opponent_team_abbr');
}

export const teamOffenseGameSummaryProcessor: Processor = {table: teamOffenseGameSummary, select};
