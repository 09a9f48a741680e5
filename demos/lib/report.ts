import { ReportWriter } from "./report-codec.js";
import { FlushGate } from "./flush-gate.js";
import { keepHeapSmall } from "./heap-keeper.js";
import type { ChildReport, EncodedReportBatch } from "./report-types.js";

/**
 * Carries a demo process's reports to the bridge. Under the bridge (an IPC channel exists)
 * reports are batched: after a quiet spell the first few batches go on the next turn of the
 * event loop, then at most one IPC message every FLUSH_INTERVAL_MS (flush-gate.ts), so a busy
 * socket costs a few IPC messages a second rather than one per ZeroMQ message. Standalone, nothing is sent: the
 * program's own printing is its output.
 *
 * Messages are reported one by one (with digest and previews, so the bridge can draw each
 * from its sender to its receiver and tell which were lost) up to DETAILS_PER_SECOND per
 * socket and direction — far more than a person can follow, and cheap at that rate. Above
 * that, they are counted: one `flow` report per batch carries how many and how many bytes, so
 * counters stay exact at any rate without tracing costing more than the messaging it traces.
 * A socket that has once gone past its budget keeps only a trickle of one-by-one reports.
 *
 * A batch travels as bytes (report-codec.ts), not as JSON objects: at full detail (the
 * benchmark's ZMQ_DETAILS_PER_SECOND) building, stringifying and parsing an object per message
 * cost more than the messaging itself, on both ends. A message report is written straight into
 * a reusable buffer; the bridge makes its object. The batch crosses Node's IPC channel as one
 * base64 string, which JSON carries without looking inside. (The channel's "advanced"
 * serialization would carry the bytes as they are, but under this load its reader stalls for
 * good now and then — nodejs/node#55834 — and the run with it.)
 */

const FLUSH_INTERVAL_MS = 16;
/** Batches that may go at once after a quiet spell: a run's start is a few single reports. */
const FLUSH_BURST = 8;
// ZMQ_DETAILS_PER_SECOND raises it for the benchmark that measures the event path at full load.
// Five times the fastest paced demo (200 a second); a person follows a few dozen dots at most.
const DETAILS_PER_SECOND = Number(process.env.ZMQ_DETAILS_PER_SECOND ?? 1000);
/**
 * Reported one by one even in a burst: a distributed adder's tasks (a hundred or so), not the
 * `fast` demo's thousand round trips in a few tens of milliseconds.
 */
const DETAIL_BURST = Math.min(500, DETAILS_PER_SECOND);

/**
 * Once a socket has been too busy to follow, its budget refills at this rate instead: the
 * diagram shows it as a flow with counters, the bridge no longer judges losses in the run (a
 * counted message's fate cannot be known), and a trickle of messages is enough for the few
 * dots and the inspector's recent messages. Flat out, the fewer reports, the less tracing costs.
 */
const TRICKLE_PER_SECOND = Math.min(50, DETAILS_PER_SECOND);

/**
 * Out of tokens, the clock is read once per this many messages. A socket that has run out is
 * busy: at its least busy (DETAILS_PER_SECOND), this many messages take a fraction of a second.
 */
const REFILL_EVERY = 64;

/** Reports queued since the last flush, in the order they happened. */
const pending = new ReportWriter();
let flushTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
const flushGate = new FlushGate(FLUSH_INTERVAL_MS, FLUSH_BURST, performance.now());

/** Whether a bridge is listening: true when this process was started with an IPC channel. */
export const underBridge = typeof process.send === "function";

// Under the bridge a process may run for the length of a talk: its heap is kept to what it holds.
if (underBridge) keepHeapSmall();

/** The system's monotonic clock in ms, shared by every process on the machine. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Queues one report for the bridge. */
export function report(entry: ChildReport): void {
  if (!underBridge) return;
  pending.json(entry);
  // The bridge starts a run's connecting processes once it hears where the binders bound: that
  // report goes on the next turn, whatever the pace of the others.
  if (entry.kind === "bound") flushOnNextTurn();
  else scheduleFlush();
}

function flushOnNextTurn(): void {
  cancelScheduledFlush();
  flushTimer = setImmediate(flush);
}

function cancelScheduledFlush(): void {
  if (!flushTimer) return;
  clearTimeout(flushTimer as NodeJS.Timeout);
  clearImmediate(flushTimer as NodeJS.Immediate);
  flushTimer = undefined;
}

export type Direction = "send" | "recv";

/**
 * Queues one message reported one by one: `frames` as sent or received, `body` those the far
 * end shares (the digest's input). Runs for every such message, so it makes no object.
 */
export function reportMessage(kind: Direction, t: number, socket: number, seq: number, frames: readonly Buffer[], body: readonly Buffer[]): void {
  if (!underBridge) return;
  pending.message(kind, t, socket, seq, frames, body);
  scheduleFlush();
}

/** One socket's messages in one direction: the budget of one-by-one reports, and what is counted beyond it. */
export interface Flow {
  socket: number;
  direction: Direction;
  tokens: number;
  /** How fast tokens come back: DETAILS_PER_SECOND, or TRICKLE_PER_SECOND once the socket has run out. */
  perSecond: number;
  refilledAt: number;
  /** Out of tokens: how many more messages are counted before the clock is read again. */
  untilRefill: number;
  count: number;
  bytes: number;
}
const flows: Flow[] = [];

/** A new flow for a socket and direction, flushed with every batch. */
export function openFlow(socket: number, direction: Direction): Flow {
  const flow: Flow = { socket, direction, tokens: DETAIL_BURST, perSecond: DETAILS_PER_SECOND, refilledAt: performance.now(), untilRefill: 0, count: 0, bytes: 0 };
  flows.push(flow);
  return flow;
}

/**
 * Whether the next message of this flow is reported one by one. When it is not, the caller
 * counts it with countInFlow. Called once per message: it must stay cheap.
 */
export function takeDetail(flow: Flow): boolean {
  if (flow.tokens < 1) {
    // Reading the clock costs more than counting; out of tokens, it is read every so often.
    if (flow.untilRefill > 0) {
      flow.untilRefill -= 1;
      return false;
    }
    const now = performance.now();
    flow.tokens = Math.min(DETAIL_BURST, flow.tokens + ((now - flow.refilledAt) / 1000) * flow.perSecond);
    flow.refilledAt = now;
    if (flow.tokens < 1) {
      flow.untilRefill = REFILL_EVERY;
      flow.perSecond = TRICKLE_PER_SECOND;
      return false;
    }
  }
  flow.tokens -= 1;
  return true;
}

/** Counts one message that is not reported one by one; sent with the next batch. */
export function countInFlow(flow: Flow, bytes: number): void {
  flow.count += 1;
  flow.bytes += bytes;
  if (!flushTimer) scheduleFlush();
}

function scheduleFlush(): void {
  if (flushTimer) return;
  const wait = flushGate.waitMs(performance.now());
  flushTimer = wait > 0 ? setTimeout(flush, wait) : setImmediate(flush);
}

/**
 * Takes everything queued, counted flows included, as one batch (undefined when there is
 * nothing): bytes that are the writer's until the next report, so sent at once.
 */
function takeBatch(): Buffer | undefined {
  const t = monotonicMs();
  for (const flow of flows) {
    if (flow.count === 0) continue;
    pending.json({ kind: "flow", t, socket: flow.socket, direction: flow.direction, count: flow.count, bytes: flow.bytes });
    flow.count = 0;
    flow.bytes = 0;
  }
  return pending.count === 0 ? undefined : pending.take();
}

function flush(): void {
  flushTimer = undefined;
  flushGate.spend(performance.now());
  const reports = takeBatch();
  if (reports === undefined || !process.connected) return;
  process.send!({ reports: reports.toString("base64") } satisfies EncodedReportBatch);
}

/** Sends whatever is queued and resolves once the IPC channel has taken it. */
export function flushNow(): Promise<void> {
  cancelScheduledFlush();
  const reports = takeBatch();
  if (reports === undefined || !process.connected) return Promise.resolve();
  return new Promise((resolve) => {
    process.send!({ reports: reports.toString("base64") } satisfies EncodedReportBatch, undefined, {}, () => resolve());
  });
}
