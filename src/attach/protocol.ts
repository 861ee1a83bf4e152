// The attach protocol: line-delimited JSON over an owner-only Unix socket in the state dir.
// Every message carries `v`; a peer that speaks another version is told so and dropped.
import type {DerivedTableName} from '../catalog/types.js';
import type {DateRange} from '../dates.js';
import type {RunEvent, RunIntent} from '../runner/types.js';
import type {SessionState} from '../session/types.js';

export const PROTOCOL_VERSION = 1;

/** Who holds the warehouse: shown by a refused second writer and by `status`. */
export interface RunOwner {
  readonly pid: number;
  readonly startedAt: string;
  readonly warehouse: string;
  readonly command: string;
}

export type ServerMessage =
  | {readonly v: 1; readonly type: 'hello'; readonly owner: RunOwner; readonly state: SessionState; readonly backlog: readonly RunEvent[]}
  | {readonly v: 1; readonly type: 'state'; readonly state: SessionState}
  | {readonly v: 1; readonly type: 'event'; readonly event: RunEvent}
  | {readonly v: 1; readonly type: 'error'; readonly message: string};

export type ClientMessage =
  | {readonly v: 1; readonly type: 'intent'; readonly intent: RunIntent}
  | {readonly v: 1; readonly type: 'refresh'}
  | {readonly v: 1; readonly type: 'validate'; readonly range: DateRange; readonly tables: readonly DerivedTableName[]};

const INTENTS = new Set(['pause', 'resume', 'cancel']);

/** Parses one line from a client; returns an error message for anything not understood. */
export function parseClientMessage(line: string): ClientMessage | {error: string} {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return {error: 'not JSON'};
  }
  if (typeof message !== 'object' || message === null) return {error: 'not an object'};
  const m = message as Record<string, unknown>;
  if (m.v !== PROTOCOL_VERSION) return {error: `unsupported protocol version ${JSON.stringify(m.v)} (this run speaks ${PROTOCOL_VERSION})`};
  switch (m.type) {
    case 'intent': {
      const intent = m.intent as Record<string, unknown> | undefined;
      if (!intent || !INTENTS.has(intent.type as string)) return {error: 'intent must be pause, resume or cancel'};
      if (intent.processor !== undefined && typeof intent.processor !== 'string') return {error: 'intent.processor must be a table name'};
      return {v: 1, type: 'intent', intent: intent as unknown as RunIntent};
    }
    case 'refresh':
      return {v: 1, type: 'refresh'};
    case 'validate': {
      const range = m.range as Record<string, unknown> | undefined;
      if (!range || typeof range.start !== 'string' || typeof range.end !== 'string' || !Array.isArray(m.tables)) {
        return {error: 'validate needs range {start, end} and tables'};
      }
      return {v: 1, type: 'validate', range: {start: range.start, end: range.end}, tables: m.tables as DerivedTableName[]};
    }
    default:
      return {error: `unknown message type ${JSON.stringify(m.type)}`};
  }
}

/** Splits a byte stream into lines, keeping a partial line until its end arrives. Bounded. */
export class LineSplitter {
  private buffer = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLine = 1 << 20,
  ) {}

  /** Returns false when a line grew past the limit (the peer is misbehaving). */
  push(chunk: string): boolean {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.trim() !== '') this.onLine(line);
    }
    return this.buffer.length <= this.maxLine;
  }
}
