// The attach protocol: line-delimited JSON over an owner-only Unix socket in the state dir.
// A client sends the requests of src/session/requests.ts as `{v, type, id?, ...payload}`; the
// server answers each one that carries an id with one `reply` (its data, or why it was refused).
// Every message carries `v`; a peer that speaks another version is told so and dropped. Coverage
// travels in its own message, only when it changed: it is the one large part of the state.
import {clipped, quoted} from '../quote.js';
import type {RunEvent} from '../runner/types.js';
import {isRequestType, SESSION_REQUESTS, type RequestPayload, type RequestType, type SessionRequest} from '../session/requests.js';
import type {SessionState} from '../session/types.js';

/** 3: requests carry ids and get replies; the start preview is data (a PlanPreview). 4: runs and undo. */
export const PROTOCOL_VERSION = 4;
type V = typeof PROTOCOL_VERSION;

/** Who holds the warehouse: shown by a refused second writer and by `status`. */
export interface RunOwner {
  readonly pid: number;
  readonly startedAt: string;
  readonly warehouse: string;
  readonly command: string;
  /** True when clients may start runs and roll back (a console's host), not only steer its run. */
  readonly control: boolean;
}

export type WireState = Omit<SessionState, 'coverage'>;

export type ServerMessage =
  | {readonly v: V; readonly type: 'hello'; readonly owner: RunOwner; readonly state: SessionState; readonly backlog: readonly RunEvent[]; readonly clients: number}
  | {readonly v: V; readonly type: 'state'; readonly state: WireState; readonly clients: number}
  | {readonly v: V; readonly type: 'coverage'; readonly coverage: SessionState['coverage']}
  | {readonly v: V; readonly type: 'event'; readonly event: RunEvent}
  /**
   * The answer to the request with this id: its reply's data (undefined for one without), or why
   * it failed; `refused` when the server turned it down before the session saw it.
   */
  | {readonly v: V; readonly type: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: string; readonly refused?: boolean}
  /** A request without an id that was refused, or a line that was not a request at all. */
  | {readonly v: V; readonly type: 'error'; readonly message: string};

/** A server message before `encode` adds the version. */
export type Outgoing = ServerMessage extends infer M ? (M extends unknown ? Omit<M, 'v'> : never) : never;

export function encode(message: Outgoing): string {
  return `${JSON.stringify({v: PROTOCOL_VERSION, ...message})}\n`;
}

export function encodeRequest<K extends RequestType>(type: K, id: number, payload: RequestPayload<K>): string {
  return `${JSON.stringify({...payload, v: PROTOCOL_VERSION, type, id})}\n`;
}

export interface ParsedRequest {
  readonly request: SessionRequest;
  readonly id?: number;
}

/**
 * Every line a client sends passes here: the one place a request is refused for not being JSON,
 * for another version, an unknown type or a payload its schema rejects (with the id when it had
 * one, so that the client's waiting call is answered, not left hanging).
 */
export function parseClientMessage(line: string): ParsedRequest | {readonly error: string; readonly id?: number} {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return {error: 'not JSON'};
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return {error: 'not an object'};
  const {v, type, id: rawId, ...payload} = message as Record<string, unknown>;
  const id = Number.isSafeInteger(rawId) ? (rawId as number) : undefined;
  const withId = id === undefined ? {} : {id};
  if (v !== PROTOCOL_VERSION) return {error: `unsupported protocol version ${clipped(String(JSON.stringify(v)))} (this run speaks ${PROTOCOL_VERSION})`, ...withId};
  if (!isRequestType(type)) return {error: `unknown request ${quoted(type)}`, ...withId};
  const parsed = SESSION_REQUESTS[type].payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {error: `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`, ...withId};
  }
  return {request: {type, payload: parsed.data} as SessionRequest, ...withId};
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
