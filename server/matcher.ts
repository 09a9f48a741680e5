/**
 * Pairs the messages processes say they sent with the messages processes say they received,
 * and turns each pair into a delivery: sender → receiver, with the measured latency.
 *
 * Reports reach the bridge over separate channels, one per process, so a receive can arrive
 * before the send it answers; both sides wait here for their partner. All processes share one
 * monotonic clock, so a receive never pairs with a send stamped after it. Messages from one
 * socket to one peer travel one pipe, first in first out, so identical payloads ("Hello",
 * "Hello", …) from one sender pair in the order they happened.
 *
 * Where the pattern fixes a message's way, that decides, not the payload:
 *  - a REP's k-th send answers its k-th receive, so it goes to whoever sent that request: the
 *    socket of that life of that process (a client killed and restarted is a new life, and a
 *    reply to its predecessor is never its own);
 *  - a REQ's j-th receive is the reply to its j-th request, from the socket that took it;
 *  - a ROUTER's send goes to the peer whose identity heads its envelope, which its receives
 *    from that peer carry too.
 * Elsewhere, a receive pairs by digest only when one sender can have sent it: a candidate from
 * exactly one sending socket, every other socket that could have sent it heard from past the
 * receive (so no other candidate is on its way), and no peer from outside the run connected to
 * the receiving socket then (its messages are never reported). When two could have, the
 * receive's sender is not known: nothing is drawn, and the candidates are handed to the loss
 * tracker as unjudgeable (`forgotSend`), since one of them was taken here.
 */
import { HeadQueue } from "../lib/head-queue.js";
import type { DeliverEvent, NodeEvent } from "../protocol/messages.js";
import type { MessageReport } from "../protocol/report-types.js";
import { type RunTopology, type SocketInfo, nodeOfKey, socketKey } from "./topology.js";

/** The life part of a socket key: `${node}#${life}`. */
function lifeOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf("/"));
}

export type MessageEvent = MessageReport & { node: string };

export interface MatcherContext {
  topology: RunTopology;
  /**
   * Whether a peer from outside the run may have been connected, from `from` to `to`, to an
   * endpoint this socket of the node bound.
   */
  outsideDuring(node: string, socket: SocketInfo | undefined, from: number, to: number): boolean;
  /**
   * A send was forgotten unpaired (or, fanned out, with receivers still to come), or a receive
   * that may have been it went unpaired: a receive of it can no longer become a delivery, so
   * its fate must not be judged from deliveries.
   */
  forgotSend?(send: MessageEvent): void;
  /** A send the pattern routed to one life of `to`, which ended without receiving it. */
  lostRouted?(send: MessageEvent, to: string): void;
  /**
   * A receive was forgotten before it could be settled: what it took cannot be told, so what
   * its possible senders sent it before then must not be judged from deliveries.
   */
  forgotReceive?(recv: MessageEvent): void;
}

/**
 * How many sends, and how many receives, wait for a partner in all (every digest together)
 * before the oldest are forgotten. Without a bound the bridge grows with every unique payload
 * nobody pairs: a fan-out send waits for subscribers that may never come, a message from outside
 * the run has no send. A forgotten report is only not drawn; counters come from the reports
 * themselves. A receive normally waits for its send only as long as the send's report takes to
 * arrive (tens of ms), and the oldest go first, so only one with 10,000 newer unpaired ones
 * behind it — seconds at the reporting layer's per-socket detail rate — is ever forgotten.
 */
export const MAX_PENDING = 10_000;
/**
 * An outside peer that left this shortly before a receive may still have had a message in the
 * receiving socket's queue.
 */
const OUTSIDE_LINGER_MS = 1000;
/**
 * Sockets one send of which reaches every peer that takes it: a PUB's or XPUB's message, and a
 * SUB's or XSUB's subscription, which goes to every publisher it is connected to.
 */
const FAN_OUT_SOCKETS = new Set(["PUB", "XPUB", "SUB", "XSUB"]);

interface SendEntry {
  event: MessageEvent;
  /** The sending socket of that life: socketKey(). */
  key: string;
  type: string;
  socket: SocketInfo | undefined;
  /** The receiving socket the pattern sends it to, when it fixes one. */
  route?: string;
  /** For fan-out sends: the receiving sockets it has been delivered to so far. */
  deliveredTo?: Set<string>;
}

interface RecvEntry {
  event: MessageEvent;
  key: string;
  type: string;
  socket: SocketInfo | undefined;
  /** A ROUTER's: the identity heading the envelope (who it came from). */
  identity?: string;
}

type Resolution = "paired" | "waiting" | "not-known";

function deliver(send: MessageEvent, recv: MessageEvent): DeliverEvent {
  return {
    kind: "deliver",
    t: recv.t,
    node: recv.node,
    from: send.node,
    fromSocket: send.socket,
    digest: send.digest,
    size: send.size,
    frames: send.frames,
    sendSeq: send.seq,
    recvSeq: recv.seq,
    latencyMs: Math.max(0, recv.t - send.t),
  };
}

/**
 * The identity heading a ROUTER's message, as its preview shows it, when the preview holds all
 * of it; undefined otherwise (a message without an envelope, or an identity too long to preview).
 */
function identityOf(event: MessageEvent): string | undefined {
  const first = event.frames[0];
  if (!first || event.frames.length < 2) return undefined;
  const complete = first.binary ? first.text.length === first.size * 2 : first.text.length === first.size;
  return complete ? `${first.binary ? "x" : "t"}${first.text}` : undefined;
}

/**
 * The unpaired reports of one kind, by digest, and all of them in the order they came, so the
 * oldest of every digest together is the one forgotten past MAX_PENDING.
 */
class PendingReports<T extends object> {
  readonly #byDigest = new Map<string, HeadQueue<T>>();
  /** The reports waiting. */
  readonly #waiting = new Set<T>();
  /** Every report in the order it came, paired ones included until passed: the oldest still waiting is its first. */
  readonly #order = new HeadQueue<T>();
  readonly #isWaiting = (item: T) => this.#waiting.has(item);
  readonly #digestOf: (item: T) => string;

  constructor(digestOf: (item: T) => string) {
    this.#digestOf = digestOf;
  }

  get size(): number {
    return this.#waiting.size;
  }

  /** How many digests have reports waiting. */
  get digests(): number {
    return this.#byDigest.size;
  }

  has(item: T): boolean {
    return this.#waiting.has(item);
  }

  get(digest: string): HeadQueue<T> | undefined {
    return this.#byDigest.get(digest);
  }

  /** Adds a report; returns the oldest one, forgotten to make room, if any. */
  add(item: T): T | undefined {
    const digest = this.#digestOf(item);
    let queue = this.#byDigest.get(digest);
    if (!queue) this.#byDigest.set(digest, (queue = new HeadQueue()));
    queue.push(item);
    this.#waiting.add(item);
    this.#order.push(item);
    if (this.#waiting.size <= MAX_PENDING) return undefined;
    this.#order.skipClosed(this.#isWaiting, this.#waiting.size);
    const oldest = this.#order.first()!;
    this.delete(oldest);
    return oldest;
  }

  /** Takes a report away (it was paired, or forgotten). */
  delete(item: T): void {
    const digest = this.#digestOf(item);
    const queue = this.#byDigest.get(digest);
    if (!queue || !this.#waiting.has(item)) return;
    // Each digest's queue is in arrival order, so the one taken is nearly always its oldest.
    const i = queue.at(0) === item ? 0 : queue.indexOf(item);
    this.#waiting.delete(item);
    queue.removeAt(i);
    // Paired reports are passed over at the head; the array stays proportional to what waits.
    this.#order.skipClosed(this.#isWaiting, this.#waiting.size);
    if (queue.size === 0) this.#byDigest.delete(digest);
  }
}

export class DeliveryMatcher {
  readonly #context: MatcherContext;
  readonly #topology: RunTopology;
  readonly #sends = new PendingReports<SendEntry>((entry) => entry.event.digest);
  readonly #receives = new PendingReports<RecvEntry>((entry) => entry.event.digest);
  /**
   * Each receiving socket's receives not yet settled, in the order they came, by socket key.
   * They are settled strictly in that order: deliveries from a sender to a receiver come out
   * in the order it received them, which the loss tracker's judgement rests on (a later one
   * settled first would make the earlier one look lost).
   */
  readonly #queues = new Map<string, HeadQueue<RecvEntry>>();
  /** The keys of each node's receiving sockets that have a queue. */
  readonly #queuesOf = new Map<string, Set<string>>();
  /** Queues being settled now: a settlement that leads back to one leaves it to the loop already at it. */
  readonly #advancing = new Set<string>();
  /**
   * The latest time each node has been heard until (its batches' heardUntil), Infinity once it
   * has ended: every send it made before then has arrived.
   */
  readonly #heardUntil = new Map<string, number>();
  /** Who sent each REP receive (`${key}:${seq}`): a sending socket, or null when not known. */
  readonly #requestFrom = new Map<string, string | null>();
  /** REP sends waiting until who sent the request they answer is known, by `${key}:${seq}`. */
  readonly #repliesAwaitingRequest = new Map<string, SendEntry>();
  /** Where each REQ send went (`${key}:${seq}`): the receiving socket, or null when not known. */
  readonly #requestTo = new Map<string, string | null>();
  /** Who each identity a ROUTER socket received from is (`${key}|${identity}`), or null when not known. */
  readonly #identities = new Map<string, string | null>();
  /** ROUTER sends waiting until the identity heading them is known, by `${key}|${identity}`. */
  readonly #sendsAwaitingIdentity = new Map<string, SendEntry[]>();
  /** REP receives reported and not yet settled, by `${key}:${seq}`. */
  readonly #pendingRequests = new Set<string>();
  /** Waiting sends the pattern routed, by the life they go to (`${node}#${life}`). */
  readonly #routedTo = new Map<string, Set<SendEntry>>();
  /** Waiting REQ sends, by `${key}:${seq}`. */
  readonly #requests = new Map<string, SendEntry>();

  constructor(context: MatcherContext) {
    this.#context = context;
    this.#topology = context.topology;
  }

  /** The life of its receiver each delivery went to (a delivery may be made after that life ended). */
  readonly #receiverLives = new WeakMap<DeliverEvent, number>();

  /** Which life of its receiver a delivery this matcher made went to. */
  receiverLife(delivery: DeliverEvent): number | undefined {
    return this.#receiverLives.get(delivery);
  }

  /** Takes one send or receive report; returns the deliveries it completes, if any. */
  add(event: MessageEvent): DeliverEvent[] {
    const deliveries: DeliverEvent[] = [];
    if (event.kind === "send") this.#addSend(event, deliveries);
    else this.#addReceive(event, deliveries);
    return deliveries;
  }

  /** Whether `event` is a message report the matcher takes. */
  static isMessage(event: NodeEvent): event is MessageEvent {
    return event.kind === "send" || event.kind === "recv";
  }

  /** How many sends are still waiting for a receiver (fan-out sends stay until forgotten). */
  get pendingSends(): number {
    return this.#sends.size;
  }

  /** How many receives are still waiting for their send. */
  get pendingReceives(): number {
    return this.#receives.size;
  }

  /**
   * Whether a receive not yet settled may still turn out to be this send: one of the same
   * payload, at a peer of its sender, stamped no earlier. Until it is settled the send may have
   * been received, so its fate cannot be judged from deliveries (a receive waits here while any
   * peer that could have sent it is not yet heard past it: on a busy machine, a process still
   * starting keeps its neighbours' first receives waiting for a second or more).
   */
  mayHaveReceived(send: MessageEvent): boolean {
    return (
      this.#receives.get(send.digest)?.some((recv) => recv.event.t >= send.t && this.#topology.arePeers(send.node, recv.event.node)) ??
      false
    );
  }

  /** How many digests have a send or a receive waiting: each costs an entry of its own. */
  get pendingDigests(): number {
    return this.#sends.digests + this.#receives.digests;
  }

  /** A process started (again) under this name at `t`: nothing of it has been heard since. */
  started(node: string, t: number): void {
    this.#heardUntil.set(node, t);
  }

  /**
   * A node has been heard until `t` (Infinity: it ended and all it reported has arrived):
   * receives that waited on it may now be settled.
   */
  heard(node: string, t: number): DeliverEvent[] {
    if (t <= (this.#heardUntil.get(node) ?? -Infinity)) return [];
    this.#heardUntil.set(node, t);
    const deliveries: DeliverEvent[] = [];
    // Receives at the node's peers may have waited on it (and a REQ's reply on its own request's fate).
    for (const receiver of this.#topology.sendersTo(node)) this.#advanceNode(receiver, deliveries);
    this.#advanceNode(node, deliveries);
    if (t === Infinity) this.#settleRoutedTo(node);
    return deliveries;
  }

  #heardPast(node: string, t: number): boolean {
    return (this.#heardUntil.get(node) ?? -Infinity) >= t;
  }

  /**
   * Whether every socket that could have sent this receive, other than `except`'s node's life,
   * has been heard from past it: no other candidate is still on its way.
   */
  #othersHeardPast(recv: RecvEntry, except: SendEntry | undefined): boolean {
    const t = recv.event.t;
    for (const sender of this.#topology.sendersTo(recv.event.node)) {
      const life = this.#topology.lifeOf(sender);
      // A life started after the receive cannot have sent it; an ended one has told everything.
      if (!life || life.started > t || life.ended !== undefined) continue;
      if (except && sender === except.event.node && except.key === socketKey(sender, life.number, except.event.socket)) continue;
      if (!this.#heardPast(sender, t)) return false;
    }
    return true;
  }

  #outside(recv: RecvEntry): boolean {
    return this.#context.outsideDuring(recv.event.node, recv.socket, recv.event.t - OUTSIDE_LINGER_MS, recv.event.t);
  }

  /** Keeps a send waiting, in every table that finds it. */
  #keepSend(entry: SendEntry): void {
    const forgotten = this.#sends.add(entry);
    if (entry.route !== undefined) {
      const life = lifeOfKey(entry.route);
      let sends = this.#routedTo.get(life);
      if (!sends) this.#routedTo.set(life, (sends = new Set()));
      sends.add(entry);
    }
    if (entry.type === "REQ") this.#requests.set(`${entry.key}:${entry.event.seq}`, entry);
    if (forgotten) {
      this.#unindex(forgotten);
      this.#context.forgotSend?.(forgotten.event);
    }
  }

  /** Takes a send away from every table (paired, or its fate settled otherwise). */
  #dropSend(entry: SendEntry): void {
    this.#sends.delete(entry);
    this.#unindex(entry);
  }

  #unindex(entry: SendEntry): void {
    if (entry.route !== undefined) {
      const life = lifeOfKey(entry.route);
      const sends = this.#routedTo.get(life);
      sends?.delete(entry);
      if (sends?.size === 0) this.#routedTo.delete(life);
    }
    if (entry.type === "REQ") this.#requests.delete(`${entry.key}:${entry.event.seq}`);
  }

  #addSend(event: MessageEvent, deliveries: DeliverEvent[]): void {
    const life = this.#topology.lifeOf(event.node)?.number ?? 0;
    const socket = this.#topology.socket(event.node, event.socket);
    const entry: SendEntry = { event, key: socketKey(event.node, life, event.socket), type: socket?.type ?? "", socket };
    if (FAN_OUT_SOCKETS.has(entry.type)) entry.deliveredTo = new Set();
    if (entry.type === "REP") {
      const request = `${entry.key}:${event.seq}`;
      const from = this.#requestFrom.get(request);
      if (from === undefined && this.#awaitsRequest(request)) {
        this.#repliesAwaitingRequest.set(request, entry);
        return;
      }
      this.#requestFrom.delete(request);
      // Its request was counted, not reported, or came from no one known: where it went is not known.
      if (!from) return;
      entry.route = from;
    } else if (entry.type === "ROUTER") {
      const identity = identityOf(event);
      let peer = identity === undefined ? null : this.#identities.get(`${entry.key}|${identity}`);
      // An identity none of its receives carried: a peer this socket never heard from in the run.
      if (peer === undefined && !this.#receivesFromIdentityWaiting(entry.key, identity!)) peer = null;
      if (peer === undefined) {
        const waiting = `${entry.key}|${identity}`;
        let sends = this.#sendsAwaitingIdentity.get(waiting);
        if (!sends) this.#sendsAwaitingIdentity.set(waiting, (sends = []));
        sends.push(entry);
        return;
      }
      if (peer === null) return;
      entry.route = peer;
    }
    this.#placeSend(entry, deliveries);
  }

  /** Whether a REP receive with this key and seq was reported and waits to be settled. */
  #awaitsRequest(request: string): boolean {
    return this.#pendingRequests.has(request);
  }

  /** A send whose way is known (or free) joins the waiting sends, and the receives it may answer are tried. */
  #placeSend(entry: SendEntry, deliveries: DeliverEvent[]): void {
    this.#keepSend(entry);
    // The receives it may answer wait at its peers, each socket's in the order they came.
    if (this.#receives.get(entry.event.digest))
      for (const receiver of this.#topology.sendersTo(entry.event.node)) this.#advanceNode(receiver, deliveries);
    // Routed to a life already over: lost now, unless one of its receives still waits.
    if (entry.route !== undefined && this.#sends.has(entry)) {
      const node = nodeOfKey(entry.route);
      const number = Number(lifeOfKey(entry.route).slice(node.length + 1));
      if (this.#topology.life(node, number)?.ended !== undefined) this.#settleRoutedTo(node);
    }
  }

  #addReceive(event: MessageEvent, deliveries: DeliverEvent[]): void {
    const life = this.#topology.lifeOf(event.node)?.number ?? 0;
    const socket = this.#topology.socket(event.node, event.socket);
    const entry: RecvEntry = { event, key: socketKey(event.node, life, event.socket), type: socket?.type ?? "", socket };
    if (entry.type === "ROUTER") entry.identity = identityOf(event);
    if (entry.type === "REP") this.#pendingRequests.add(`${entry.key}:${event.seq}`);
    let queue = this.#queues.get(entry.key);
    if (!queue) {
      this.#queues.set(entry.key, (queue = new HeadQueue()));
      let keys = this.#queuesOf.get(event.node);
      if (!keys) this.#queuesOf.set(event.node, (keys = new Set()));
      keys.add(entry.key);
    }
    queue.push(entry);
    const forgotten = this.#receives.add(entry);
    if (forgotten) {
      // Never settled (10,000 newer ones behind it): what it took can no longer be told.
      this.#settleReceive(forgotten, "not-known", undefined, deliveries);
      this.#context.forgotReceive?.(forgotten.event);
      this.#advance(forgotten.key, deliveries);
    }
    if (queue.size === 1) this.#advance(entry.key, deliveries);
  }

  /**
   * Settles a socket's waiting receives, oldest first, until one must still wait: what it waits
   * on (a node not yet heard past it, its send still on its way) soon lets go, as every process
   * is heard from at least every 100 ms, and an ended one for good.
   */
  #advance(key: string, deliveries: DeliverEvent[]): void {
    const queue = this.#queues.get(key);
    if (!queue || this.#advancing.has(key)) return;
    this.#advancing.add(key);
    while (queue.size > 0) {
      const head = queue.at(0);
      if (this.#receives.has(head) && this.#resolve(head, deliveries) === "waiting") break;
      queue.removeAt(0);
    }
    this.#advancing.delete(key);
    if (queue.size === 0) {
      this.#queues.delete(key);
      const node = nodeOfKey(key);
      const keys = this.#queuesOf.get(node);
      keys?.delete(key);
      if (keys?.size === 0) this.#queuesOf.delete(node);
    }
  }

  #advanceNode(node: string, deliveries: DeliverEvent[]): void {
    const keys = this.#queuesOf.get(node);
    if (keys) for (const key of [...keys]) this.#advance(key, deliveries);
  }

  /**
   * A receive whose sender can never be found: every socket that could have sent it has been
   * heard past it, and nothing it waits on (a request's fate, an identity) is still open.
   */
  #orphaned(recv: RecvEntry): boolean {
    return this.#othersHeardPast(recv, undefined);
  }

  /** Settles one waiting receive if it can be: paired, not known, or left waiting. */
  #resolve(recv: RecvEntry, deliveries: DeliverEvent[]): Resolution {
    if (!this.#receives.has(recv)) return "paired";
    const { event } = recv;
    // A REQ's reply comes from the socket that took its request, and from nowhere else.
    if (recv.type === "REQ") {
      const request = `${recv.key}:${event.seq}`;
      const to = this.#requestTo.get(request);
      if (to === undefined) {
        // Its request was taken before this reply (lockstep): once every possible taker has
        // been heard past the reply, its receive has arrived. It went unpaired unless it still
        // waits to be settled (a ROUTER's receive waits until every client that could have sent
        // it has been heard past it, and a client blocked on its reply is heard only so often).
        if (!this.#othersHeardPast(recv, undefined)) return "waiting";
        const taken = this.#requests.get(request);
        if (taken && this.mayHaveReceived(taken.event)) return "waiting";
        this.#requestTo.set(request, null);
        this.#forgetRequest(recv.key, event.seq);
        return this.#settleReceive(recv, "not-known", undefined, deliveries);
      }
      if (to === null) return this.#settleReceive(recv, "not-known", undefined, deliveries);
      const send = this.#oldestFrom(recv, to);
      if (send) return this.#pair(send, recv, deliveries);
      // A ROUTER's reply may still wait to learn whose its envelope's identity is.
      if (this.#awaitsIdentity(to, event.digest)) return "waiting";
      return this.#heardPast(nodeOfKey(to), event.t) || this.#topology.lifeOf(nodeOfKey(to))?.ended !== undefined
        ? this.#settleReceive(recv, "not-known", undefined, deliveries)
        : "waiting";
    }
    // A ROUTER's message from an identity already known is from that peer. One whose earlier
    // messages could not be told (null) is tried as any other: this one may tell, and then its
    // replies go their way again (one unclear message must not blind the rest of the run).
    if (recv.identity !== undefined) {
      const peer = this.#identities.get(`${recv.key}|${recv.identity}`);
      if (peer) {
        const send = this.#oldestFrom(recv, peer);
        if (send) return this.#pair(send, recv, deliveries);
        return this.#heardPast(nodeOfKey(peer), event.t) ? this.#settleReceive(recv, "not-known", undefined, deliveries) : "waiting";
      }
    }
    const outside = this.#outside(recv);
    const candidates = this.#candidates(recv);
    if (candidates.length > 1 || (candidates.length === 1 && outside))
      return this.#settleReceive(recv, "not-known", candidates, deliveries);
    if (candidates.length === 1) {
      if (!this.#othersHeardPast(recv, candidates[0])) return "waiting";
      return this.#pair(candidates[0]!, recv, deliveries);
    }
    return this.#orphaned(recv) ? this.#settleReceive(recv, "not-known", undefined, deliveries) : "waiting";
  }

  /** Whether this waiting send may be the one this receive took. */
  #eligible(send: SendEntry, recv: RecvEntry): boolean {
    if (send.event.t > recv.event.t) return false;
    if (send.route !== undefined) return send.route === recv.key;
    if (send.deliveredTo?.has(recv.key)) return false;
    return this.#topology.socketsJoined(send.event.node, send.socket, recv.event.node, recv.socket);
  }

  /**
   * The sends this receive may have been: the oldest eligible one of each sending socket (a
   * pipe is first in, first out), at most two (two already make it not known).
   */
  #candidates(recv: RecvEntry): SendEntry[] {
    const waiting = this.#sends.get(recv.event.digest);
    const found: SendEntry[] = [];
    if (!waiting) return found;
    // Nodes already seen sending after this receive: each one's later sends are later still.
    let past: Set<string> | undefined;
    const senders = this.#topology.sendersTo(recv.event.node).length;
    for (let i = 0; i < waiting.size; i++) {
      const send = waiting.at(i);
      if (send.event.t > recv.event.t) {
        // Without this, a receive whose send is gone steps over every send waiting behind.
        if (senders <= 1) break;
        (past ??= new Set()).add(send.event.node);
        if (past.size >= senders) break;
        continue;
      }
      if (past?.has(send.event.node) || found.some((other) => other.key === send.key) || !this.#eligible(send, recv)) continue;
      found.push(send);
      if (found.length > 1) break;
      // The one sender's current life is the newest that can send: nothing after it is another's.
      if (senders <= 1 && this.#isCurrent(send)) break;
    }
    return found;
  }

  #isCurrent(send: SendEntry): boolean {
    const life = this.#topology.lifeOf(send.event.node);
    return life !== undefined && send.key === socketKey(send.event.node, life.number, send.event.socket);
  }

  /** The oldest waiting send of one socket this receive may have been. */
  #oldestFrom(recv: RecvEntry, sender: string): SendEntry | undefined {
    const waiting = this.#sends.get(recv.event.digest);
    if (!waiting) return undefined;
    for (let i = 0; i < waiting.size; i++) {
      const send = waiting.at(i);
      if (send.key !== sender) continue;
      if (send.event.t > recv.event.t) return undefined;
      if (this.#eligible(send, recv)) return send;
    }
    return undefined;
  }

  #pair(send: SendEntry, recv: RecvEntry, deliveries: DeliverEvent[]): Resolution {
    if (send.deliveredTo) send.deliveredTo.add(recv.key);
    else this.#dropSend(send);
    const delivery = deliver(send.event, recv.event);
    this.#receiverLives.set(delivery, Number(lifeOfKey(recv.key).slice(recv.event.node.length + 1)));
    deliveries.push(delivery);
    if (send.type === "REQ") this.#requestTo.set(`${send.key}:${send.event.seq}`, recv.key);
    this.#settleReceive(recv, "paired", send, deliveries);
    // The REQ's reply may have waited for where its request went.
    if (send.type === "REQ") this.#advanceNode(send.event.node, deliveries);
    return "paired";
  }

  /**
   * A receive is settled: paired with `send`, or its sender not known (`candidates`, the sends
   * it may have been, can no longer be paired or judged). What waited on it goes on.
   */
  #settleReceive(
    recv: RecvEntry,
    how: "paired" | "not-known",
    sendOrCandidates: SendEntry | SendEntry[] | undefined,
    deliveries: DeliverEvent[],
  ): Resolution {
    this.#receives.delete(recv);
    const from = how === "paired" ? (sendOrCandidates as SendEntry).key : null;
    if (how === "not-known" && Array.isArray(sendOrCandidates)) {
      for (const candidate of sendOrCandidates) {
        if (!candidate.deliveredTo) this.#dropSend(candidate);
        this.#context.forgotSend?.(candidate.event);
      }
    }
    if (recv.type === "REP") {
      const request = `${recv.key}:${recv.event.seq}`;
      this.#pendingRequests.delete(request);
      const reply = this.#repliesAwaitingRequest.get(request);
      if (reply) {
        this.#repliesAwaitingRequest.delete(request);
        if (from) {
          reply.route = from;
          this.#placeSend(reply, deliveries);
        }
      } else this.#requestFrom.set(request, from);
    }
    if (recv.identity !== undefined) {
      const identity = `${recv.key}|${recv.identity}`;
      if (!this.#identities.has(identity) || (from && this.#identities.get(identity) === null)) this.#identities.set(identity, from);
      const sends = this.#sendsAwaitingIdentity.get(identity);
      // Once the identity is known to be a peer's, its sends go their way at once; while it is
      // not known, a receive from it still waiting may yet tell.
      const known = this.#identities.get(identity);
      if (sends && (known || !this.#receivesFromIdentityWaiting(recv.key, recv.identity))) {
        this.#sendsAwaitingIdentity.delete(identity);
        // An identity that stays unknown: where its sends went is not known, and they are dropped.
        if (known)
          for (const send of sends) {
            send.route = known;
            this.#placeSend(send, deliveries);
          }
      }
    }
    return how;
  }

  /** Whether a send of this ROUTER socket with this payload waits to learn whose its identity is. */
  #awaitsIdentity(key: string, digest: string): boolean {
    for (const [waiting, sends] of this.#sendsAwaitingIdentity)
      if (waiting.startsWith(`${key}|`) && sends.some((send) => send.event.digest === digest)) return true;
    return false;
  }

  /** Whether a receive of this ROUTER socket from this identity still waits. */
  #receivesFromIdentityWaiting(key: string, identity: string): boolean {
    return this.#queues.get(key)?.some((other) => other.identity === identity && this.#receives.has(other)) ?? false;
  }

  /** A REQ's request that no receive was found for, though its reply came: taken by a receive not known. */
  #forgetRequest(key: string, seq: number): void {
    const entry = this.#requests.get(`${key}:${seq}`);
    if (!entry) return;
    this.#dropSend(entry);
    this.#context.forgotSend?.(entry.event);
  }

  /**
   * Sends routed to a life of `node` that has ended: each one none of its receives took is
   * lost, for that node (a reply to a client killed while its server worked on its request).
   */
  #settleRoutedTo(node: string): void {
    for (const life of this.#topology.livesOf(node)) {
      if (life.ended === undefined) continue;
      const sends = this.#routedTo.get(`${node}#${life.number}`);
      if (!sends) continue;
      const prefix = `${node}#${life.number}/`;
      // Its receives may still wait on something (a request's fate): their sends are not judged yet.
      if ([...(this.#queuesOf.get(node) ?? [])].some((key) => key.startsWith(prefix))) continue;
      for (const entry of [...sends]) {
        this.#dropSend(entry);
        this.#context.lostRouted?.(entry.event, node);
      }
    }
  }
}
