/**
 * The zeromq API the demos import, with every socket reporting what it does.
 *
 * Each class here is the zeromq.js class of the same name; its instances additionally report
 * their sends, receives, binds, connects and socket-monitor events to the bridge (see
 * report.ts). The demo's own code stays the code on the slide: `new zmq.Request()`,
 * `await socket.send("Hello")`, `for await (const [msg] of socket)`.
 */
import { createRequire } from "node:module";
import type * as ZeroMQ from "zeromq";
import { toBuffer } from "../../protocol/digest.js";
import {
  type Direction,
  type Flow,
  countInFlow,
  isReporting,
  openFlow,
  report,
  reportMessage,
  sendFinished,
  sendStarted,
  takeDetail,
} from "./report.js";
import { monotonicMs } from "../../protocol/clock.js";

/**
 * zeromq.js, loaded with require rather than import: importing a CommonJS package from an ES
 * module makes Node parse its source for named exports, which costs every demo process about
 * 5 MB of memory (measured with /proc/PID/status; see demos/lib/host.ts).
 */
const zeromq: typeof ZeroMQ = createRequire(import.meta.url)("zeromq");

export type * from "zeromq";
// biome-ignore lint/suspicious/noShadowRestrictedNames: zeromq.js's own name for its proxy, as its examples import it
export const { capability, context, curveKeyPair, version, Context, Socket, Observer, Proxy, Pair, Stream } = zeromq;

type MessagePart = ZeroMQ.MessageLike;
type AnySocket = ZeroMQ.Socket;

/**
 * What a demo socket takes from a peer. A shared run's endpoints are open to the network, and
 * one 256 MB message, or one of 100,000 frames, grew the demo that received it to ~900 MB and
 * the bridge with it. The demos' own largest message is `fast`'s 64 KB.
 *
 * libzmq itself refuses a frame over MAX_FRAME_BYTES (ZMQ_MAXMSGSIZE): it drops the connection
 * of the peer that sent it before holding the frame, and gives no sign of why — a monitor sees
 * that peer disconnect. A message that got through with more frames or bytes than below is
 * refused here, before the demo's code, a report or a log line holds it: the process prints
 * that it refused it (the diagram's output shows it) and reports an EMSGSIZE error.
 */
export const MAX_FRAME_BYTES = 1024 * 1024;
export const MAX_MESSAGE_BYTES = 256 * 1024;
export const MAX_FRAMES_PER_MESSAGE = 16;

/** Every traced socket of this process, so shutdown can close them and count totals. */
const openSockets: ZeroMQ.Socket[] = [];
const totals = { sent: 0, received: 0 };

/** The process's own counts of messages sent and received, over all its sockets. */
export function messageTotals(): { sent: number; received: number } {
  return { ...totals };
}

/** Closes every socket this process opened. Pending sends and receives reject, by design. */
export function closeAllSockets(): void {
  for (const socket of openSockets) if (!socket.closed) socket.close();
}

function partToBuffer(part: MessagePart): Buffer {
  if (part === null) return Buffer.alloc(0);
  if (typeof part === "number") return Buffer.from(String(part));
  if (part instanceof ArrayBuffer || part instanceof SharedArrayBuffer) return Buffer.from(part);
  return toBuffer(part as Buffer | Uint8Array | string);
}

function describeError(error: unknown): { code: string; message: string } {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return { code: typeof code === "string" ? code : "ERROR", message: String(message ?? error) };
}

function partSize(part: MessagePart): number {
  if (part === null) return 0;
  if (typeof part === "string") return Buffer.byteLength(part);
  if (typeof part === "number") return String(part).length;
  return part.byteLength;
}

/** Socket types whose messages carry a routing envelope (identities, then an empty frame). */
const ENVELOPED = new Set(["ROUTER", "DEALER"]);

/**
 * The frames a peer on the far side sees: a ROUTER or DEALER carries the envelope that REQ and
 * REP add and strip out of sight, so only what follows the empty delimiter is compared.
 */
function bodyOf(type: string, frames: Buffer[]): Buffer[] {
  if (!ENVELOPED.has(type)) return frames;
  const delimiter = frames.findIndex((frame) => frame.length === 0);
  return delimiter === -1 ? frames : frames.slice(delimiter + 1);
}

/**
 * Reports one message: one by one (digest, previews, time) while the socket is slow enough
 * to follow, else only counted — see report.ts. A message reported one by one is written out
 * before the demo's code sees its send or receive complete. The counted path runs for every
 * message of a busy socket, so it allocates nothing.
 */
function reportSend(trace: SocketTrace, detailedAt: number | undefined, message: MessagePart | MessagePart[]): void {
  if (detailedAt === undefined) {
    countInFlow(
      trace.sendFlow!,
      Array.isArray(message) ? message.reduce<number>((total, part) => total + partSize(part), 0) : partSize(message),
    );
    return;
  }
  reportDetailed("send", detailedAt, trace, trace.sentCount, Array.isArray(message) ? message.map(partToBuffer) : [partToBuffer(message)]);
}

function reportReceive(trace: SocketTrace, frames: Buffer[]): void {
  if (!takeDetail(trace.recvFlow!)) {
    let size = 0;
    for (const frame of frames) size += frame.length;
    countInFlow(trace.recvFlow!, size);
    return;
  }
  reportDetailed("recv", monotonicMs(), trace, trace.receivedCount, frames);
}

function reportDetailed(kind: Direction, t: number, trace: SocketTrace, seq: number, frames: Buffer[]): void {
  reportMessage(kind, t, trace.id, seq, frames, bodyOf(trace.type, frames));
}

/** What a traced socket keeps about itself; the sockets are sealed, so it lives beside them. */
class SocketTrace {
  sentCount = 0;
  receivedCount = 0;
  /** When reporting only: how this socket's messages are reported, each way. */
  readonly sendFlow: Flow | undefined;
  readonly recvFlow: Flow | undefined;
  /** Peers whose handshake completed and that have not disconnected since. */
  peers = 0;
  /** Called whenever `peers` changes. */
  readonly onPeers = new Set<() => void>();
  /** A SUB's current subscriptions. */
  filters: string[] = [];
  /** Whether the program waits in `receive`, whether that wait was reported as idle, and the count at the last check. */
  receivePending = false;
  idleReported = false;
  receivedAtCheck = 0;
  /** Whether it waited in `receive` at the last check, and when that check was. */
  pendingAtCheck = false;
  checkedAt = 0;

  constructor(
    readonly socket: ZeroMQ.Socket,
    readonly id: number,
    readonly type: string,
  ) {
    if (isReporting()) {
      this.sendFlow = openFlow(id, "send");
      this.recvFlow = openFlow(id, "recv");
      watchWaits();
    }
  }

  /**
   * The message of the send in progress, for onSent and onSendFailed: zeromq.js runs one
   * send at a time per socket, so the handlers are made once per socket, not once per message.
   */
  sendPending = false;
  sendingMessage: MessagePart | MessagePart[] = null;
  sendingDetailedAt: number | undefined;
  /** Sends made so far (counted when made, not when taken), that count at the last wait check, and whether a wait was reported. */
  sendsMade = 0;
  sendsMadeAtCheck = 0;
  waitReported = false;

  /** Counts a message libzmq has taken, and reports it. */
  countSent(message: MessagePart | MessagePart[], detailedAt: number | undefined): void {
    this.sentCount += 1;
    totals.sent += 1;
    if (this.sendFlow === undefined) return;
    reportSend(this, detailedAt, message);
    if (detailedAt !== undefined) sendFinished(detailedAt);
  }

  readonly onSent = (): void => {
    const message = this.sendingMessage;
    this.sendPending = false;
    if (this.waitReported) this.#waitOver();
    // Not kept once sent: the caller may reuse or drop its buffer.
    this.sendingMessage = null;
    this.countSent(message, this.sendingDetailedAt);
  };

  readonly onSendFailed = (error: unknown): never => {
    this.sendPending = false;
    if (this.waitReported) this.#waitOver();
    this.sendingMessage = null;
    if (this.sendingDetailedAt !== undefined) sendFinished(this.sendingDetailedAt);
    this.reportError(error);
    throw error;
  };

  #waitOver(): void {
    this.waitReported = false;
    report({ kind: "send-waiting", t: monotonicMs(), socket: this.id, waiting: false });
  }

  /** Counts and reports a message the socket received, before the program gets it; one too big to take is refused instead. */
  readonly onReceived = (frames: Buffer[]): Buffer[] | Promise<Buffer[]> => {
    this.receivePending = false;
    this.idleReported = false;
    if (frames.length > MAX_FRAMES_PER_MESSAGE) return this.#refuse(`${frames.length} frames`, `${MAX_FRAMES_PER_MESSAGE} frames`);
    let size = 0;
    for (const frame of frames) size += frame.length;
    if (size > MAX_MESSAGE_BYTES) return this.#refuse(`${size} bytes`, `${MAX_MESSAGE_BYTES} bytes`);
    this.receivedCount += 1;
    totals.received += 1;
    if (this.recvFlow !== undefined) reportReceive(this, frames);
    return frames;
  };

  /**
   * Refuses a message that came in too big, says so, and receives the next one in its place.
   * A REP must answer before it may receive again, so it answers the sender with an empty reply.
   */
  async #refuse(what: string, most: string): Promise<Buffer[]> {
    const message = `refused a message of ${what} from a peer: this socket takes at most ${most} a message`;
    console.error(`Refused a message of ${what} from a peer (at most ${most} a message)`);
    report({ kind: "error", t: monotonicMs(), socket: this.id, code: "EMSGSIZE", message });
    if (this.type === "REP") await (this.socket as ZeroMQ.Reply).send(Buffer.alloc(0));
    return (this.socket as ZeroMQ.Reply).receive();
  }

  readonly onReceiveFailed = (error: unknown): never => {
    this.receivePending = false;
    // A receive cut short by closing the socket is how every demo ends, not an error.
    if (!this.socket.closed) this.reportError(error);
    throw error;
  };

  reportError(error: unknown): void {
    report({ kind: "error", t: monotonicMs(), socket: this.id, ...describeError(error) });
  }
}
const traces = new WeakMap<ZeroMQ.Socket, SocketTrace>();

function traceOf(socket: ZeroMQ.Socket): SocketTrace {
  return traces.get(socket)!;
}

type SocketClass<S extends ZeroMQ.Socket> = new (options?: Partial<S>) => S;

/**
 * Makes a subclass of a zeromq.js socket class that reports everything its sockets do and
 * defaults to linger 0, so a demo process never hangs at exit on messages nobody will take,
 * and to libzmq's cap on a frame's size (MAX_FRAME_BYTES): the sockets that bind are open to
 * whoever connects, and the others lose nothing by it.
 */
function traced<S extends ZeroMQ.Socket>(Base: SocketClass<S>, type: string): SocketClass<S> {
  // The benchmark's baseline: the same demo program without the reporting layer (npm run bench).
  if (process.env.ZMQ_UNTRACED === "1") return Base;
  // zeromq.js declares send/receive per socket type; the subclass handles them for all.
  const Untyped = Base as unknown as new (
    options?: object,
  ) => AnySocket & {
    send(message: MessagePart | MessagePart[], options?: object): Promise<void>;
    receive(): Promise<Buffer[]>;
  };
  class Traced extends Untyped {
    /** The same as traces.get(this), read without a lookup on the paths that run per message. */
    readonly #trace: SocketTrace;

    constructor(options?: object) {
      super({ linger: 0, maxMessageSize: MAX_FRAME_BYTES, ...options });
      const id = openSockets.length;
      openSockets.push(this);
      this.#trace = new SocketTrace(this, id, type);
      traces.set(this, this.#trace);
      report({ kind: "socket", t: monotonicMs(), socket: id, type });
      void watchMonitor(this, id);
    }

    override async bind(address: string): Promise<void> {
      await super.bind(address);
      report({ kind: "bound", t: monotonicMs(), socket: traceOf(this).id, requested: address, endpoint: this.lastEndpoint ?? address });
    }

    override connect(address: string): void {
      super.connect(address);
      report({ kind: "connecting", t: monotonicMs(), socket: traceOf(this).id, endpoint: address });
    }

    // send and receive run once per message, flat out in the `fast` demo, so they stay lean:
    // the native promise is chained once (an async wrapper costs several extra ticks a
    // message), and a message is counted only once libzmq has taken it (or handed it over).
    // No rest parameter: it would allocate an array for every message.
    override send(message: MessagePart | MessagePart[], options?: object): Promise<void> {
      const trace = this.#trace;
      // Decided before sending: a message reported one by one carries its send time.
      const detailedAt = trace.sendFlow !== undefined && takeDetail(trace.sendFlow) ? monotonicMs() : undefined;
      let sending: Promise<void>;
      try {
        sending = options === undefined ? super.send(message) : super.send(message, options);
      } catch (error) {
        trace.reportError(error);
        return Promise.reject(error);
      }
      if (detailedAt !== undefined) sendStarted(detailedAt);
      trace.sendsMade += 1;
      if (!trace.sendPending) {
        trace.sendPending = true;
        trace.sendingMessage = message;
        trace.sendingDetailedAt = detailedAt;
        return sending.then(trace.onSent, trace.onSendFailed);
      }
      // Another send's outcome is still to be handled (it completed at once and this one was
      // made before awaiting it): this one carries its own message to its handlers.
      return sending.then(
        () => trace.countSent(message, detailedAt),
        (error: unknown) => {
          if (detailedAt !== undefined) sendFinished(detailedAt);
          trace.reportError(error);
          throw error;
        },
      );
    }

    // The async iterator calls this.receive(), so `for await` loops are traced too.
    override receive(): Promise<Buffer[]> {
      const trace = this.#trace;
      let receiving: Promise<Buffer[]>;
      try {
        receiving = super.receive();
      } catch (error) {
        trace.reportError(error);
        return Promise.reject(error);
      }
      if (trace.recvFlow !== undefined) trace.receivePending = true;
      return receiving.then(trace.onReceived, trace.onReceiveFailed);
    }

    // Only SUB sockets have these; tracing them tells the bridge what a subscriber wants.
    subscribe(...prefixes: Array<Buffer | string>): void {
      // Stamped before the call: libzmq may have the frame on the wire before this returns.
      const t = monotonicMs();
      (Untyped.prototype as unknown as { subscribe(...p: Array<Buffer | string>): void }).subscribe.apply(this, prefixes);
      const trace = traceOf(this);
      const added = prefixes.length === 0 ? [""] : prefixes.map(String);
      trace.filters = [...new Set([...trace.filters, ...added])];
      report({ kind: "filters", t, socket: trace.id, filters: trace.filters });
      applyAwaitedFilter();
    }

    unsubscribe(...prefixes: Array<Buffer | string>): void {
      const t = monotonicMs();
      (Untyped.prototype as unknown as { unsubscribe(...p: Array<Buffer | string>): void }).unsubscribe.apply(this, prefixes);
      const trace = traceOf(this);
      const removed = new Set(prefixes.length === 0 ? [""] : prefixes.map(String));
      trace.filters = trace.filters.filter((filter) => !removed.has(filter));
      report({ kind: "filters", t, socket: trace.id, filters: trace.filters });
    }
  }
  // subscribe/unsubscribe exist on SUB and XSUB only; other sockets must not grow them.
  if (!("subscribe" in Untyped.prototype)) {
    delete (Traced.prototype as { subscribe?: unknown }).subscribe;
    delete (Traced.prototype as { unsubscribe?: unknown }).unsubscribe;
  }
  return Traced as unknown as SocketClass<S>;
}

async function watchMonitor(socket: ZeroMQ.Socket, id: number): Promise<void> {
  const trace = traceOf(socket);
  for await (const event of socket.events) {
    const endpoint = "address" in event ? event.address : undefined;
    report({ kind: "monitor", t: monotonicMs(), socket: id, event: event.type, ...(endpoint ? { endpoint } : {}) });
    if (event.type === "handshake" || event.type === "disconnect") {
      trace.peers = Math.max(0, trace.peers + (event.type === "handshake" ? 1 : -1));
      for (const listener of trace.onPeers) listener();
    }
  }
}

/** How often waiting sends and receives are looked for (ms); one that waited a whole interval is reported. */
const WAIT_CHECK_MS = 100;
let waitWatch: NodeJS.Timeout | undefined;

/**
 * When reporting, a timer (one per process, started with its first socket, not one per message:
 * messages run flat out) notes each socket whose send has been pending since the previous check
 * with no send made since: that message waits at the socket, and the diagram draws it there.
 * It also notes each socket whose program has waited in `receive` for a whole interval with
 * nothing to read: nothing is queued for it, which is how the bridge knows a busy edge has gone
 * quiet (server/flow-losses.ts).
 */
function watchWaits(): void {
  if (waitWatch !== undefined) return;
  waitWatch = setInterval(() => {
    for (const socket of openSockets) {
      const trace = traceOf(socket);
      if (socket.closed) continue;
      const now = monotonicMs();
      const unchanged = trace.sendsMadeAtCheck === trace.sendsMade;
      trace.sendsMadeAtCheck = trace.sendsMade;
      if (trace.sendPending && !trace.waitReported && unchanged) {
        trace.waitReported = true;
        report({ kind: "send-waiting", t: now, socket: trace.id, waiting: true });
      }
      // Waiting in `receive` through the whole interval since the last check, and handed nothing:
      // a message queued at that check would have been handed over in the event loop's poll
      // since, so nothing was queued for it then. Never ask libzmq (`readable`): its ZMQ_EVENTS
      // takes the edge of the file descriptor zeromq.js waits on, and a receive pending then waits
      // for ever for a message already there (an adder worker never saw the sink's subscription).
      const received = trace.receivedCount !== trace.receivedAtCheck;
      trace.receivedAtCheck = trace.receivedCount;
      if (trace.receivePending && trace.pendingAtCheck && !trace.idleReported && !received) {
        trace.idleReported = true;
        report({ kind: "receive-idle", t: trace.checkedAt, socket: trace.id });
      }
      trace.pendingAtCheck = trace.receivePending;
      trace.checkedAt = now;
    }
  }, WAIT_CHECK_MS).unref();
}

const SUBSCRIPTION_GRACE_MS = 50;

/**
 * Resolves once `count` peers have completed their handshake with `socket` (as its socket
 * monitor tells). For a PUSH this is the moment they are all in its round-robin.
 */
export function peersConnected(socket: ZeroMQ.Socket, count: number): Promise<void> {
  const trace = traceOf(socket);
  // A SUB's subscription travels right after the handshake on the same connection; a PUB that
  // publishes in that instant still drops the message. A short grace lets it land.
  const grace = trace.type === "PUB" ? SUBSCRIPTION_GRACE_MS : 0;
  return new Promise((resolve) => {
    const check = () => {
      if (trace.peers < count) return;
      trace.onPeers.delete(check);
      setTimeout(resolve, grace);
    };
    trace.onPeers.add(check);
    check();
  });
}

/**
 * A filter the bridge asked for before this process had subscribed (Filter pressed as the run
 * starts): applied once its program makes its own first subscription, so it is not lost.
 */
let filterAwaited: string | undefined;

/** The bridge's `filter` command: every SUB of this process now takes `filter` only. */
export function replaceFilters(filter: string): void {
  let replaced = false;
  for (const socket of openSockets) {
    const trace = traceOf(socket);
    if (trace.type !== "SUB" || socket.closed || trace.filters.length === 0) continue;
    const subscriber = socket as ZeroMQ.Subscriber;
    subscriber.unsubscribe(...trace.filters);
    subscriber.subscribe(filter);
    console.log(`Subscribed to ${filter === "" ? "everything" : `"${filter}"`}`);
    replaced = true;
  }
  filterAwaited = replaced ? undefined : filter;
}

/** After a program's first subscription: the filter the bridge asked for meanwhile, if any, replaces it. */
function applyAwaitedFilter(): void {
  if (filterAwaited === undefined) return;
  // After the program's own code has gone on (it may print what it subscribed to), so the last word is the bridge's.
  setImmediate(() => {
    if (filterAwaited !== undefined) replaceFilters(filterAwaited);
  });
}

/** How long the send-twice command waits for the REQ to be between request and reply. */
const SEND_TWICE_WAIT_MS = 5000;

/**
 * The bridge's `send-twice` command: once a REQ socket is waiting for its reply, send it
 * another request. REQ's lockstep forbids it, and with a send timeout libzmq says so at once
 * with EFSM (without one, zeromq.js would wait for the socket to become writable, forever).
 */
export async function sendSecondRequest(): Promise<void> {
  const socket = openSockets.find((candidate) => traceOf(candidate).type === "REQ" && !candidate.closed) as ZeroMQ.Request | undefined;
  if (!socket) return;
  const trace = traceOf(socket);
  const deadline = monotonicMs() + SEND_TWICE_WAIT_MS;
  while (trace.sentCount <= trace.receivedCount && monotonicMs() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const previousTimeout = socket.sendTimeout;
  socket.sendTimeout = 0;
  try {
    console.log("Sending a second request before the reply …");
    await socket.send("Hello again");
    console.log("The second request went out (the first had been answered)");
  } catch (error) {
    const { code, message } = describeError(error);
    console.error(`Refused: ${code} (${message}): a REQ must receive its reply before it sends again`);
  } finally {
    if (!socket.closed) socket.sendTimeout = previousTimeout;
  }
}

export const Request = traced(zeromq.Request, "REQ");
export type Request = ZeroMQ.Request;
export const Reply = traced(zeromq.Reply, "REP");
export type Reply = ZeroMQ.Reply;
export const Push = traced(zeromq.Push, "PUSH");
export type Push = ZeroMQ.Push;
export const Pull = traced(zeromq.Pull, "PULL");
export type Pull = ZeroMQ.Pull;
export const Publisher = traced(zeromq.Publisher, "PUB");
export type Publisher = ZeroMQ.Publisher;
export const Subscriber = traced(zeromq.Subscriber, "SUB");
export type Subscriber = ZeroMQ.Subscriber;
export const Router = traced(zeromq.Router, "ROUTER");
export type Router = ZeroMQ.Router;
export const Dealer = traced(zeromq.Dealer, "DEALER");
export type Dealer = ZeroMQ.Dealer;
export const XPublisher = traced(zeromq.XPublisher, "XPUB");
export type XPublisher = ZeroMQ.XPublisher;
export const XSubscriber = traced(zeromq.XSubscriber, "XSUB");
export type XSubscriber = ZeroMQ.XSubscriber;
