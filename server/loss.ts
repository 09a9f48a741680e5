/**
 * Works out which messages were sent but will never be received, from what the processes
 * reported and nothing else. Nothing is guessed: a message is declared lost only once the
 * order ZeroMQ guarantees makes its receipt impossible.
 *
 * The guarantees used: messages from one socket to one peer travel one pipe, first in, first
 * out; each process reports in the order things happened; and every report is stamped on the
 * machine's one monotonic clock, a filter change at the instant it is made.
 *
 * - A PUSH (round-robin) send is not assigned to a worker until a worker receives it, so a
 *   killed worker's queue cannot be counted at the kill. But once every worker that is still
 *   alive has received something the PUSH sent *after* message m, and nobody received m, then
 *   m was in no living worker's pipe: it went to one that died, and is lost. (This also counts
 *   the messages a PUSH put into a dead worker's pipe before it noticed the disconnect.)
 * - A PUB/XPUB send goes to every subscriber whose filter matches. When subscriber s receives
 *   message q from a publisher, every earlier message of that publisher that s wanted — sent
 *   after s was started, with a topic its filters matched — and did not get before q never
 *   will: lost for s. Before s's first message, or before its new filter was seen to work,
 *   its subscription was still on its way: the slow joiner. After, the publisher's pipe to s
 *   was full: a high-water-mark drop.
 * - A PUB/XPUB send that no subscriber of the run wanted is dropped by the publisher at once.
 *   A subscriber's filters reach the bridge on its own channel, possibly after the send, so
 *   this is settled only once every subscriber that was running when it was sent has reported
 *   something stamped later (its filters as of then are all known) or has ended.
 */
import type { FramePreview } from "../demos/lib/report-types.js";
import type { MessageEvent } from "./matcher.js";
import { OpenSends } from "./open-sends.js";
import type { DeliverEvent, LostEvent, LostReason } from "./protocol.js";

export interface LossTopology {
  /** How a socket distributes its messages: round-robin (PUSH), fan-out (PUB, XPUB), or not tracked. */
  distribution(node: string, socket: number): "round-robin" | "fan-out" | "untracked";
  /** The nodes downstream of the sender (an edge leads from its role to theirs) that are alive now. */
  liveReceivers(node: string): string[];
  /** The nodes downstream of the sender, alive or ended. */
  receivers(node: string): string[];
  /**
   * Whether a peer from outside the run has ever connected to this node. Then a send nobody in
   * the run received may be in that peer's hands: its fate cannot be known, so none of this
   * sender's messages is declared lost.
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
export const MAX_REMEMBERED = 5000;
/**
 * How many process exits are remembered to name the worker a lost task went to. Only exits
 * after a send still open matter; when one of those was forgotten, the loss is still counted
 * but no one is blamed, as the one named might not be the only suspect.
 */
const MAX_EXITS = 64;
/** How many lives (starts) of one node are remembered, for sends still being judged. */
const MAX_LIVES = 8;

interface FilterChange {
  t: number;
  filters: string[];
}

/** One start of a node's process, until it ended: what it subscribed to, and how far its reports have come. */
interface Life {
  started: number;
  ended?: number;
  filters: FilterChange[];
  /** The latest stamp of any report of this life: its filter changes up to here are all known. */
  heardUntil: number;
}

/** What the bridge last saw one receiver get from one sender. */
interface LastReceived {
  seq: number;
  /** When that message was sent. */
  sentAt: number;
}

/**
 * Whether the topic (the first frame) starts with one of the prefixes: undefined when it cannot
 * be told, as the first frame is binary or its preview is shorter than a prefix.
 */
function matches(filters: string[], frames: FramePreview[]): boolean | undefined {
  if (filters.includes("")) return true;
  const first = frames[0];
  if (!first || first.binary) return filters.length === 0 ? false : undefined;
  const complete = first.text.length >= first.size;
  let unknown = false;
  for (const prefix of filters) {
    if (first.text.startsWith(prefix)) return true;
    if (!complete && prefix.length > first.text.length && prefix.startsWith(first.text)) unknown = true;
  }
  return unknown ? undefined : false;
}

/** The filter change in effect at time t; a node's first filters count from its start. */
function changeAt(history: FilterChange[], t: number): FilterChange {
  let current = history[0]!;
  for (const change of history) if (change.t <= t) current = change;
  return current;
}

export class LossTracker {
  readonly #topology: LossTopology;
  /** Round-robin sends not yet received by anyone, by sender, by send sequence number. */
  readonly #unreceived = new Map<string, OpenSends>();
  /** Fan-out sends, by sender, oldest first (bounded). */
  readonly #published = new Map<string, MessageEvent[]>();
  /** Fan-out sends not yet known to have had a subscriber, by sender, oldest first (bounded). */
  readonly #unclaimed = new Map<string, MessageEvent[]>();
  /** What each receiver last received of each sender. */
  readonly #lastReceived = new Map<string, Map<string, LastReceived>>();
  /** Each node's lives, the current one last. */
  readonly #lives = new Map<string, Life[]>();
  /** Processes that ended, with when: a round-robin loss is laid at the door of the one that did. */
  readonly #exits: { node: string; t: number }[] = [];
  /** When the latest exit no longer remembered happened: sends before then cannot have their culprit named. */
  #lastForgottenExit = -Infinity;

  constructor(topology: LossTopology) {
    this.#topology = topology;
  }

  /** A process started (or started again under the same name): it has received nothing yet. */
  spawned(node: string, t: number): void {
    let lives = this.#lives.get(node);
    if (!lives) this.#lives.set(node, (lives = []));
    lives.push({ started: t, filters: [], heardUntil: t });
    if (lives.length > MAX_LIVES) lives.shift();
    for (const receivers of this.#lastReceived.values()) receivers.delete(node);
    // As a sender it starts counting again from 1: what its last life sent is judged no more.
    for (const sends of [this.#unreceived, this.#published, this.#unclaimed, this.#lastReceived]) {
      for (const key of [...sends.keys()]) if (nodeOf(key) === node) sends.delete(key);
    }
  }

  /**
   * A process ended, and all it reported has arrived: fewer receivers to wait for, so
   * round-robin losses may now be certain, and its filters are known for good.
   */
  exited(node: string, t: number): LostEvent[] {
    this.#exits.push({ node, t });
    if (this.#exits.length > MAX_EXITS) this.#lastForgottenExit = this.#exits.shift()!.t;
    const life = this.#lives.get(node)?.at(-1);
    if (life && life.ended === undefined) {
      life.ended = t;
      life.heardUntil = Infinity;
    }
    const lost: LostEvent[] = [];
    for (const sender of this.#unreceived.keys()) lost.push(...this.#settleRoundRobin(sender, nodeOf(sender), t));
    lost.push(...this.#settleUnclaimed(t));
    return lost;
  }

  /**
   * A node reported something stamped `t`. Every filter change it made before then has been
   * reported already, so sends made before then may now be judged.
   */
  heard(node: string, t: number): LostEvent[] {
    const life = this.#lives.get(node)?.at(-1);
    if (!life || t <= life.heardUntil) return [];
    life.heardUntil = t;
    return this.#unclaimed.size === 0 ? [] : this.#settleUnclaimed(t);
  }

  /** A SUB's filters changed at `t` (stamped as the change was made). */
  filtersChanged(node: string, t: number, filters: string[]): LostEvent[] {
    this.#lives.get(node)?.at(-1)?.filters.push({ t, filters });
    return this.heard(node, t);
  }

  sent(send: MessageEvent): LostEvent[] {
    const distribution = this.#topology.distribution(send.node, send.socket);
    const key = senderKey(send.node, send.socket);
    if (distribution === "round-robin") {
      let pending = this.#unreceived.get(key);
      if (!pending) this.#unreceived.set(key, (pending = new OpenSends()));
      pending.add(send);
      if (pending.size > MAX_REMEMBERED) pending.takeOldest();
    } else if (distribution === "fan-out") {
      pushBounded(this.#published, key, send);
      pushBounded(this.#unclaimed, key, send);
      return this.#settleUnclaimed(send.t);
    }
    return [];
  }

  /**
   * The matcher forgot this send, so a receive of it can no longer become a delivery: its fate
   * is not judged, as a receipt nobody can see would make it look lost. Fan-out sends are
   * forgotten oldest first, so every earlier send of its publisher goes with it.
   */
  forgotten(send: MessageEvent): void {
    const key = senderKey(send.node, send.socket);
    this.#unreceived.get(key)?.delete(send.seq);
    const published = this.#published.get(key);
    if (!published) return;
    let stale = 0;
    while (stale < published.length && published[stale]!.seq <= send.seq) stale += 1;
    published.splice(0, stale);
    if (published.length === 0) this.#published.delete(key);
  }

  delivered(delivery: DeliverEvent): LostEvent[] {
    const { node: receiver, sendSeq } = delivery;
    const sender = senderKey(delivery.from, delivery.fromSocket);
    let receivers = this.#lastReceived.get(sender);
    if (!receivers) this.#lastReceived.set(sender, (receivers = new Map()));
    const previous = receivers.get(receiver);
    const distribution = this.#topology.distribution(delivery.from, delivery.fromSocket);
    // Fan-out judgement compares with what the receiver had before this one: a copy. Otherwise
    // the record is updated in place (this runs for every delivery at full speed).
    const sentAt = delivery.t - delivery.latencyMs;
    if (!previous) receivers.set(receiver, { seq: sendSeq, sentAt });
    else if (sendSeq > previous.seq) {
      if (distribution === "fan-out") receivers.set(receiver, { seq: sendSeq, sentAt });
      else {
        previous.seq = sendSeq;
        previous.sentAt = sentAt;
      }
    }

    if (distribution === "round-robin") {
      this.#unreceived.get(sender)?.delete(sendSeq);
      return this.#settleRoundRobin(sender, delivery.from, delivery.t);
    }
    if (distribution === "fan-out") return this.#settleFanOut(sender, receiver, previous, sendSeq, delivery.t);
    return [];
  }

  #settleRoundRobin(sender: string, node: string, now: number): LostEvent[] {
    const pending = this.#unreceived.get(sender);
    if (!pending || pending.size === 0) return [];
    const live = this.#topology.liveReceivers(node);
    if (live.length === 0) return [];
    if (this.#topology.hadExternalPeers(node)) {
      pending.clear();
      return [];
    }
    const received = this.#lastReceived.get(sender);
    // Every live receiver has had messages up to here; anything older nobody got is gone.
    let floor = Infinity;
    for (const receiver of live) floor = Math.min(floor, received?.get(receiver)?.seq ?? 0);
    // Sends are remembered in the order they were made, so seq ascends: stop at the floor
    // rather than walk the rest (thousands of sends in flight at full speed, per delivery).
    const lost: LostEvent[] = [];
    for (let send = pending.oldest(); send !== undefined && send.seq < floor; send = pending.oldest()) {
      pending.delete(send.seq);
      const suspects = this.#exits.filter((exit) => exit.t >= send.t).map((exit) => exit.node);
      const culprits = [...new Set(suspects)];
      const known = this.#lastForgottenExit < send.t;
      lost.push(this.#lost(send, now, "receiver-gone", known && culprits.length === 1 ? culprits[0] : undefined));
    }
    return lost;
  }

  #settleFanOut(sender: string, receiver: string, previous: LastReceived | undefined, upTo: number, now: number): LostEvent[] {
    const life = this.#lives.get(receiver)?.at(-1);
    if (!life || life.filters.length === 0) return [];
    const lost: LostEvent[] = [];
    for (const send of this.#published.get(sender) ?? []) {
      if (send.seq >= upTo) break;
      if (send.seq <= (previous?.seq ?? 0) || send.t < life.started) continue;
      const change = changeAt(life.filters, send.t);
      if (matches(change.filters, send.frames) !== true) continue;
      // Until a message sent after its subscription arrived, the subscription may still have been on its way.
      const subscribed = previous !== undefined && previous.sentAt >= change.t;
      lost.push(this.#lost(send, now, subscribed ? "hwm" : "slow-joiner", receiver));
    }
    return lost;
  }

  /** Declares lost, at their publisher, the sends that no subscriber wanted, as far as that can now be known. */
  #settleUnclaimed(now: number): LostEvent[] {
    const lost: LostEvent[] = [];
    for (const [key, sends] of this.#unclaimed) {
      const publisher = nodeOf(key);
      if (this.#topology.hadExternalPeers(publisher)) {
        this.#unclaimed.delete(key);
        continue;
      }
      const lives = this.#topology.receivers(publisher).flatMap((node) => this.#lives.get(node) ?? []);
      let settled = 0;
      for (const send of sends) {
        const verdict = this.#claimed(lives, send);
        if (verdict === "unknown") break;
        if (verdict === "no") lost.push(this.#lost(send, now, "no-subscriber", undefined));
        settled += 1;
      }
      sends.splice(0, settled);
      if (sends.length === 0) this.#unclaimed.delete(key);
    }
    return lost;
  }

  /**
   * Whether any subscriber wanted this send, in the sense the slow-joiner judgement uses: it was
   * running when it was sent, and its filters then (its first ones, if it had not yet
   * subscribed) matched. "unknown" while a subscriber's filters up to then may be unreported.
   */
  #claimed(lives: Life[], send: MessageEvent): "yes" | "no" | "unknown" {
    let unknown = false;
    for (const life of lives) {
      if (life.started > send.t || (life.ended !== undefined && life.ended < send.t)) continue;
      if (life.filters.length === 0) {
        if (life.ended === undefined) unknown = true;
        continue;
      }
      if (life.heardUntil < send.t) {
        unknown = true;
        continue;
      }
      const wanted = matches(changeAt(life.filters, send.t).filters, send.frames);
      if (wanted === true) return "yes";
      // A topic that cannot be read is never declared unwanted.
      if (wanted === undefined) return "yes";
    }
    return unknown ? "unknown" : "no";
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

function pushBounded(map: Map<string, MessageEvent[]>, key: string, send: MessageEvent): void {
  let sends = map.get(key);
  if (!sends) map.set(key, (sends = []));
  sends.push(send);
  if (sends.length > MAX_REMEMBERED) sends.shift();
}
