/**
 * Works out which messages were sent but will never be received, from what the processes
 * reported and nothing else. Nothing is guessed: a message is declared lost only once the
 * order ZeroMQ guarantees makes its receipt impossible.
 *
 * The guarantee used: messages from one socket to one peer travel one pipe, first in, first
 * out, and each process reports its receives in the order it made them.
 *
 * - A PUSH (round-robin) send is not assigned to a worker until a worker receives it, so a
 *   killed worker's queue cannot be counted at the kill. But once every worker that is still
 *   alive has received something the PUSH sent *after* message m, and nobody received m, then
 *   m was in no living worker's pipe: it went to one that died, and is lost. (This also counts
 *   the messages a PUSH put into a dead worker's pipe before it noticed the disconnect.)
 * - A PUB/XPUB send goes to every subscriber whose filter matches. When subscriber s receives
 *   message q from a publisher, every earlier message of that publisher that s wanted — sent
 *   after s was started, with a topic its filters matched — and did not get before q never
 *   will: lost for s. Before s's first message this is the slow joiner's loss.
 */
import type { FramePreview } from "../demos/lib/report-types.js";
import type { MessageEvent } from "./matcher.js";
import type { DeliverEvent, LostEvent, LostReason } from "./protocol.js";

export interface LossTopology {
  /** How a socket distributes its messages: round-robin (PUSH), fan-out (PUB, XPUB), or not tracked. */
  distribution(node: string, socket: number): "round-robin" | "fan-out" | "untracked";
  /** The nodes downstream of the sender (an edge leads from its role to theirs) that are alive now. */
  liveReceivers(node: string): string[];
  /**
   * Whether a peer from outside the run has ever connected to this node. Then a round-robin
   * send nobody in the run received may be in that peer's hands: its fate cannot be known,
   * so none of this sender's messages is declared lost.
   */
  hadExternalPeers(node: string): boolean;
}

/** Sequence numbers count per socket, so a sender is a node's socket. */
function senderKey(node: string, socket: number): string {
  return `${node}/${socket}`;
}

function nodeOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/"));
}

/** How many sends of one sender are remembered while their fate is open. */
const MAX_REMEMBERED = 5000;

interface FilterChange {
  t: number;
  filters: string[];
}

function topicOf(frames: FramePreview[]): string | undefined {
  const first = frames[0];
  return first && !first.binary ? first.text : undefined;
}

export class LossTracker {
  readonly #topology: LossTopology;
  /** Round-robin sends not yet received by anyone, by sender, by send sequence number. */
  readonly #unreceived = new Map<string, Map<number, MessageEvent>>();
  /** Fan-out sends, by sender, oldest first (bounded). */
  readonly #published = new Map<string, MessageEvent[]>();
  /** The highest send sequence number of each sender that each receiver has received. */
  readonly #lastReceived = new Map<string, Map<string, number>>();
  /** When each node's current process started, and each node's filter history. */
  readonly #startedAt = new Map<string, number>();
  readonly #filters = new Map<string, FilterChange[]>();
  /** Processes that ended, with when: a round-robin loss is laid at the door of the one that did. */
  readonly #exits: { node: string; t: number }[] = [];

  constructor(topology: LossTopology) {
    this.#topology = topology;
  }

  /** A process started (or started again under the same name): it has received nothing yet. */
  spawned(node: string, t: number): void {
    this.#startedAt.set(node, t);
    this.#filters.delete(node);
    for (const receivers of this.#lastReceived.values()) receivers.delete(node);
  }

  /** A process ended: fewer receivers to wait for, so round-robin losses may now be certain. */
  exited(node: string, t: number): LostEvent[] {
    this.#exits.push({ node, t });
    const lost: LostEvent[] = [];
    for (const sender of this.#unreceived.keys()) lost.push(...this.#settleRoundRobin(sender, t));
    return lost;
  }

  filtersChanged(node: string, t: number, filters: string[]): void {
    let history = this.#filters.get(node);
    if (!history) this.#filters.set(node, (history = []));
    history.push({ t, filters });
  }

  sent(send: MessageEvent): void {
    const distribution = this.#topology.distribution(send.node, send.socket);
    const key = senderKey(send.node, send.socket);
    if (distribution === "round-robin") {
      let pending = this.#unreceived.get(key);
      if (!pending) this.#unreceived.set(key, (pending = new Map()));
      pending.set(send.seq, send);
      if (pending.size > MAX_REMEMBERED) pending.delete(pending.keys().next().value!);
    } else if (distribution === "fan-out") {
      let sends = this.#published.get(key);
      if (!sends) this.#published.set(key, (sends = []));
      sends.push(send);
      if (sends.length > MAX_REMEMBERED) sends.shift();
    }
  }

  delivered(delivery: DeliverEvent): LostEvent[] {
    const { node: receiver, sendSeq } = delivery;
    const sender = senderKey(delivery.from, delivery.fromSocket);
    let receivers = this.#lastReceived.get(sender);
    if (!receivers) this.#lastReceived.set(sender, (receivers = new Map()));
    const previous = receivers.get(receiver);
    receivers.set(receiver, Math.max(previous ?? 0, sendSeq));

    const distribution = this.#topology.distribution(delivery.from, delivery.fromSocket);
    if (distribution === "round-robin") {
      this.#unreceived.get(sender)?.delete(sendSeq);
      return this.#settleRoundRobin(sender, delivery.t);
    }
    if (distribution === "fan-out") return this.#settleFanOut(sender, receiver, previous, sendSeq, delivery.t);
    return [];
  }

  #settleRoundRobin(sender: string, now: number): LostEvent[] {
    const pending = this.#unreceived.get(sender);
    const live = this.#topology.liveReceivers(nodeOf(sender));
    if (!pending || pending.size === 0 || live.length === 0) return [];
    if (this.#topology.hadExternalPeers(nodeOf(sender))) {
      pending.clear();
      return [];
    }
    const received = this.#lastReceived.get(sender);
    // Every live receiver has had messages up to here; anything older nobody got is gone.
    const floor = Math.min(...live.map((receiver) => received?.get(receiver) ?? 0));
    const lost: LostEvent[] = [];
    // Sends are remembered in the order they were made, so seq ascends: stop at the floor
    // rather than walk the rest (thousands of sends in flight at full speed, per delivery).
    for (const [seq, send] of pending) {
      if (seq >= floor) break;
      pending.delete(seq);
      const suspects = this.#exits.filter((exit) => exit.t >= send.t).map((exit) => exit.node);
      const culprits = [...new Set(suspects)];
      lost.push(this.#lost(send, now, "receiver-gone", culprits.length === 1 ? culprits[0] : undefined));
    }
    return lost;
  }

  #settleFanOut(sender: string, receiver: string, previous: number | undefined, upTo: number, now: number): LostEvent[] {
    const started = this.#startedAt.get(receiver);
    const history = this.#filters.get(receiver);
    if (started === undefined || !history || history.length === 0) return [];
    const lost: LostEvent[] = [];
    for (const send of this.#published.get(sender) ?? []) {
      if (send.seq >= upTo) break;
      if (send.seq <= (previous ?? 0) || send.t < started) continue;
      const topic = topicOf(send.frames);
      if (topic === undefined || !this.#wanted(history, send.t, topic)) continue;
      lost.push(this.#lost(send, now, previous === undefined ? "slow-joiner" : "dropped", receiver));
    }
    return lost;
  }

  /** Whether the filters the receiver had at time t match the topic; its first filters count from its start. */
  #wanted(history: FilterChange[], t: number, topic: string): boolean {
    let filters = history[0]!.filters;
    for (const change of history) if (change.t <= t) filters = change.filters;
    return filters.some((prefix) => topic.startsWith(prefix));
  }

  #lost(send: MessageEvent, now: number, reason: LostReason, to: string | undefined): LostEvent {
    return {
      kind: "lost",
      t: now,
      node: send.node,
      ...(to ? { to } : {}),
      reason,
      digest: send.digest,
      sendSeq: send.seq,
      frames: send.frames,
    };
  }
}
