// A table of plain text rows drawn by ink-table (@alcalzone/ink-table, the ESM fork), for views
// that are not redrawn every second (the detail pane's attempts, the run summary, validation).
// Cells are cut before layout so that a row never wraps; `plain` drops every border, so the
// lines copy out of the terminal as text (the detail pane); otherwise the borders follow the
// theme (ASCII under a non-UTF-8 locale) and rows are not separated, to keep tables short.
import {Table} from '@alcalzone/ink-table';
import {Text} from 'ink';
import type {PropsWithChildren, ReactElement} from 'react';
import {truncate} from '../format.js';
import {useTheme} from '../theme.js';

export type TableRow = Record<string, string>;

const RULES = /^[─┌┐┬├┤┼└┘┴]+$/;
const ASCII: Record<string, string> = {'─': '-', '┌': '+', '┐': '+', '┬': '+', '├': '+', '┤': '+', '┼': '+', '└': '+', '┘': '+', '┴': '+', '│': '|'};

/**
 * Column widths that fit `width`: every column gets its longest value, the last one what is left
 * (at least 4), and values are cut to their width.
 */
export function fitRows(rows: readonly TableRow[], columns: readonly string[], width: number, plain: boolean): TableRow[] {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  // Each cell is padded by a space either side; a rule (when drawn) takes a column between cells.
  const separators = plain ? 0 : columns.length + 1;
  const fixed = widths.slice(0, -1).reduce((n, w) => n + w + 2, 0);
  const last = Math.max(4, width - fixed - separators - 2);
  widths[widths.length - 1] = Math.min(widths[widths.length - 1], last);
  return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, truncate(r[c] ?? '', widths[i])])));
}

export function TextTable({rows, columns, width, plain = false}: {readonly rows: readonly TableRow[]; readonly columns: readonly string[]; readonly width: number; readonly plain?: boolean}) {
  const theme = useTheme();
  const unicode = theme.capabilities.unicode;
  // The rules between rows and around the table are skipped (rendered as nothing, their line
  // collapses); columns stay apart by the cells' padding and, unless plain, a vertical rule.
  const Skeleton = ({children}: PropsWithChildren): ReactElement => {
    const text = String(children ?? '');
    if (RULES.test(text.replace(/ /g, '')) || text.trim() === '') return <></>;
    if (plain) return <></>;
    return <Text dimColor={theme.capabilities.color}>{unicode ? text : text.replace(/./g, (ch) => ASCII[ch] ?? ch)}</Text>;
  };
  const Header = ({children}: PropsWithChildren): ReactElement => <Text bold>{children}</Text>;
  const Cell = ({children}: PropsWithChildren<{column: number}>): ReactElement => <Text>{children}</Text>;
  return <Table data={fitRows(rows, columns, width, plain)} columns={[...columns]} padding={1} skeleton={Skeleton} header={Header} cell={Cell} />;
}
