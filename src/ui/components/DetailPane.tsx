// The detail pane (enter on a failed processor or on a day): the attempts of that date's batch in a
// table, then the whole error and the statement the batch runs, scrollable (↑/↓, pgup/pgdn) and
// copyable: plain lines, no border inside the text. The attempts and the statement come from the
// session (the host reads the history and renders the statement in the warehouse's dialect).
import {Box, Text} from 'ink';
import {useEffect, useState} from 'react';
import type {DerivedTableName} from '../../catalog/types.js';
import {formatCount, formatSeconds} from '../../figures.js';
import {outcomeWord} from '../../runner/attempt-text.js';
import type {BatchStatement} from '../../session/requests.js';
import type {Session} from '../../session/types.js';
import type {AttemptRecord} from '../../state/attempts.js';
import {formatBytes} from '../../warehouse/sizes.js';
import {detailLines, detailTitle, type DetailInput} from '../detail-lines.js';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';
import {TextTable, type TableRow} from './TextTable.js';

/** Attempts listed in the table at most (the newest). */
const TABLE_ROWS = 5;

export interface DetailProps {
  readonly session: Session;
  readonly processor: DerivedTableName;
  readonly date: string;
  readonly knownError: string | null;
  readonly width: number;
  readonly height: number;
  readonly scroll: number;
}

function attemptRow(a: AttemptRecord, withJobs: boolean): TableRow {
  const row: TableRow = {
    '#': String(a.attempt),
    outcome: outcomeWord(a),
    'started (UTC)': a.startedAt.slice(5, 19).replace('T', ' '),
    took: formatSeconds(a.durationMs),
    rows: a.rows === null ? '-' : formatCount(a.rows),
  };
  if (withJobs) row['job / bytes'] = [a.jobId ?? '', a.bytesBilled !== null ? formatBytes(a.bytesBilled) : ''].filter(Boolean).join(' ');
  row.run = a.runId;
  return row;
}

/** Loads the attempts of the date, then the statement of its latest batch. */
function useDetail(session: Session, processor: DerivedTableName, date: string) {
  const [attempts, setAttempts] = useState<readonly AttemptRecord[] | null>(null);
  const [statement, setStatement] = useState<BatchStatement | null>(null);
  useEffect(() => {
    let live = true;
    const name = processor;
    session.call('history', {range: {start: date, end: date}, tables: [name]}).then(
      ({attempts: found}) => {
        if (!live) return;
        setAttempts(found);
        const latest = found.at(-1);
        const range = latest ? {start: latest.start, end: latest.end} : {start: date, end: date};
        return session.call('statement', {processor: name, range}).then((s) => live && setStatement(s));
      },
      () => live && setAttempts([]),
    ).catch(() => live && setStatement({kind: 'sql', text: '(the statement could not be read)'}));
    return () => {
      live = false;
    };
  }, [session, processor, date]);
  return {attempts, statement};
}

export function DetailPane({session, processor, date, knownError, width, height, scroll}: DetailProps) {
  const theme = useTheme();
  const {attempts, statement} = useDetail(session, processor, date);
  const known = attempts ?? [];
  const latest = known.at(-1);
  const input: DetailInput = {processor, date, attempts: known, statement, batch: latest ? {start: latest.start, end: latest.end} : {start: date, end: date}, knownError};
  const shown = known.slice(-TABLE_ROWS);
  const withJobs = shown.some((a) => a.jobId !== null || a.bytesBilled !== null);
  const tableHeight = shown.length ? shown.length + 1 : 0;
  const textHeight = Math.max(1, height - 1 - tableHeight);
  const lines = attempts === null ? ['reading the attempt history...'] : detailLines(input, width);
  const start = Math.max(0, Math.min(scroll, lines.length - textHeight));
  const more = start + textHeight < lines.length ? ` ${theme.arrows.down}${lines.length - start - textHeight} more` : '';
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <Text bold wrap="truncate" color={theme.color(latest?.outcome === 'failed' ? 'red' : undefined)}>
        {truncate(`${detailTitle(input)}${more}`, width, theme.ellipsis)}
      </Text>
      {shown.length > 0 && <TextTable plain rows={shown.map((a) => attemptRow(a, withJobs))} columns={Object.keys(attemptRow(shown[0], withJobs))} width={width} />}
      <Box flexDirection="column" height={textHeight} overflow="hidden">
        {lines.slice(start, start + textHeight).map((line, i) => (
          <Text key={start + i} wrap="truncate">
            {line === '' ? ' ' : line}
          </Text>
        ))}
      </Box>
    </Box>
  );
}
