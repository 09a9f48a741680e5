/**
 * Pairs the messages processes say they sent with the messages processes say they received,
 * and turns each pair into a delivery: sender → receiver, with the measured latency.
 *
 * Reports reach the bridge over separate channels, one per process, so a receive can arrive
 * before the send it answers; both sides wait here for their partner. Pairs are made by
 * digest (equal frames give equal digests) between nodes that are peers, oldest first, so
 * identical payloads ("Hello", "Hello", …) pair in the order they happened. All processes
 * share one monotonic clock, so a receive never pairs with a send stamped after it.
 */
import type { DeliverEvent, NodeEvent } from "./protocol.js";
import type { MessageReport } from "../demos/lib/report-types.js";

export type MessageEvent = MessageReport & { node: string };

export interface MatcherTopology {
  /** Whether messages can flow between these two nodes (an edge joins their roles). */
  arePeers(sender: string, receiver: string): boolean;
  /** Whether one send from this node reaches every matching peer (PUB, XPUB) rather than one. */
  fansOut(sender: string): boolean;
  /**
   * A send was forgotten unpaired (or, fanned out, with receivers still to come): a receive of
   * it reported from now on pairs with nothing, so its fate must not be judged from deliveries.
   */
  forgotSend?(send: MessageEvent): void;
  /** The run's nodes that can send to this one (their roles are joined by an edge). */
  sendersTo(receiver: string): readonly string[];
}

interface PendingSend {
  event: MessageEvent;
  /** For fan-out sends: the receivers it has been delivered to so far. */
  deliveredTo?: Set<string>;
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
 * The unpaired reports of one digest, oldest first. Pairs are almost always made with the
 * oldest, so taking it moves a head index rather than shifting thousands of reports along
 * (at full speed a digest such as a benchmark's repeated payload has thousands waiting).
 */
class PendingQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** The i-th oldest. */
  at(i: number): T {
    return this.#items[this.#head + i]!;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  indexOf(item: T): number {
    const index = this.#items.indexOf(item, this.#head);
    return index === -1 ? -1 : index - this.#head;
  }

  removeAt(i: number): void {
    if (i > 0) {
      this.#items.splice(this.#head + i, 1);
      return;
    }
    this.#items[this.#head] = undefined;
    this.#head += 1;
    // Drop the taken slots now and then: the array's length stays proportional to what waits.
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}

/**
 * The unpaired reports of one kind, by digest, and all of them in the order they came, so the
 * oldest of every digest together is the one forgotten past MAX_PENDING.
 */
class PendingReports<T extends object> {
  readonly #byDigest = new Map<string, PendingQueue<T>>();
  /** The reports waiting. */
  readonly #waiting = new Set<T>();
  /**
   * Every report in the order it came, paired ones included until passed: the oldest still
   * waiting is found from `#head`. (A Set's first entry would do, but finding it after many
   * deletions walks every deleted slot still in its table: once full, that is every add.)
   */
  #order: T[] = [];
  #head = 0;
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

  get(digest: string): PendingQueue<T> | undefined {
    return this.#byDigest.get(digest);
  }

  /** Adds a report; returns the oldest one, forgotten to make room, if any. */
  add(item: T): T | undefined {
    const digest = this.#digestOf(item);
    let queue = this.#byDigest.get(digest);
    if (!queue) this.#byDigest.set(digest, (queue = new PendingQueue()));
    queue.push(item);
    this.#waiting.add(item);
    this.#order.push(item);
    if (this.#waiting.size <= MAX_PENDING) return undefined;
    while (!this.#waiting.has(this.#order[this.#head]!)) this.#head += 1;
    const oldest = this.#order[this.#head]!;
    const oldestQueue = this.#byDigest.get(this.#digestOf(oldest))!;
    // Each digest's queue is in arrival order too, so the oldest of all heads its own.
    this.remove(this.#digestOf(oldest), oldestQueue.at(0) === oldest ? 0 : oldestQueue.indexOf(oldest));
    return oldest;
  }

  /** Takes the i-th oldest report of `digest` away (it was paired, or forgotten). */
  remove(digest: string, i: number): void {
    const queue = this.#byDigest.get(digest)!;
    this.#waiting.delete(queue.at(i));
    queue.removeAt(i);
    // Paired reports are passed over at the head; the array stays proportional to what waits.
    while (this.#head < this.#order.length && !this.#waiting.has(this.#order[this.#head]!)) this.#head += 1;
    if (this.#head >= 1024 && this.#head * 2 >= this.#order.length) {
      this.#order = this.#order.slice(this.#head);
      this.#head = 0;
    } else if (this.#order.length - this.#head > 4 * Math.max(1024, this.#waiting.size)) {
      // Paired ones behind a report that waits long: dropped now and then.
      this.#order = this.#order.slice(this.#head).filter((item) => this.#waiting.has(item));
      this.#head = 0;
    }
    if (queue.size === 0) this.#byDigest.delete(digest);
  }
}

export class DeliveryMatcher {
  readonly #topology: MatcherTopology;
  readonly #sends = new PendingReports<PendingSend>((pending) => pending.event.digest);
  readonly #receives = new PendingReports<MessageEvent>((recv) => recv.digest);
  /**
   * The latest stamp of any report from each node, Infinity once it has ended: its channel is
   * in order, so every send it made before then has arrived.
   */
  readonly #heardUntil = new Map<string, number>();

  constructor(topology: MatcherTopology) {
    this.#topology = topology;
  }

  /** Takes one send or receive report; returns the deliveries it completes, if any. */
  add(event: MessageEvent): DeliverEvent[] {
    return event.kind === "send" ? this.#addSend(event) : this.#addReceive(event);
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

  /** How many digests have a send or a receive waiting: each costs an entry of its own. */
  get pendingDigests(): number {
    return this.#sends.digests + this.#receives.digests;
  }

  /** A process started (again) under this name at `t`: nothing of it has been heard since. */
  started(node: string, t: number): void {
    this.#heardUntil.set(node, t);
  }

  /** A node reported something stamped `t` (Infinity: it ended and all it reported has arrived). */
  heard(node: string, t: number): void {
    if (t > (this.#heardUntil.get(node) ?? -Infinity)) this.#heardUntil.set(node, t);
  }

  /**
   * Whether a receive still without its send can never have one: every node that could have
   * sent it has been heard from past the receive's stamp, so its send has arrived already and
   * went elsewhere or was forgotten. Left waiting, it would sit at the head of its digest's queue
   * and every later send of that digest would step over it (at full speed, most of the bridge's
   * time); a receive from a peer outside the run, which no send will ever match, goes the same way.
   */
  #orphaned(recv: MessageEvent): boolean {
    for (const sender of this.#topology.sendersTo(recv.node)) if ((this.#heardUntil.get(sender) ?? -Infinity) < recv.t) return false;
    return true;
  }

  #addSend(send: MessageEvent): DeliverEvent[] {
    const waiting = this.#receives.get(send.digest);
    const fansOut = this.#topology.fansOut(send.node);
    const deliveries: DeliverEvent[] = [];
    const deliveredTo = fansOut ? new Set<string>() : undefined;
    if (waiting) {
      for (let i = 0; i < waiting.size; ) {
        const recv = waiting.at(i);
        if (recv.t >= send.t && this.#topology.arePeers(send.node, recv.node) && !deliveredTo?.has(recv.node)) {
          deliveries.push(deliver(send, recv));
          deliveredTo?.add(recv.node);
          const last = waiting.size === 1;
          this.#receives.remove(send.digest, i);
          if (!fansOut || last) break;
        } else if (recv.t < send.t && this.#orphaned(recv)) {
          const last = waiting.size === 1;
          this.#receives.remove(send.digest, i);
          if (last) break;
        } else {
          i += 1;
        }
      }
    }
    if (fansOut) this.#addPendingSend({ event: send, deliveredTo });
    else if (deliveries.length === 0) this.#addPendingSend({ event: send });
    return deliveries;
  }

  #addPendingSend(pending: PendingSend): void {
    const forgotten = this.#sends.add(pending);
    if (forgotten) this.#topology.forgotSend?.(forgotten.event);
  }

  #addReceive(recv: MessageEvent): DeliverEvent[] {
    const candidates = this.#sends.get(recv.digest);
    let index = -1;
    if (candidates) {
      const senders = this.#topology.sendersTo(recv.node);
      // Senders already seen sending after this receive: each one's later sends are later still.
      let past: Set<string> | undefined;
      for (let i = 0; i < candidates.size; i++) {
        const pending = candidates.at(i);
        if (!this.#topology.arePeers(pending.event.node, recv.node)) continue;
        if (pending.event.t > recv.t) {
          // Without this, a receive whose send is gone steps over every send waiting behind.
          if (senders.length <= 1) break;
          (past ??= new Set()).add(pending.event.node);
          if (past.size >= senders.length) break;
          continue;
        }
        if (past?.has(pending.event.node) || pending.deliveredTo?.has(recv.node)) continue;
        index = i;
        break;
      }
    }
    if (index === -1) {
      if (!this.#orphaned(recv)) this.#receives.add(recv);
      return [];
    }
    const pending = candidates!.at(index);
    if (pending.deliveredTo) pending.deliveredTo.add(recv.node);
    else this.#sends.remove(recv.digest, index);
    return [deliver(pending.event, recv)];
  }
}
