// Renders the console (or one pane) with ink-testing-library at a chosen terminal size, over a
// FakeSession, and gives tests the stripped frame, key presses and what the console exited with.
import {stripVTControlCharacters} from 'node:util';
import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';
import {ConsoleApp} from '../../src/ui/components/App.js';
import {ConsoleStores} from '../../src/ui/console-stores.js';
import {ConsoleProviders} from '../../src/ui/index.js';
import {detectCapabilities} from '../../src/ui/terminal.js';
import {createTheme} from '../../src/ui/theme.js';
import type {ConsoleExit} from '../../src/ui/use-console-keys.js';
import type {FakeSession} from './fake-session.js';

export interface RenderOptions {
  readonly columns?: number;
  readonly rows?: number;
  /** Locale and NO_COLOR as the console would read them (default: UTF-8, color). */
  readonly env?: NodeJS.ProcessEnv;
  /** Render this instead of the whole console (a single pane). */
  readonly element?: ReactElement;
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlC: '\u0003',
  ctrlR: '\u0012',
} as const;

const tick = (ms = 15) => new Promise((resolve) => setTimeout(resolve, ms));

export async function renderConsole(session: FakeSession, options: RenderOptions = {}) {
  const {columns = 80, rows = 24, env = {LANG: 'C.UTF-8'}} = options;
  const stores = new ConsoleStores(session);
  const theme = createTheme(detectCapabilities(env));
  const exits: ConsoleExit[] = [];
  const element = options.element ?? <ConsoleApp onExit={(result) => exits.push(result)} />;
  const instance = render(
    <ConsoleProviders stores={stores} theme={theme}>
      {element}
    </ConsoleProviders>,
  );
  // Waits for the frame an input produces (the machine is shared and slow), or gives up after a
  // while for inputs that change nothing on screen.
  const settle = async (before: number) => {
    const deadline = Date.now() + 400;
    while (instance.frames.length === before && Date.now() < deadline) await tick(5);
    await tick(15);
  };
  const resize = async (c: number, r: number) => {
    const before = instance.frames.length;
    // ink-testing-library's stdout has a fixed 100 columns: give it this terminal's size and tell
    // Ink (and the console's size hook) it changed, as a real terminal would.
    Object.defineProperty(instance.stdout, 'columns', {value: c, configurable: true});
    Object.defineProperty(instance.stdout, 'rows', {value: r, configurable: true});
    instance.stdout.emit('resize');
    // Spinners render on their own, so a new frame is not enough: wait for one drawn at the new
    // size (no line wider than all but the last column) or the too-small notice.
    const deadline = Date.now() + 2000;
    const fits = () => {
      const text = stripVTControlCharacters(instance.lastFrame() ?? '');
      const drawnSince = instance.frames.length > before;
      return drawnSince && (text.split('\n').every((line) => line.length <= c - 1) || text.includes('Terminal too small'));
    };
    while (!fits() && Date.now() < deadline) await tick(5);
    await settle(before);
  };
  await resize(columns, rows);

  const rawFrame = () => instance.lastFrame() ?? '';
  const frame = () => stripVTControlCharacters(rawFrame());
  return {
    session,
    stores,
    exits,
    rawFrame,
    frame,
    lines: () => frame().split('\n'),
    resize,
    /** Writes each key in turn, waiting a tick after each so Ink parses and renders it. */
    async press(...keys: string[]) {
      for (const key of keys) {
        const before = instance.frames.length;
        instance.stdin.write(key);
        await settle(before);
      }
    },
    /** Polls until the frame contains `text` (state arrives throttled). */
    async waitFor(text: string, timeoutMs = 1000) {
      const deadline = Date.now() + timeoutMs;
      while (!frame().includes(text)) {
        if (Date.now() > deadline) throw new Error(`frame never showed "${text}":\n${frame()}`);
        await tick(10);
      }
    },
    tick,
    unmount() {
      instance.unmount();
      stores.dispose();
    },
  };
}
