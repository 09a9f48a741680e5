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

function pushBounded<T>(map: Map<string, T[]>, key: string, value: T): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(value);
  if (list.length > MAX_PENDING_PER_DIGEST) list.shift();
}

export class DeliveryMatcher {
  readonly #topology: MatcherTopology;
  readonly #sends = new Map<string, PendingSend[]>();
  readonly #receives = new Map<string, MessageEvent[]>();

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
    for (const list of this.#sends.values()) count += list.length;
    return count;
  }

  #addSend(send: MessageEvent): DeliverEvent[] {
    const waiting = this.#receives.get(send.digest) ?? [];
    const fansOut = this.#topology.fansOut(send.node);
    const deliveries: DeliverEvent[] = [];
    const deliveredTo = new Set<string>();
    for (let i = 0; i < waiting.length; ) {
      const recv = waiting[i]!;
      if (recv.t >= send.t && this.#topology.arePeers(send.node, recv.node) && !deliveredTo.has(recv.node)) {
        deliveries.push(deliver(send, recv));
        deliveredTo.add(recv.node);
        waiting.splice(i, 1);
        if (!fansOut) break;
      } else {
        i += 1;
      }
    }
    if (waiting.length === 0) this.#receives.delete(send.digest);
    if (fansOut) pushBounded(this.#sends, send.digest, { event: send, deliveredTo });
    else if (deliveries.length === 0) pushBounded(this.#sends, send.digest, { event: send });
    return deliveries;
  }

  #addReceive(recv: MessageEvent): DeliverEvent[] {
    const candidates = this.#sends.get(recv.digest) ?? [];
    const index = candidates.findIndex(
      (pending) =>
        pending.event.t <= recv.t && this.#topology.arePeers(pending.event.node, recv.node) && !pending.deliveredTo?.has(recv.node),
    );
    if (index === -1) {
      pushBounded(this.#receives, recv.digest, recv);
      return [];
    }
    const pending = candidates[index]!;
    if (pending.deliveredTo) pending.deliveredTo.add(recv.node);
    else candidates.splice(index, 1);
    if (candidates.length === 0) this.#sends.delete(recv.digest);
    return [deliver(pending.event, recv)];
  }
}
