/**
 * Losses settled by counting, for messages counted in flows rather than reported one by one
 * (demos/lib/report.ts): a busy socket's messages cannot be paired one by one, so nothing about
 * them can be judged one by one. What can be judged is each edge's totals — the messages its
 * senders sent less those its receivers received less those already settled — once the edge has
 * gone quiet: no sender has sent anything for a while, and every receiver still running has
 * said that nothing was queued for it since (a `receive-idle` report). What is missing then was
 * lost; where the pattern or the reports cannot say so, it is not known.
 *
 * An edge is one endpoint a socket of the run bound: the binder and every socket connected to
 * it. Its counts are judged only where the pattern says how many receipts a send makes: a PUSH's
 * messages go to one PULL each; a PUB's to one SUB each when exactly one SUB, taking everything,
 * was there from before the first message to the last. Anything else counted is not known. So is
 * an edge an outside peer was connected to (what it takes is never reported), and one of whose
 * processes was killed with counts it had not yet reported.
 */
import type { CountedEdgeEvent, LostCountEvent, UnknownFateEvent } from "../protocol/messages.js";
import { type RunTopology, socketKey } from "./topology.js";

/** How long after its last message an edge's senders must have been heard, silent, before its counts are settled. */
export const QUIET_MS = 300;
/** How long after the last send a receiver's idle report must be, for the send to have reached it. */
const IDLE_AFTER_SEND_MS = 100;

const ROUND_ROBIN = new Set(["PUSH"]);
const FAN_OUT = new Set(["PUB", "XPUB"]);
const RECEIVING = new Set(["PULL", "SUB", "XSUB"]);

export type CountVerdict = LostCountEvent | UnknownFateEvent | CountedEdgeEvent;

export interface FlowContext {
  topology: RunTopology;
  /** Whether a peer from outside the run may have been connected to an endpoint `binder` binds, from `from` to `to`. */
  outsideDuring(binder: string, from: number, to: number): boolean;
}

/** One socket of one life on an edge. */
interface EdgeSocket {
  node: string;
  life: number;
  socket: number;
  type: string;
  sent: number;
  received: number;
  lastReceiveAt: number;
  /** When it last said nothing was queued for it (after its last receive), or -Infinity. */
  idleAt: number;
  /** Directions it has begun counting and not yet reported a count for. */
  openCounts: Set<"send" | "recv">;
  /** A SUB's filters, in order of change. */
  filters: { t: number; filters: string[] }[];
  ended: boolean;
}

interface Edge {
  endpoint: string;
  binder: string;
  sockets: Map<string, EdgeSocket>;
  /** Whether any of its sockets has counted a message: its messages are judged here, by counting. */
  counted: boolean;
  /** Sent less received less settled, as of the last verdict, by counting or one by one. */
  settled: number;
  firstSendAt: number;
  lastSendAt: number;
  /** When the last verdict was given: what happened before is settled. */
  verdictAt: number;
  /** A socket ended with counts it had not reported, since the last verdict. */
  unreported: boolean;
  /** Counted and sent on since its counts were last settled: what it loses is not known yet. */
  unsettled: boolean;
}

export class FlowLosses {
  readonly #context: FlowContext;
  readonly #topology: RunTopology;
  /** By endpoint. */
  readonly #edges = new Map<string, Edge>();
  /** Each socket's edge, by socketKey. */
  readonly #edgeOf = new Map<string, Edge>();
  #countedEdges = 0;

  constructor(context: FlowContext) {
    this.#context = context;
    this.#topology = context.topology;
  }

  /** The edge of a node's socket (of its current life), once it has reported its endpoint. */
  #socket(node: string, socket: number): { edge: Edge; state: EdgeSocket } | undefined {
    const life = this.#topology.lifeOf(node);
    if (!life) return undefined;
    const key = socketKey(node, life.number, socket);
    const edge = this.#edgeOf.get(key);
    return edge ? { edge, state: edge.sockets.get(key)! } : undefined;
  }

  /** A socket of the node's current life bound or connected to `endpoint` (bound: `binder` is the node). */
  joined(node: string, socket: number, endpoint: string, binds: boolean): void {
    const life = this.#topology.lifeOf(node);
    if (!life) return;
    let edge = this.#edges.get(endpoint);
    if (!edge || (binds && edge.binder !== node)) {
      const previous = edge;
      edge = {
        endpoint,
        binder: binds ? node : (previous?.binder ?? ""),
        sockets: previous?.sockets ?? new Map(),
        counted: previous?.counted ?? false,
        unsettled: previous?.unsettled ?? false,
        settled: previous?.settled ?? 0,
        firstSendAt: previous?.firstSendAt ?? Infinity,
        lastSendAt: previous?.lastSendAt ?? -Infinity,
        verdictAt: previous?.verdictAt ?? -Infinity,
        unreported: previous?.unreported ?? false,
      };
      this.#edges.set(endpoint, edge);
      for (const key of edge.sockets.keys()) this.#edgeOf.set(key, edge);
    } else if (binds) edge.binder = node;
    const key = socketKey(node, life.number, socket);
    if (this.#edgeOf.has(key)) return;
    const type = this.#topology.socketType(node, socket);
    edge.sockets.set(key, {
      node,
      life: life.number,
      socket,
      type,
      sent: 0,
      received: 0,
      lastReceiveAt: -Infinity,
      idleAt: -Infinity,
      openCounts: new Set(),
      filters: [],
      ended: false,
    });
    this.#edgeOf.set(key, edge);
  }

  /**
   * Messages of a socket: one reported one by one, or a flow's count. Returns the sending
   * sockets of its edge when this turned the edge to counting (they are judged here from now on).
   */
  messages(
    node: string,
    socket: number,
    direction: "send" | "recv",
    count: number,
    t: number,
    counted: boolean,
  ): { node: string; socket: number }[] {
    const found = this.#socket(node, socket);
    if (!found) return [];
    const { edge, state } = found;
    if (direction === "send") {
      state.sent += count;
      edge.firstSendAt = Math.min(edge.firstSendAt, t);
      edge.lastSendAt = Math.max(edge.lastSendAt, t);
      if (edge.counted && !edge.unsettled) this.#unsettle(edge, t);
    } else {
      state.received += count;
      state.lastReceiveAt = Math.max(state.lastReceiveAt, t);
      state.idleAt = -Infinity;
    }
    if (counted) state.openCounts.delete(direction);
    return counted ? this.#turnCounted(edge) : [];
  }

  /** A socket began counting in a direction: its count follows in a flow report. */
  counting(node: string, socket: number, direction: "send" | "recv"): { node: string; socket: number }[] {
    const found = this.#socket(node, socket);
    if (!found) return [];
    found.state.openCounts.add(direction);
    return this.#turnCounted(found.edge);
  }

  #turnCounted(edge: Edge): { node: string; socket: number }[] {
    if (edge.counted) return [];
    edge.counted = true;
    this.#countedEdges += 1;
    this.#unsettle(edge, edge.lastSendAt);
    return [...edge.sockets.values()]
      .filter((state) => !state.ended && !RECEIVING.has(state.type))
      .map(({ node, socket }) => ({ node, socket }));
  }

  /** The edge's losses are not known until it goes quiet again: said at once (see takeNews). */
  #unsettle(edge: Edge, t: number): void {
    edge.unsettled = true;
    if (edge.binder !== "") this.#news.push({ kind: "counted-edge", t, node: edge.binder, endpoint: edge.endpoint, settled: false });
  }

  /** What changed about counted edges since last asked, to be said as it happened. */
  readonly #news: CountedEdgeEvent[] = [];

  takeNews(): CountedEdgeEvent[] {
    return this.#news.splice(0);
  }

  /** Whether this socket's messages are counted (on its edge): not judged one by one. */
  isCounted(node: string, socket: number): boolean {
    return this.#socket(node, socket)?.edge.counted ?? false;
  }

  /** A socket said nothing was queued for it at `t`. */
  idle(node: string, socket: number, t: number): void {
    const found = this.#socket(node, socket);
    if (found && t >= found.state.lastReceiveAt) found.state.idleAt = t;
  }

  filtersChanged(node: string, socket: number, t: number, filters: string[]): void {
    this.#socket(node, socket)?.state.filters.push({ t, filters });
  }

  /** Messages a sender's socket sent whose fate was settled one by one (lost, or not known). */
  settledOne(node: string, socket: number): void {
    const found = this.#socket(node, socket);
    if (found) found.edge.settled += 1;
  }

  /**
   * A process ended: its sockets leave their edges' running ones. Returns the directions in
   * which it was killed with a count it had not reported: its counters are short by a number
   * not known.
   */
  exited(node: string): ("sent" | "received")[] {
    const uncounted = new Set<"sent" | "received">();
    const life = this.#topology.lifeOf(node);
    for (const edge of this.#edges.values()) {
      for (const state of edge.sockets.values()) {
        if (state.node !== node || state.life !== life?.number || state.ended) continue;
        state.ended = true;
        if (state.openCounts.size === 0) continue;
        edge.unreported = true;
        for (const direction of state.openCounts) uncounted.add(direction === "send" ? "sent" : "received");
      }
    }
    return [...uncounted];
  }

  /** Settles what can now be settled by counting, as of the nodes' reports so far (`now`: their latest time). */
  settle(now: number): CountVerdict[] {
    const verdicts: CountVerdict[] = [];
    if (this.#countedEdges === 0) return verdicts;
    for (const edge of this.#edges.values()) {
      // Asked after every batch: an edge still busy is passed over at once.
      if (!edge.counted || !edge.unsettled || now < edge.lastSendAt + QUIET_MS) continue;
      verdicts.push(...this.#judge(edge, now));
    }
    return verdicts;
  }

  #judge(edge: Edge, now: number): CountVerdict[] {
    let sent = 0;
    let received = 0;
    const senders: EdgeSocket[] = [];
    const receivers: EdgeSocket[] = [];
    for (const state of edge.sockets.values()) {
      sent += state.sent;
      received += state.received;
      (RECEIVING.has(state.type) ? receivers : senders).push(state);
    }
    const missing = sent - received - edge.settled;
    // Quiet: every sender heard, silent, well past the last send; every running receiver idle since.
    const quietAt = edge.lastSendAt + QUIET_MS;
    if (now < quietAt) return [];
    for (const state of senders) if (!state.ended && !this.#heardPast(state.node, quietAt)) return [];
    for (const state of receivers) if (!state.ended && state.idleAt < edge.lastSendAt + IDLE_AFTER_SEND_MS) return [];
    edge.unsettled = false;
    const settled: CountedEdgeEvent = { kind: "counted-edge", t: now, node: edge.binder, endpoint: edge.endpoint, settled: true };
    if (missing <= 0) return edge.binder === "" ? [] : [settled];

    edge.settled += missing;
    const from = edge.verdictAt;
    edge.verdictAt = now;
    const unreported = edge.unreported;
    edge.unreported = false;
    const sending = edge.binder !== "" && senders.some((state) => state.node === edge.binder);
    const others = new Set((sending ? receivers : senders).map((state) => state.node));
    const at = {
      t: now,
      node: edge.binder,
      as: sending ? ("sender" as const) : ("receiver" as const),
      count: missing,
      ...(others.size === 1 ? { peer: [...others][0]! } : {}),
    };
    if (unreported) return [{ kind: "unknown", ...at, reason: "unreported" }, settled];
    if (this.#context.outsideDuring(edge.binder, Math.min(from, edge.firstSendAt), now))
      return [{ kind: "unknown", ...at, reason: "outside-peer" }, settled];
    const reason = this.#countable(edge, senders, receivers);
    if (reason === undefined) return [{ kind: "unknown", ...at, reason: "counted" }, settled];
    return [{ kind: "lost-count", ...at, reason }, settled];
  }

  /**
   * Whether the pattern says how many receipts the edge's sends make, and so why the missing
   * ones are lost: a PUSH's go to one PULL each (missing: gone with a receiver that died); a
   * PUB's to one SUB that took everything from before the first (missing: dropped by a publisher).
   */
  #countable(edge: Edge, senders: EdgeSocket[], receivers: EdgeSocket[]): "receiver-gone" | "dropped" | undefined {
    if (senders.length === 0 || receivers.length === 0) return undefined;
    if (senders.every((state) => ROUND_ROBIN.has(state.type)) && receivers.every((state) => state.type === "PULL")) return "receiver-gone";
    if (!senders.every((state) => FAN_OUT.has(state.type)) || receivers.length !== 1) return undefined;
    const [subscriber] = receivers;
    if (subscriber!.type !== "SUB" || subscriber!.filters.length === 0) return undefined;
    const everything = subscriber!.filters.every((change) => change.filters.includes(""));
    return everything && subscriber!.filters[0]!.t <= edge.firstSendAt ? "dropped" : undefined;
  }

  /** Latest heardUntil of each node, as the correlator passes it on. */
  readonly #heard = new Map<string, number>();

  heard(node: string, t: number): void {
    if (t > (this.#heard.get(node) ?? -Infinity)) this.#heard.set(node, t);
  }

  #heardPast(node: string, t: number): boolean {
    return (this.#heard.get(node) ?? -Infinity) >= t;
  }
}
