// The batch graph of a run: the plan's batches, the planned batches each waits for (the gates the
// planner put in the plan) and the state of each. Pure: no timers, no warehouse, no events, so
// that readiness and propagation are tested on their own. Every state change is a checked move
// of the state machine below; a move propagates: a batch done makes the dependants whose every
// input is done ready, a batch failed or cancelled fails or cancels its dependants, transitively,
// saying which input and dates it was. The scheduler decides when to move; this decides what
// follows.
import {derivedTable} from '../catalog/index.js';
import type {DerivedTableName} from '../catalog/types.js';
import {idsOf} from './gates.js';
import type {PlannedBatch} from './plan.js';

export type BatchState = 'waiting' | 'ready' | 'backoff' | 'running' | 'done' | 'failed' | 'cancelled';

export const BATCH_STATES: readonly BatchState[] = ['waiting', 'ready', 'backoff', 'running', 'done', 'failed', 'cancelled'];

/**
 * The legal moves; anything else is a bug in the caller and throws.
 * waiting → ready (inputs done), failed (an input failed or will never exist), cancelled;
 * ready → running, cancelled; running → done, failed, cancelled (aborted), backoff (a retry
 * waits), ready (requeued: a pause cancelled its query, or a stop caught a transient error);
 * backoff → ready (its delay passed, or the run stops), cancelled. done, failed, cancelled: final.
 */
export const LEGAL_MOVES: Readonly<Record<BatchState, readonly BatchState[]>> = {
  waiting: ['ready', 'failed', 'cancelled'],
  ready: ['running', 'cancelled'],
  running: ['done', 'failed', 'cancelled', 'backoff', 'ready'],
  backoff: ['ready', 'cancelled'],
  done: [],
  failed: [],
  cancelled: [],
};

export function isSettled(state: BatchState): state is 'done' | 'failed' | 'cancelled' {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

/** One applied move; `reason` says why a batch failed or was cancelled. */
export interface Move {
  readonly id: number;
  readonly from: BatchState;
  readonly to: BatchState;
  readonly reason: string | null;
}

export class IllegalMoveError extends Error {
  constructor(batch: PlannedBatch, from: BatchState, to: BatchState, why?: string) {
    const allowed = LEGAL_MOVES[from].join(', ') || 'nothing: it is settled';
    super(`batch ${batch.id} (${derivedTable(batch.processor).short} ${batch.start} → ${batch.end}) cannot move ${from} → ${to} (${why ?? `from ${from}: ${allowed}`})`);
    this.name = 'IllegalMoveError';
  }
}

interface Node {
  readonly batch: PlannedBatch;
  state: BatchState;
  reason: string | null;
  /** Its inputs' batches not done yet. */
  pending: number;
  readonly dependants: number[];
}

type Tally = Record<BatchState, {batches: number; dates: number}>;

function emptyTally(): Tally {
  return Object.fromEntries(BATCH_STATES.map((s) => [s, {batches: 0, dates: 0}])) as Tally;
}

/** Why a batch cannot run: its inputs that are neither covered nor planned. */
function blockedReason(batch: PlannedBatch): string | null {
  if (batch.blockedBy.length === 0) return null;
  const inputs = batch.blockedBy.map((b) => `${derivedTable(b.input).short} on ${b.dates} date${b.dates > 1 ? 's' : ''}`);
  return `inputs not covered and not planned: ${inputs.join(', ')}`;
}

export class BatchGraph {
  private readonly nodes: Node[];
  private readonly byProcessor = new Map<DerivedTableName, number[]>();
  private readonly tallies = new Map<DerivedTableName, Tally>();
  private readonly total = emptyTally();
  /** Ready batch ids per processor. */
  private readonly ready = new Map<DerivedTableName, Set<number>>();

  /** `batches[i]` must have id `i`; a batch waits only for ids of other batches of the list. */
  constructor(batches: readonly PlannedBatch[]) {
    this.nodes = batches.map((batch, index) => {
      if (batch.id !== index) throw new Error(`plan batch ${index} has id ${batch.id}: ids must be 0, 1, 2, … in plan order`);
      return {batch, state: 'waiting', reason: null, pending: 0, dependants: []};
    });
    for (const node of this.nodes) {
      const {id, processor} = node.batch;
      for (const input of idsOf(node.batch.waitsFor)) {
        if (!Number.isInteger(input) || input < 0 || input >= this.nodes.length || input === id) {
          throw new Error(`plan batch ${id} waits for batch ${input}, which is not another batch of the plan`);
        }
        this.nodes[input].dependants.push(id);
        node.pending++;
      }
      if (!this.byProcessor.has(processor)) {
        this.byProcessor.set(processor, []);
        this.tallies.set(processor, emptyTally());
        this.ready.set(processor, new Set());
      }
      this.byProcessor.get(processor)!.push(id);
      this.count(node, 'waiting', 1);
    }
    for (const node of this.nodes) node.dependants.sort((a, b) => a - b);
    // Nothing to wait for: ready from the start. Blocked ones stay waiting until failed.
    for (const node of this.nodes) if (node.pending === 0 && !blockedReason(node.batch)) this.write(node, 'ready', null);
  }

  static fromPlan(plan: {readonly processors: readonly {readonly batches: readonly PlannedBatch[]}[]}): BatchGraph {
    return new BatchGraph(plan.processors.flatMap((p) => p.batches));
  }

  get size(): number {
    return this.nodes.length;
  }

  batch(id: number): PlannedBatch {
    return this.node(id).batch;
  }

  state(id: number): BatchState {
    return this.node(id).state;
  }

  /** A processor's batch ids, in date order. */
  idsOf(processor: DerivedTableName): readonly number[] {
    return this.byProcessor.get(processor) ?? [];
  }

  idsIn(state: BatchState): number[] {
    return this.nodes.filter((n) => n.state === state).map((n) => n.batch.id);
  }

  /** Batches that can never run (inputs neither covered nor planned), with why: to fail at start. */
  blocked(): {id: number; reason: string}[] {
    return this.nodes.flatMap((n) => {
      const reason = blockedReason(n.batch);
      return reason ? [{id: n.batch.id, reason}] : [];
    });
  }

  /** A processor's earliest ready batch. */
  firstReady(processor: DerivedTableName): number | undefined {
    let first: number | undefined;
    for (const id of this.ready.get(processor) ?? []) if (first === undefined || id < first) first = id;
    return first;
  }

  /** A processor's latest ready batch (ids are in date order): what newest-first starts. */
  lastReady(processor: DerivedTableName): number | undefined {
    let last: number | undefined;
    for (const id of this.ready.get(processor) ?? []) if (last === undefined || id > last) last = id;
    return last;
  }

  /** Batches (and their game dates) in a state, of one processor or of the whole run. */
  tally(state: BatchState, processor?: DerivedTableName): {batches: number; dates: number} {
    const tally = processor ? this.tallies.get(processor) : this.total;
    return tally ? {...tally[state]} : {batches: 0, dates: 0};
  }

  /** Batches not settled yet, of one processor or of the whole run. */
  open(processor?: DerivedTableName): number {
    return (['waiting', 'ready', 'backoff', 'running'] as const).reduce((sum, s) => sum + this.tally(s, processor).batches, 0);
  }

  /** Game dates of a processor's batches, or of the whole run. */
  dates(processor?: DerivedTableName): number {
    return BATCH_STATES.reduce((sum, s) => sum + this.tally(s, processor).dates, 0);
  }

  /**
   * Moves a batch, checked against LEGAL_MOVES, and what follows from it; returns every applied
   * move in order: this one first, then those it caused, depth first.
   */
  move(id: number, to: BatchState, reason: string | null = null): Move[] {
    const moves: Move[] = [];
    this.apply(this.node(id), to, reason, moves);
    return moves;
  }

  private apply(node: Node, to: BatchState, reason: string | null, moves: Move[]): void {
    const from = node.state;
    if (!LEGAL_MOVES[from].includes(to)) throw new IllegalMoveError(node.batch, from, to);
    // Only its inputs make a waiting batch ready.
    if (from === 'waiting' && to === 'ready' && node.pending > 0) throw new IllegalMoveError(node.batch, from, to, `${node.pending} of the batches it waits for are not done`);
    if (from === 'waiting' && to === 'ready' && blockedReason(node.batch)) throw new IllegalMoveError(node.batch, from, to, 'its inputs are neither covered nor planned');
    this.write(node, to, to === 'failed' || to === 'cancelled' ? reason : null);
    moves.push({id: node.batch.id, from, to, reason: node.reason});
    if (to === 'done') {
      for (const id of node.dependants) {
        const dependant = this.nodes[id];
        if (--dependant.pending === 0 && dependant.state === 'waiting' && !blockedReason(dependant.batch)) this.apply(dependant, 'ready', null, moves);
      }
    } else if (to === 'failed' || to === 'cancelled') {
      const {batch} = node;
      const why = `its input ${derivedTable(batch.processor).short} ${to === 'failed' ? 'failed' : 'was cancelled'} on ${batch.start} → ${batch.end}`;
      for (const id of node.dependants) {
        const dependant = this.nodes[id];
        if (isSettled(dependant.state)) continue;
        // A dependant of an unsettled batch cannot have started: it still waits.
        if (dependant.state !== 'waiting') throw new IllegalMoveError(dependant.batch, dependant.state, to);
        this.apply(dependant, to, why, moves);
      }
    }
  }

  /** The one place a batch's state is written. */
  private write(node: Node, to: BatchState, reason: string | null): void {
    const {processor, id} = node.batch;
    this.count(node, node.state, -1);
    if (node.state === 'ready') this.ready.get(processor)!.delete(id);
    node.state = to;
    node.reason = reason;
    this.count(node, to, 1);
    if (to === 'ready') this.ready.get(processor)!.add(id);
  }

  private count(node: Node, state: BatchState, sign: 1 | -1): void {
    const dates = node.batch.dates.length * sign;
    const tally = this.tallies.get(node.batch.processor)!;
    tally[state].batches += sign;
    tally[state].dates += dates;
    this.total[state].batches += sign;
    this.total[state].dates += dates;
  }

  private node(id: number): Node {
    const node = this.nodes[id];
    if (!node) throw new Error(`no batch ${id} in this run (${this.nodes.length} batches)`);
    return node;
  }
}
