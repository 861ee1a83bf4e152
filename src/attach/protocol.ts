// The attach protocol: line-delimited JSON over an owner-only Unix socket in the state dir.
// Every message carries `v`; a peer that speaks another version is told so and dropped.
// Coverage travels in its own message, only when it changed: it is the one large part of the state.
import {z} from 'zod';
import type {DerivedTableName} from '../catalog/types.js';
import {dateRangeSchema, derivedTableName, runRequestSchema} from '../runner/request.js';
import type {DateRange} from '../dates.js';
import type {CoverageSnapshot, RunEvent, RunIntent, RunRequest} from '../runner/types.js';
import type {SessionState, StartPreview} from '../session/types.js';

export const PROTOCOL_VERSION = 2;

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
  | {readonly v: 2; readonly type: 'hello'; readonly owner: RunOwner; readonly state: SessionState; readonly backlog: readonly RunEvent[]; readonly clients: number}
  | {readonly v: 2; readonly type: 'state'; readonly state: WireState; readonly clients: number}
  | {readonly v: 2; readonly type: 'coverage'; readonly coverage: CoverageSnapshot | null}
  | {readonly v: 2; readonly type: 'event'; readonly event: RunEvent}
  | {readonly v: 2; readonly type: 'preview'; readonly id: number; readonly preview?: StartPreview; readonly error?: string}
  | {readonly v: 2; readonly type: 'error'; readonly message: string};

export type ClientMessage =
  | {readonly v: 2; readonly type: 'intent'; readonly intent: RunIntent}
  | {readonly v: 2; readonly type: 'refresh'}
  | {readonly v: 2; readonly type: 'validate'; readonly range: DateRange; readonly tables: readonly DerivedTableName[]}
  | {readonly v: 2; readonly type: 'start'; readonly request: RunRequest}
  | {readonly v: 2; readonly type: 'preview'; readonly id: number; readonly request: RunRequest}
  | {readonly v: 2; readonly type: 'rollback'; readonly range: DateRange; readonly tables: readonly DerivedTableName[]; readonly rerun: boolean};

const tableName = derivedTableName;
const range = dateRangeSchema;
const tables = z.array(tableName).min(1);
const request = runRequestSchema;
const v = z.literal(PROTOCOL_VERSION);

const clientMessage = z.discriminatedUnion('type', [
  z.object({v, type: z.literal('intent'), intent: z.object({type: z.enum(['pause', 'resume', 'cancel']), processor: tableName.optional()})}),
  z.object({v, type: z.literal('refresh')}),
  z.object({v, type: z.literal('validate'), range, tables}),
  z.object({v, type: z.literal('start'), request}),
  z.object({v, type: z.literal('preview'), id: z.number().int(), request}),
  z.object({v, type: z.literal('rollback'), range, tables, rerun: z.boolean()}),
]);

/**
 * Parses one line from a client; returns an error message for anything not understood (with the
 * preview id when it had one, so that the client's waiting preview is answered, not left hanging).
 */
export function parseClientMessage(line: string): ClientMessage | {error: string; previewId?: number} {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return {error: 'not JSON'};
  }
  if (typeof message !== 'object' || message === null) return {error: 'not an object'};
  const version = (message as {v?: unknown}).v;
  if (version !== PROTOCOL_VERSION) return {error: `unsupported protocol version ${JSON.stringify(version)} (this run speaks ${PROTOCOL_VERSION})`};
  const parsed = clientMessage.safeParse(message);
  if (parsed.success) return parsed.data as ClientMessage;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  const {type, id} = message as {type?: unknown; id?: unknown};
  return {error: `${where}${issue.message}`, ...(type === 'preview' && typeof id === 'number' ? {previewId: id} : {})};
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
