// The 30 franchises with their real abbreviations, conferences and divisions (the schedule's
// matchup formula reads the divisions).

export interface Team {
  readonly abbr: string;
  readonly name: string;
  readonly conference: 'East' | 'West';
  readonly division: string;
}

const DIVISIONS: Record<string, {conference: 'East' | 'West'; teams: [string, string][]}> = {
  Atlantic: {conference: 'East', teams: [['BOS', 'Boston Celtics'], ['BKN', 'Brooklyn Nets'], ['NYK', 'New York Knicks'], ['PHI', 'Philadelphia 76ers'], ['TOR', 'Toronto Raptors']]},
  Central: {conference: 'East', teams: [['CHI', 'Chicago Bulls'], ['CLE', 'Cleveland Cavaliers'], ['DET', 'Detroit Pistons'], ['IND', 'Indiana Pacers'], ['MIL', 'Milwaukee Bucks']]},
  Southeast: {conference: 'East', teams: [['ATL', 'Atlanta Hawks'], ['CHA', 'Charlotte Hornets'], ['MIA', 'Miami Heat'], ['ORL', 'Orlando Magic'], ['WAS', 'Washington Wizards']]},
  Northwest: {conference: 'West', teams: [['DEN', 'Denver Nuggets'], ['MIN', 'Minnesota Timberwolves'], ['OKC', 'Oklahoma City Thunder'], ['POR', 'Portland Trail Blazers'], ['UTA', 'Utah Jazz']]},
  Pacific: {conference: 'West', teams: [['GSW', 'Golden State Warriors'], ['LAC', 'LA Clippers'], ['LAL', 'Los Angeles Lakers'], ['PHX', 'Phoenix Suns'], ['SAC', 'Sacramento Kings']]},
  Southwest: {conference: 'West', teams: [['DAL', 'Dallas Mavericks'], ['HOU', 'Houston Rockets'], ['MEM', 'Memphis Grizzlies'], ['NOP', 'New Orleans Pelicans'], ['SAS', 'San Antonio Spurs']]},
};

/** In a fixed order: by conference, division, then as listed; index = the team's number in the demo. */
export const TEAMS: readonly Team[] = Object.entries(DIVISIONS).flatMap(([division, {conference, teams}]) =>
  teams.map(([abbr, name]) => ({abbr, name, conference, division})),
);

export const DIVISION_NAMES: readonly string[] = Object.keys(DIVISIONS);

/** Team indexes of a division, in TEAMS order. */
export function divisionMembers(division: string): number[] {
  return TEAMS.flatMap((t, i) => (t.division === division ? [i] : []));
}
