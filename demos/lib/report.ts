import { writeSync } from "node:fs";
import { ReportWriter } from "../../protocol/report-codec.js";
import { monotonicMs } from "../../protocol/clock.js";
import { TokenBucket } from "../../lib/token-bucket.js";
import { keepHeapSmall } from "./heap-keeper.js";
import type { ChildReport } from "../../protocol/report-types.js";

/**
 * Carries a demo process's reports to the bridge. The bridge starts each demo process with a
 * pipe for them (its file descriptor in ZMQ_REPORT_FD), beside the IPC channel it uses for
 * commands; standalone, nothing is written: the program's own printing is its output.
 *
 * What the bridge judges must survive a SIGKILL, so a message reported one by one is written
 * into the pipe (fs.writeSync: the kernel has it when the call returns) before the demo's code
 * sees it: before `receive` resolves to it, before `send` resolves. The kernel keeps what is in
 * a pipe when the process that wrote it is killed. Everything else is batched: after a quiet
 * spell the first few batches go on the next turn of the event loop, then at most one every
 * FLUSH_INTERVAL_MS (a token bucket: lib/token-bucket.ts), so a busy socket costs a few writes a second rather than
 * one per ZeroMQ message. Every write carries everything queued before it, in order: one pipe,
 * one order.
 *
 * Messages are reported one by one (with digest and previews, so the bridge can draw each
 * from its sender to its receiver and tell which were lost) up to DETAILS_PER_SECOND per
 * socket and direction — far more than a person can follow, and cheap at that rate (a write
 * each: a few µs). Above that, they are counted: one `flow` report per batch carries how many
 * and how many bytes, so counters stay exact at any rate without tracing costing more than the
 * messaging it traces (a write per message would cost `fast` a third of its rate). A count
 * still in memory dies with a killed process, so the first counted message after each flow
 * report writes a `counting` report at once: the bridge then knows that the count of a process
 * killed before the next flow report is not known, rather than short.
 *
 * A batch travels as bytes (report-codec.ts), not as JSON objects: at full detail (the
 * benchmark's ZMQ_DETAILS_PER_SECOND) building, stringifying and parsing an object per message
 * cost more than the messaging itself, on both ends. A message report is written straight into
 * a reusable buffer; the bridge makes its object.
 */

const FLUSH_INTERVAL_MS = 16;
/** Batches that may go at once after a quiet spell: a run's start is a few single reports. */
const FLUSH_BURST = 8;
/**
 * A process with nothing to report still writes an empty batch this often: its `heardUntil`
 * tells the bridge that it sent nothing meanwhile, which settles what waits on it (a receive
 * whose sender could have been this process, a subscriber's wishes for a message).
 */
const HEARTBEAT_MS = 100;
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
 * diagram shows it as a flow with counters, the bridge judges its losses by counts rather than
 * one by one, and a trickle of messages is enough for the few dots and the inspector's recent
 * messages. Flat out, the fewer reports, the less tracing costs.
 */
const TRICKLE_PER_SECOND = Math.min(50, DETAILS_PER_SECOND);

/**
 * Out of tokens, the clock is read once per this many messages. A socket that has run out is
 * busy: at its least busy (DETAILS_PER_SECOND), this many messages take a fraction of a second.
 */
const REFILL_EVERY = 64;

/** Whether a bridge started this process: true when it has an IPC channel. */
export const underBridge = typeof process.send === "function";
/** The pipe reports go to, when the bridge gave one. */
const reportFd = underBridge && process.env.ZMQ_REPORT_FD !== undefined ? Number(process.env.ZMQ_REPORT_FD) : undefined;
/** Whether this process reports: under the bridge, with its report pipe, until the pipe breaks. */
let reporting = reportFd !== undefined && Number.isInteger(reportFd);

/** Reports queued since the last write, in the order they happened. */
const pending = new ReportWriter();
let flushTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
const flushGate = new TokenBucket(FLUSH_BURST, 1000 / FLUSH_INTERVAL_MS, performance.now());
/** Whether anything went out since the last heartbeat. */
let wroteSinceHeartbeat = false;
/** Send times (see sendStarted) of the messages reported one by one that libzmq has not yet taken. */
const sendsInProgress: number[] = [];

// Under the bridge a process may run for the length of a talk: its heap is kept to what it holds.
if (underBridge) keepHeapSmall();
let heartbeat: NodeJS.Timeout | undefined;

/** Starts the heartbeat with the first report: a warm process waiting for its role says nothing. */
function startHeartbeat(): void {
  heartbeat = setInterval(() => {
    if (!wroteSinceHeartbeat) writeOut(true);
    wroteSinceHeartbeat = false;
  }, HEARTBEAT_MS).unref();
}

/** Whether reports are being made: every reporting call is a no-op otherwise. */
export function isReporting(): boolean {
  return reporting;
}

/** Queues one report for the bridge. */
export function report(entry: ChildReport): void {
  if (!reporting) return;
  if (!heartbeat) startHeartbeat();
  pending.json(entry);
  // The bridge starts a run's connecting processes once it hears where the binders bound.
  if (entry.kind === "bound") writeOut(false);
  else scheduleFlush();
}

function cancelScheduledFlush(): void {
  if (!flushTimer) return;
  clearTimeout(flushTimer as NodeJS.Timeout);
  clearImmediate(flushTimer as NodeJS.Immediate);
  flushTimer = undefined;
}

export type Direction = "send" | "recv";

/**
 * Reports one message one by one and writes it out at once, with everything queued before it:
 * `frames` as sent or received, `body` those the far end shares (the digest's input). Runs for
 * every such message, so it makes no object.
 */
export function reportMessage(
  kind: Direction,
  t: number,
  socket: number,
  seq: number,
  frames: readonly Buffer[],
  body: readonly Buffer[],
): void {
  if (!reporting) return;
  pending.message(kind, t, socket, seq, frames, body);
  writeOut(false);
}

/**
 * A send to be reported one by one begins, stamped `t`: until sendFinished(t), nothing this
 * process reports can say it was heard past t, as the send's own report (stamped t) is still
 * to come.
 */
export function sendStarted(t: number): void {
  if (reporting) sendsInProgress.push(t);
}

export function sendFinished(t: number): void {
  const index = sendsInProgress.indexOf(t);
  if (index !== -1) sendsInProgress.splice(index, 1);
}

/** One socket's messages in one direction: the budget of one-by-one reports, and what is counted beyond it. */
export interface Flow {
  socket: number;
  direction: Direction;
  /** Its one-by-one reports: DETAILS_PER_SECOND, or TRICKLE_PER_SECOND once the socket has run out. */
  budget: TokenBucket;
  /** Out of tokens: how many more messages are counted before the clock is read again. */
  untilRefill: number;
  count: number;
  bytes: number;
}
const flows: Flow[] = [];

/** A new flow for a socket and direction, flushed with every batch. */
export function openFlow(socket: number, direction: Direction): Flow {
  const flow: Flow = {
    socket,
    direction,
    budget: new TokenBucket(DETAIL_BURST, DETAILS_PER_SECOND, performance.now()),
    untilRefill: 0,
    count: 0,
    bytes: 0,
  };
  flows.push(flow);
  return flow;
}

/**
 * Whether the next message of this flow is reported one by one. When it is not, the caller
 * counts it with countInFlow. Called once per message: it must stay cheap.
 */
export function takeDetail(flow: Flow): boolean {
  if (flow.budget.takeHeld()) return true;
  // Reading the clock costs more than counting; out of tokens, it is read every so often.
  if (flow.untilRefill > 0) {
    flow.untilRefill -= 1;
    return false;
  }
  if (flow.budget.take(performance.now())) return true;
  flow.untilRefill = REFILL_EVERY;
  flow.budget.perSecond = TRICKLE_PER_SECOND;
  return false;
}

/** Counts one message that is not reported one by one; sent with the next batch. */
export function countInFlow(flow: Flow, bytes: number): void {
  if (flow.count === 0 && reporting) {
    // The first since the last flow report: the bridge learns at once that a count is open.
    pending.json({ kind: "counting", t: monotonicMs(), socket: flow.socket, direction: flow.direction });
    writeOut(false);
  }
  flow.count += 1;
  flow.bytes += bytes;
  if (!flushTimer) scheduleFlush();
}

function scheduleFlush(): void {
  if (flushTimer) return;
  const wait = flushGate.waitMs(performance.now());
  flushTimer = wait > 0 ? setTimeout(flush, wait) : setImmediate(flush);
}

function flush(): void {
  flushTimer = undefined;
  flushGate.spend(performance.now());
  writeOut(true);
}

/**
 * Writes everything queued as one batch into the report pipe; when it returns, the kernel has
 * it. A full pipe (the bridge behind) makes it wait: the process slows to what the bridge can
 * follow rather than let reports go. `withFlows`: the counts of counted messages go too (on the
 * flush timer's beat, not with every message written out one by one: a busy socket's few
 * one-by-one reports would otherwise each carry a count of a handful).
 */
function writeOut(withFlows: boolean): void {
  if (!reporting) return;
  const t = monotonicMs();
  if (withFlows) {
    for (const flow of flows) {
      if (flow.count === 0) continue;
      pending.json({ kind: "flow", t, socket: flow.socket, direction: flow.direction, count: flow.count, bytes: flow.bytes });
      flow.count = 0;
      flow.bytes = 0;
    }
  }
  let heardUntil = t;
  for (const started of sendsInProgress) heardUntil = Math.min(heardUntil, started);
  const batch = pending.take(heardUntil);
  wroteSinceHeartbeat = true;
  let written = 0;
  while (written < batch.length) {
    try {
      written += writeSync(reportFd!, batch, written, batch.length - written);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") continue;
      // EPIPE: the bridge is gone, and this process goes too once it sees its IPC channel close.
      reporting = false;
      return;
    }
  }
}

/** Writes whatever is queued now (at the end of the process: its last reports). */
export function flushNow(): void {
  cancelScheduledFlush();
  writeOut(true);
}
