/**
 * What travels along each line of the diagram and what waits at each sender, worked out from
 * the run's events alone: messages a second per lane (sender → receiver), whether an edge is
 * drawn as single dots or as a flow, and how many messages each queueing socket has sent that
 * nobody has received yet. No DOM here: the diagram draws it, the tests feed it.
 *
 * A message counts as queued from its send until it is received or declared lost. Receipts are
 * laid at the door of the sending socket they came from: when the receiving socket has one
 * peer socket in the run (they share an endpoint), every receive it reports counts, whether one
 * by one or in a flow; when it has several, only the deliveries the bridge matched can say
 * whose message it was.
 */
import type { RunEvent } from "../../protocol/messages.js";

/** An edge becomes a flow at this many messages a second… */
export const FLOW_ABOVE = 40;
/** …and goes back to dots only below this many, so a rate near the line does not flicker. */
export const DOTS_BELOW = 20;
/** Rates are counted in buckets this long, over a window of WINDOW_MS. */
const BUCKET_MS = 100;
const WINDOW_MS = 1000;
/** How many of a socket's detailed sends are remembered, to tell its losses from another socket's. */
const REMEMBERED_SENDS = 2000;
/**
 * Sockets that hold a message for its peer until the peer takes it: PUSH and DEALER (one peer
 * in turn), REQ (its one request), PAIR. PUB drops what no one wants, ROUTER and REP drop a
 * reply whose peer has gone, so nothing waits at them.
 */
export const QUEUEING_SOCKETS: ReadonlySet<string> = new Set(["PUSH", "REQ", "DEALER", "PAIR"]);

export type EdgeView = "dots" | "flow";

/** The view an edge showing `current` takes at `rate` messages a second. */
export function nextView(current: EdgeView, rate: number): EdgeView {
  if (current === "dots") return rate >= FLOW_ABOVE ? "flow" : "dots";
  return rate < DOTS_BELOW ? "dots" : "flow";
}

/** Messages counted in short buckets of event time; the rate is their sum over the last second. */
export class RateMeter {
  readonly #buckets = new Map<number, number>();

  add(t: number, count: number): void {
    const bucket = Math.floor(t / BUCKET_MS);
    this.#buckets.set(bucket, (this.#buckets.get(bucket) ?? 0) + count);
    if (this.#buckets.size > WINDOW_MS / BUCKET_MS + 2) this.#forget(bucket);
  }

  /** Messages a second over the window ending at `now`. */
  rate(now: number): number {
    const first = Math.floor((now - WINDOW_MS) / BUCKET_MS) + 1;
    let total = 0;
    for (const [bucket, count] of this.#buckets) if (bucket >= first && bucket * BUCKET_MS <= now) total += count;
    return (total * 1000) / WINDOW_MS;
  }

  #forget(latest: number): void {
    for (const bucket of this.#buckets.keys()) if (bucket <= latest - WINDOW_MS / BUCKET_MS - 1) this.#buckets.delete(bucket);
  }
}

interface SocketState {
  node: string;
  index: number;
  type: string;
  /** Endpoints it bound, and endpoints it connects to: a peer does the other with the same one. */
  bound: string[];
  connected: string[];
  /** For queueing sockets: messages sent, received by a peer, and declared lost. */
  sent: number;
  receipts: number;
  lost: number;
  /** Messages this socket itself received: for a REQ, each reply proves its request arrived. */
  received: number;
  /** Detailed sends still open, by sequence number, to recognise this socket's losses. */
  open: Map<number, string>;
  /** A peer's receipts could not all be told apart from another sender's: the depth is unknown. */
  uncertain: boolean;
}

function key(node: string, socket: number): string {
  return `${node}/${socket}`;
}

export class Traffic {
  readonly #sockets = new Map<string, SocketState>();
  /**
   * The same sockets by node, then by number: looked up for every message, and cheaper than
   * building a key string each time at hundreds of thousands of events a second.
   */
  readonly #socketsOfNode = new Map<string, SocketState[]>();
  /** Rate meters by sender, then receiver (one lane each). */
  readonly #lanes = new Map<string, Map<string, RateMeter>>();
  /** Per sending socket and receiving node: whether the receive already counted the delivery (see observe). */
  readonly #countedAtReceive = new Map<SocketState, Map<string, boolean>>();
  readonly #views = new Map<string, EdgeView>();
  /** Each socket's peers, worked out when first needed and again when sockets or endpoints change. */
  readonly #peers = new Map<SocketState, SocketState[]>();
  /** Senders a peer from outside the run ever connected to: what it takes is never reported. */
  readonly #external = new Set<string>();
  /** Processes that have ended: nothing waits at a socket that is gone. */
  readonly #ended = new Set<string>();
  /** The run's clock: the latest event time, and when (page time) it was seen. */
  #latestT = Number.NEGATIVE_INFINITY;
  #seenAt = 0;

  /** Forgets everything, for a new run. */
  reset(): void {
    this.#sockets.clear();
    this.#socketsOfNode.clear();
    this.#lanes.clear();
    this.#views.clear();
    this.#external.clear();
    this.#ended.clear();
    this.#forgetPeers();
    this.#latestT = Number.NEGATIVE_INFINITY;
  }

  /** Takes one event of the run; `pageNow` is the page's clock as it arrives. */
  observe(event: RunEvent, pageNow: number): void {
    if (event.t > this.#latestT) {
      this.#latestT = event.t;
      this.#seenAt = pageNow;
    }
    switch (event.kind) {
      case "spawn":
        // A new process: new sockets, nothing of its own queued yet.
        this.#ended.delete(event.node);
        for (const [id, socket] of this.#sockets) if (socket.node === event.node) this.#sockets.delete(id);
        this.#socketsOfNode.delete(event.node);
        this.#forgetPeers();
        break;
      case "socket": {
        const socket: SocketState = {
          node: event.node,
          index: event.socket,
          type: event.type,
          bound: [],
          connected: [],
          sent: 0,
          receipts: 0,
          lost: 0,
          received: 0,
          open: new Map(),
          uncertain: false,
        };
        this.#sockets.set(key(event.node, event.socket), socket);
        let ofNode = this.#socketsOfNode.get(event.node);
        if (!ofNode) this.#socketsOfNode.set(event.node, (ofNode = []));
        ofNode[event.socket] = socket;
        this.#forgetPeers();
        break;
      }
      case "bound":
        this.#sockets.get(key(event.node, event.socket))?.bound.push(event.endpoint);
        this.#forgetPeers();
        break;
      case "connecting":
        this.#sockets.get(key(event.node, event.socket))?.connected.push(event.endpoint);
        this.#forgetPeers();
        break;
      case "external":
        if (event.count > 0) this.#external.add(event.node);
        break;
      case "exit":
        this.#ended.add(event.node);
        break;
      case "send":
      case "recv":
      case "flow": {
        const socket = this.#socketOf(event.node, event.socket);
        if (!socket) break;
        const count = event.kind === "flow" ? event.count : 1;
        const direction = event.kind === "flow" ? event.direction : event.kind;
        if (direction === "send") {
          if (!QUEUEING_SOCKETS.has(socket.type)) break;
          socket.sent += count;
          if (event.kind === "send") {
            socket.open.set(event.seq, event.digest);
            if (socket.open.size > REMEMBERED_SENDS) socket.open.delete(socket.open.keys().next().value!);
          }
          break;
        }
        socket.received += count;
        const peers = this.#peersOf(socket);
        if (peers.length === 1) this.#received(peers[0]!, socket.node, event.t, count);
        // Several senders: a detailed receive waits for its delivery; a counted one cannot be placed.
        else if (event.kind === "flow") for (const peer of peers) peer.uncertain = true;
        break;
      }
      case "deliver": {
        const sender = this.#socketOf(event.from, event.fromSocket);
        if (!sender) break;
        if (this.#isCountedAtReceive(sender, event.node)) {
          sender.open.delete(event.sendSeq);
          break;
        }
        this.#received(sender, event.node, event.t, 1);
        sender.open.delete(event.sendSeq);
        break;
      }
      case "lost":
      case "unknown":
        // Settled by counting at the sender that bound the edge: they wait at its socket no more.
        if (event.sendSeq === undefined) {
          if (event.kind === "unknown" && event.as === "sender") this.#settledAtSender(event.node, event.count);
          break;
        }
        // Settled one by one (lost, or its fate not known): it waits nowhere any more.
        for (const socket of this.#sockets.values()) {
          if (socket.node !== event.node || socket.open.get(event.sendSeq) !== event.digest) continue;
          socket.open.delete(event.sendSeq);
          socket.lost += 1;
          break;
        }
        break;
      case "lost-count":
        if (event.as === "sender") this.#settledAtSender(event.node, event.count);
        break;
      default:
        break;
    }
  }

  /** The run's clock now: the latest event time, moved on by the page time since it was seen. */
  runNow(pageNow: number): number {
    return this.#latestT + (pageNow - this.#seenAt);
  }

  /** Messages a second from `from` to `to` (one lane of an edge). */
  laneRate(from: string, to: string, pageNow: number): number {
    return this.#lanes.get(from)?.get(to)?.rate(this.runNow(pageNow)) ?? 0;
  }

  /**
   * The view of the edge between `a` and `b` (both lanes) at its current rate, remembering the
   * view it had, so it changes only across the hysteresis band.
   */
  edgeView(a: string, b: string, pageNow: number): { view: EdgeView; rate: number } {
    const rate = this.laneRate(a, b, pageNow) + this.laneRate(b, a, pageNow);
    const edge = `${a}<>${b}`;
    const view = nextView(this.#views.get(edge) ?? "dots", rate);
    this.#views.set(edge, view);
    return { view, rate };
  }

  /**
   * Messages the node's queueing sockets sent that are neither received nor declared lost;
   * undefined when it has no such socket, when the count cannot be known, or once the process
   * has ended (what it held went with it).
   */
  queued(node: string): number | undefined {
    if (this.#external.has(node) || this.#ended.has(node)) return undefined;
    let total: number | undefined;
    for (const socket of this.#sockets.values()) {
      if (socket.node !== node || !QUEUEING_SOCKETS.has(socket.type)) continue;
      if (socket.uncertain) return undefined;
      // A REQ sends again only after a reply, so its replies also count its requests received,
      // even before the server's own reports (on another channel) arrive.
      const receipts = socket.type === "REQ" ? Math.max(socket.receipts, socket.received) : socket.receipts;
      total = (total ?? 0) + Math.max(0, socket.sent - receipts - socket.lost);
    }
    return total;
  }

  /** Messages of a node's queueing socket settled by counting (lost, or not known): they wait there no more. */
  #settledAtSender(node: string, count: number): void {
    const queueing = (this.#socketsOfNode.get(node) ?? []).filter((socket) => socket !== undefined && QUEUEING_SOCKETS.has(socket.type));
    if (queueing.length === 1) queueing[0]!.lost += count;
  }

  #received(sender: SocketState, receiver: string, t: number, count: number): void {
    sender.receipts += count;
    let lanes = this.#lanes.get(sender.node);
    if (!lanes) this.#lanes.set(sender.node, (lanes = new Map()));
    let meter = lanes.get(receiver);
    if (!meter) lanes.set(receiver, (meter = new RateMeter()));
    meter.add(t, count);
  }

  #socketOf(node: string, index: number): SocketState | undefined {
    return this.#socketsOfNode.get(node)?.[index];
  }

  /** Sockets or endpoints changed: who is whose peer is worked out again when next needed. */
  #forgetPeers(): void {
    this.#peers.clear();
    this.#countedAtReceive.clear();
  }

  /** A delivery was counted at its receive already when the receiving socket has this one sender. */
  #isCountedAtReceive(sender: SocketState, receiver: string): boolean {
    let byReceiver = this.#countedAtReceive.get(sender);
    if (!byReceiver) this.#countedAtReceive.set(sender, (byReceiver = new Map()));
    let counted = byReceiver.get(receiver);
    if (counted === undefined) {
      const receiving = this.#peersOf(sender).filter((socket) => socket.node === receiver);
      counted = receiving.length === 1 && this.#peersOf(receiving[0]!).length === 1;
      byReceiver.set(receiver, counted);
    }
    return counted;
  }

  /** The sockets of the run that connect where this one binds, or bind where it connects. */
  #peersOf(socket: SocketState): SocketState[] {
    let peers = this.#peers.get(socket);
    if (!peers) {
      const joined = (binder: SocketState, connecter: SocketState) =>
        binder.bound.some((endpoint) => connecter.connected.includes(endpoint));
      peers = [...this.#sockets.values()].filter((other) => other !== socket && (joined(socket, other) || joined(other, socket)));
      this.#peers.set(socket, peers);
    }
    return peers;
  }
}
