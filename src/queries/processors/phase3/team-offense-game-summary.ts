// TOGS: one row per team per Final game, its box totals (the sum of its PGS rows) and efficiency.
import {teamOffenseGameSummary} from '../../../catalog/tables.js';
import type {Dialect} from '../../dialect.js';
import type {Processor} from '../../processor.js';
import {BOX_TOTAL_COLUMNS, playedRowsCtes, teamTotalsCte, ZONE_COLUMNS} from './box-score.js';
import {projectColumns, withClause} from './project.js';

function select(d: Dialect): string {
  const same = (c: string) => [c, `t.${c}`] as const;
  const columns = projectColumns(d, teamOffenseGameSummary, {
    ...Object.fromEntries(['game_date', 'game_id', 'team_abbr', 'opponent_team_abbr', 'season', 'is_home', 'team_minutes'].map(same)),
    // win and margin come from the schedule's official score (equal to the box points by the raw invariants)
    win: 't.team_score > t.opponent_score',
    margin: 't.team_score - t.opponent_score',
    ...Object.fromEntries([...BOX_TOTAL_COLUMNS, ...ZONE_COLUMNS].map(same)),
    // possessions = fga − oreb + tov + 0.44 · fta
    possessions: 't.possessions',
    // offensive_rating = 100 · points / possessions
    offensive_rating: d.safeDiv('100 * t.points', 't.possessions'),
    // pace = 48 · (possessions + opponent possessions) / 2 / (team_minutes / 5)
    pace: d.safeDiv('48 * (t.possessions + o.possessions) / 2', 't.team_minutes / 5'),
    // efg_pct = (fgm + 0.5 · fg3m) / fga
    efg_pct: d.safeDiv('t.fgm + 0.5 * t.fg3m', 't.fga'),
    // ft_rate = fta / fga
    ft_rate: d.safeDiv('t.fta', 't.fga'),
    // three_rate = fg3a / fga
    three_rate: d.safeDiv('t.fg3a', 't.fga'),
  });
  return `${withClause([...playedRowsCtes(d), teamTotalsCte()])}
SELECT
${columns}
FROM team_totals AS t
LEFT JOIN team_totals AS o ON o.game_id = t.game_id AND o.team_abbr = t.opponent_team_abbr`;
}

export const teamOffenseGameSummaryProcessor: Processor = {table: teamOffenseGameSummary, select};
