// A real terminal for the e2e tests: a private tmux server (its own socket) whose sessions run the
// built `backfill` at 80×24 with a sandbox's environment, colours on and CI unset (Ink draws no
// live frames under CI), and write the command's exit code to a file when it ends.
import {execFileSync} from 'node:child_process';
import {BIN, type Sandbox} from './cli.js';
import {sleep} from './wait.js';

export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface OpenOptions {
  /** Where the command runs from. */
  readonly cwd: string;
  /** The file that receives the command's exit code. */
  readonly exitFile: string;
  /** Variables to unset beyond CI and NO_COLOR (e.g. BACKFILL_NO_NOTIFY). */
  readonly unset?: readonly string[];
}

export class TmuxSession {
  constructor(
    private readonly server: TmuxServer,
    readonly name: string,
  ) {}

  /** Starts `backfill ARGS` in this session, 80×24, kept on screen after it exits. */
  open(box: Sandbox, args: readonly string[], options: OpenOptions): void {
    const env = Object.entries({...box.env, LANG: 'C.UTF-8', LC_ALL: '', TERM: 'screen'})
      .filter(([key]) => key !== 'NO_COLOR')
      .map(([key, value]) => `${key}=${shellQuote(value)}`)
      .join(' ');
    const unset = ['CI', 'NO_COLOR', ...(options.unset ?? [])].map((name) => `-u ${name}`).join(' ');
    const command = `cd ${shellQuote(options.cwd)} && env ${unset} ${env} node ${shellQuote(BIN)} ${args.map(shellQuote).join(' ')}; echo $? > ${shellQuote(options.exitFile)}`;
    this.server.tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', this.name, command);
    this.server.tmux('set-option', '-t', this.name, 'remain-on-exit', 'on');
  }

  screen(): string {
    return this.server.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** The screen with its scrollback: what the command printed after the console closed. */
  history(): string {
    return this.server.tmux('capture-pane', '-p', '-S', '-200', '-t', this.name);
  }

  keys(...k: string[]): void {
    this.server.tmux('send-keys', '-t', this.name, ...k);
  }

  /** Polls the screen until `check` holds; every screen seen goes to `seen` (for later asserts). */
  async waitForScreen(what: string, check: (text: string) => boolean, timeoutMs = 30_000, seen?: string[]): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < deadline) {
      text = this.screen();
      seen?.push(text);
      if (check(text)) return text;
      await sleep(200);
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
  }

  waitFor(text: string, timeoutMs = 20_000): Promise<string> {
    return this.waitForScreen(`"${text}"`, (s) => s.includes(text), timeoutMs);
  }
}

export class TmuxServer {
  private readonly socket: string;

  constructor(name: string) {
    this.socket = `backfill-e2e-${name}-${process.pid}-${Date.now()}`;
  }

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], {encoding: 'utf8'});
  }

  session(name: string): TmuxSession {
    return new TmuxSession(this, name);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
