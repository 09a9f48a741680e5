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
}

interface PendingSend {
  event: MessageEvent;
  /** For fan-out sends: the receivers it has been delivered to so far. */
  deliveredTo?: Set<string>;
}

/** How many unpaired reports are kept per digest before the oldest are forgotten. */
const MAX_PENDING_PER_DIGEST = 10_000;

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

  /** Adds a report; past MAX_PENDING_PER_DIGEST the oldest is forgotten. */
  push(item: T): void {
    this.#items.push(item);
    if (this.size > MAX_PENDING_PER_DIGEST) this.removeAt(0);
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

function queueOf<T>(map: Map<string, PendingQueue<T>>, key: string): PendingQueue<T> {
  let queue = map.get(key);
  if (!queue) map.set(key, (queue = new PendingQueue()));
  return queue;
}

export class DeliveryMatcher {
  readonly #topology: MatcherTopology;
  readonly #sends = new Map<string, PendingQueue<PendingSend>>();
  readonly #receives = new Map<string, PendingQueue<MessageEvent>>();

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
    let count = 0;
    for (const queue of this.#sends.values()) count += queue.size;
    return count;
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
          waiting.removeAt(i);
          if (!fansOut) break;
        } else {
          i += 1;
        }
      }
      if (waiting.size === 0) this.#receives.delete(send.digest);
    }
    if (fansOut) queueOf(this.#sends, send.digest).push({ event: send, deliveredTo });
    else if (deliveries.length === 0) queueOf(this.#sends, send.digest).push({ event: send });
    return deliveries;
  }

  #addReceive(recv: MessageEvent): DeliverEvent[] {
    const candidates = this.#sends.get(recv.digest);
    let index = -1;
    if (candidates) {
      for (let i = 0; i < candidates.size; i++) {
        const pending = candidates.at(i);
        if (pending.event.t <= recv.t && this.#topology.arePeers(pending.event.node, recv.node) && !pending.deliveredTo?.has(recv.node)) {
          index = i;
          break;
        }
      }
    }
    if (index === -1) {
      queueOf(this.#receives, recv.digest).push(recv);
      return [];
    }
    const pending = candidates!.at(index);
    if (pending.deliveredTo) pending.deliveredTo.add(recv.node);
    else candidates!.removeAt(index);
    if (candidates!.size === 0) this.#sends.delete(recv.digest);
    return [deliver(pending.event, recv)];
  }
}
