// Symbols and colors for every state the console shows. Color is never the only signal: each state
// has a symbol in both the Unicode and the ASCII set, and the legend (help) spells out each one.
import {createContext, useContext} from 'react';
import type {TerminalCapabilities} from './terminal.js';

export type CellState =
  | 'none' // no game that month / day
  | 'missing' // games, nothing covered, not in a run
  | 'partial' // some covered
  | 'done' // every game date covered
  | 'queued' // in the run, inputs ready, not started
  | 'blocked' // in the run, waiting on an upstream table
  | 'running'
  | 'paused'
  | 'failed' // a batch failed permanently
  | 'invalid' // covered but validation flagged it
  | 'stale'; // covered, but what it was built from changed since (src/freshness)

export const CELL_STATES: readonly CellState[] = ['done', 'stale', 'partial', 'missing', 'queued', 'blocked', 'running', 'paused', 'failed', 'invalid', 'none'];

const UNICODE_SYMBOLS: Record<CellState, string> = {
  none: '·',
  missing: '○',
  partial: '◐',
  done: '✓',
  queued: '◌',
  blocked: '↑',
  running: '▸',
  paused: '‖',
  failed: '✗',
  invalid: '!',
  stale: '≈',
};

const ASCII_SYMBOLS: Record<CellState, string> = {
  none: '.',
  missing: '-',
  partial: '~',
  done: '+',
  queued: ':',
  blocked: '^',
  running: '>',
  paused: '=',
  failed: 'X',
  invalid: '!',
  stale: '*',
};

export const STATE_WORDS: Record<CellState, string> = {
  none: 'no games',
  missing: 'not covered',
  partial: 'partly covered',
  done: 'done',
  queued: 'queued',
  blocked: 'waiting on input',
  running: 'running',
  paused: 'paused',
  failed: 'failed',
  invalid: 'failed validation',
  // The legend fits two lines of 80 columns, so that help shows every key at 80×24.
  stale: 'stale',
};

export type Color = 'green' | 'yellow' | 'red' | 'cyan' | 'blue' | 'magenta' | 'gray' | 'white';

const STATE_COLORS: Record<CellState, Color | undefined> = {
  none: 'gray',
  missing: 'gray',
  partial: 'yellow',
  done: 'green',
  queued: 'white',
  blocked: 'blue',
  running: 'cyan',
  paused: 'magenta',
  failed: 'red',
  invalid: 'red',
  stale: 'yellow',
};

export interface Theme {
  readonly capabilities: TerminalCapabilities;
  symbol(state: CellState): string;
  /** undefined under NO_COLOR: callers pass it straight to <Text color>. */
  color(color: Color | undefined): Color | undefined;
  stateColor(state: CellState): Color | undefined;
  /** Ink border style: single-line box drawing, or ASCII under a non-UTF-8 locale. */
  readonly border: 'single' | 'classic';
  /** Horizontal rule character for pane titles. */
  readonly rule: string;
  readonly arrows: {readonly left: string; readonly right: string; readonly up: string; readonly down: string};
  readonly ellipsis: string;
  readonly spinner: 'dots' | 'line';
}

export function createTheme(capabilities: TerminalCapabilities): Theme {
  const symbols = capabilities.unicode ? UNICODE_SYMBOLS : ASCII_SYMBOLS;
  const color = (c: Color | undefined) => (capabilities.color ? c : undefined);
  return {
    capabilities,
    symbol: (state) => symbols[state],
    color,
    stateColor: (state) => color(STATE_COLORS[state]),
    border: capabilities.unicode ? 'single' : 'classic',
    rule: capabilities.unicode ? '─' : '-',
    arrows: capabilities.unicode ? {left: '‹', right: '›', up: '↑', down: '↓'} : {left: '<', right: '>', up: '^', down: 'v'},
    ellipsis: capabilities.unicode ? '…' : '~',
    spinner: capabilities.unicode ? 'dots' : 'line',
  };
}

export const ThemeContext = createContext<Theme>(createTheme({color: true, unicode: true}));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
