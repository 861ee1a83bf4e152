// PGS: one row per player with minutes > 0 per Final game (SPEC §2).
import {playerGameSummary} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {BOX_TOTAL_COLUMNS, boxScoreSelect, ZONE_COLUMNS} from './box-score.js';
import {copied, formula, projectColumns} from './project.js';

function select(d: Dialect): string {
  const columns = projectColumns(d, playerGameSummary, {
    ...copied('p', ['game_date', 'game_id', 'player_lookup', 'player_id', 'player_name', 'season', 'team_abbr', 'opponent_team_abbr', 'is_home', 'starter']),
    minutes: formula("'MM:SS' → decimal minutes (31:30 → 31.5)", 'p.minutes_played'),
    ...copied('p', [...BOX_TOTAL_COLUMNS, 'plus_minus', ...ZONE_COLUMNS]),
    ts_pct: formula('ts_pct = points / (2 · (fga + 0.44 · fta))', d.safeDiv('p.points', '2 * (p.fga + 0.44 * p.fta)')),
    efg_pct: formula('efg_pct = (fgm + 0.5 · fg3m) / fga', d.safeDiv('p.fgm + 0.5 * p.fg3m', 'p.fga')),
    usage_rate: formula(
      'usage_rate = 100 · (fga + 0.44 · fta + tov) · (team minutes / 5) / (minutes · team (fga + 0.44 · fta + tov))',
      d.safeDiv('100 * (p.fga + 0.44 * p.fta + p.turnovers) * (t.team_minutes / 5)', 'p.minutes_played * (t.fga + 0.44 * t.fta + t.turnovers)'),
    ),
  });
  return boxScoreSelect(d, columns, 'FROM played AS p\nJOIN team_totals AS t ON t.game_id = p.game_id AND t.team_abbr = p.team_abbr');
}

export const playerGameSummaryProcessor: Processor = {table: playerGameSummary, select};
