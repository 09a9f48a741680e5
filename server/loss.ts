/**
 * Works out which messages were sent but will never be received, from what the processes
 * reported and nothing else. Nothing is guessed: a message is declared lost only once the
 * order ZeroMQ guarantees makes its receipt impossible, and one whose fate the reports cannot
 * settle (a peer from outside the run may have taken it) is declared not known, never lost.
 *
 * The guarantees used: messages from one socket to one peer travel one pipe, first in, first
 * out; each process reports in the order things happened, every message it received before
 * its program saw it (so a killed process's last receives are reported too); and every report
 * is stamped on the machine's one monotonic clock, a filter change at the instant it is made.
 *
 * - A PUSH (round-robin) send is not assigned to a worker until a worker receives it, so a
 *   killed worker's queue cannot be counted at the kill. But once every worker that is still
 *   alive has received something the PUSH sent *after* message m — or has said it had nothing
 *   queued a while after m left (a `receive-idle` report; m leaves when sent, or once a peer
 *   has connected if it had to wait for one) — and nobody received m (no receive that
 *   may be m is reported, not even one still waiting to be paired: a worker says it is idle
 *   right after taking m), then m was in no living worker's pipe: it went to one that died,
 *   and is lost. The same order names that worker: of the workers that died since m was sent,
 *   the ones that received something sent after m did not have m in their pipe either; when
 *   one is left, it had m.
 * - A PUB/XPUB send goes to every subscriber whose filter matches. When subscriber s receives
 *   message q from a publisher, every earlier message of that publisher that s wanted — sent
 *   after s was started, with a topic its filters matched — and did not get before q never
 *   will: lost for s. Before s's first message, or before its new filter was seen to work,
 *   its subscription was still on its way: the slow joiner. After, the publisher's pipe to s
 *   was full: a high-water-mark drop. When s ends, what it wanted and had not received by then
 *   is lost with it, settled once each publisher has been heard past its end.
 * - A PUB/XPUB send that no subscriber of the run wanted is dropped by the publisher at once.
 *   A subscriber's filters reach the bridge on its own channel, possibly after the send, so
 *   this is settled only once every subscriber that was running when it was sent has been
 *   heard past it (its filters as of then are all known) or has ended.
 * - A peer from outside the run connected to the sender when it sent m may have taken m: its
 *   receipts are never reported, so m's fate is not known rather than lost.
 */
import type { FramePreview } from "../protocol/report-types.js";
import type { MessageEvent } from "./matcher.js";
import { OpenSends } from "./open-sends.js";
import type { DeliverEvent, LostEvent, LostReason, UnknownFateEvent } from "../protocol/messages.js";
import type { RunTopology } from "./topology.js";

export interface LossContext {
  topology: RunTopology;
  /** Whether a peer from outside the run may have been connected to an endpoint `binder` binds, from `from` to `to`. */
  outsideDuring(binder: string, from: number, to: number): boolean;
  /**
   * Whether this socket's messages are judged one by one here. Not once they are counted in
   * flows (by it or by its peers): a counted message's fate is settled by counting
   * (flow-losses.ts).
   */
  judgedPerMessage(node: string, socket: number): boolean;
  /**
   * Whether a receive reported but not yet paired (matcher.ts) may be this send: its receipt is
   * then not known yet, and it is judged only once that receive is settled.
   */
  mayHaveReceived(send: MessageEvent): boolean;
}

/** A settled fate: lost, or not known. */
export type Verdict = LostEvent | UnknownFateEvent;

/** Sequence numbers count per socket, so a sender is a node's socket. */
function senderKey(node: string, socket: number): string {
  return `${node}/${socket}`;
}

function nodeOf(key: string): string {
  return key.slice(0, key.lastIndexOf("/"));
}

/** How many sends of one sender are remembered while their fate is open. */
export const MAX_REMEMBERED = 5000;
/** How many lives (starts) of one node are remembered, for sends still being judged. */
const MAX_LIVES = 8;
/** How long after a send a receiver's idle report must be, for the send to have reached it had it been its. */
const IDLE_AFTER_SEND_MS = 100;
/**
 * How long after a receiver's exit was seen a PUSH may still put messages into its pipe: libzmq
 * drops the pipe only once its sender's program calls into it again after the disconnect.
 */
const DEAD_PIPE_MS = 1000;
/**
 * How far past a send its sender must have been heard before its fate is judged. A binder learns
 * of a peer from outside from its socket monitor, which its program reads when it gets to it: a
 * message it sent may reach that peer before the accept is reported (on a busy machine, a tenth of
 * a second or more). Once its program has run this much longer, any accept from before then has
 * been read and reported (external-peers.ts also dates the peer from before the accept's stamp).
 */
const MONITOR_READ_MS = 500;

interface FilterChange {
  t: number;
  filters: string[];
}

/** What the bridge last saw one receiver get from one sender. */
interface LastReceived {
  seq: number;
  /** When that message was sent. */
  sentAt: number;
}

/** One start of a node's process, until it ended: what it subscribed to, what it received, how far its reports have come. */
interface Life {
  /** The topology's number for it. */
  number: number;
  started: number;
  ended?: number;
  filters: FilterChange[];
  /** The latest time it has been heard until: its filter changes up to here are all known. */
  heardUntil: number;
  /** What it last received of each sender (a node's socket). */
  lastFrom: Map<string, LastReceived>;
  /** A subscriber's end not yet settled: its publishers may not all have been heard past it. */
  endUnsettled?: boolean;
  /** Up to when a receive of it was never settled: what was sent to it before then is not judged. */
  unsureUntil: number;
  /** When each of its sockets last said nothing was queued for it. */
  idleAt: Map<number, number>;
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
  readonly #context: LossContext;
  readonly #topology: RunTopology;
  /** Round-robin sends not yet received by anyone, by sender, by send sequence number. */
  readonly #unreceived = new Map<string, OpenSends>();
  /** Fan-out sends, by sender, oldest first (bounded). */
  readonly #published = new Map<string, MessageEvent[]>();
  /** Fan-out sends not yet known to have had a subscriber, by sender, oldest first (bounded). */
  readonly #unclaimed = new Map<string, MessageEvent[]>();
  /** Each node's lives, the current one last. */
  readonly #lives = new Map<string, Life[]>();
  /** When the latest forgotten life (past MAX_LIVES) ended: a send before then cannot have its receiver named. */
  #lastForgottenEnd = -Infinity;
  /** How many subscribers' ends wait to be settled. */
  #unsettledEnds = 0;
  /** When each sender's latest wait for a peer to take its messages ended (a `send-waiting` report). */
  readonly #waitEnded = new Map<string, number>();
  /**
   * Round-robin sends that waited for a peer: when the wait ended. Stamped when its program
   * called send, such a message reached no pipe before a receiver had connected.
   */
  readonly #waited = new WeakMap<MessageEvent, number>();
  /** When each sender's first connection was made (its monitor's first `handshake`, as read). */
  readonly #connectedAt = new Map<string, number>();

  constructor(context: LossContext) {
    this.#context = context;
    this.#topology = context.topology;
  }

  #life(node: string, number?: number): Life | undefined {
    const lives = this.#lives.get(node);
    return number === undefined ? lives?.at(-1) : lives?.find((life) => life.number === number);
  }

  /** A process started (or started again under the same name): it has received nothing yet. */
  spawned(node: string, t: number): void {
    let lives = this.#lives.get(node);
    if (!lives) this.#lives.set(node, (lives = []));
    lives.push({
      number: this.#topology.lifeOf(node)?.number ?? lives.length + 1,
      started: t,
      filters: [],
      heardUntil: t,
      lastFrom: new Map(),
      unsureUntil: -Infinity,
      idleAt: new Map(),
    });
    if (lives.length > MAX_LIVES) {
      const forgotten = lives.shift()!;
      this.#lastForgottenEnd = Math.max(this.#lastForgottenEnd, forgotten.ended ?? Infinity);
      if (forgotten.endUnsettled) this.#unsettledEnds -= 1;
    }
    // As a sender it starts counting again from 1: what its last life sent is judged no more.
    for (const sends of [this.#unreceived, this.#published, this.#unclaimed, this.#waitEnded, this.#connectedAt]) {
      for (const key of [...sends.keys()]) if (nodeOf(key) === node) sends.delete(key);
    }
  }

  /**
   * A process ended, and all it reported has arrived: fewer receivers to wait for, so
   * round-robin losses may now be certain, and its filters are known for good.
   */
  exited(node: string, t: number): Verdict[] {
    const life = this.#life(node);
    if (life && life.ended === undefined) {
      life.ended = t;
      life.heardUntil = Infinity;
      if (life.filters.length > 0) {
        life.endUnsettled = true;
        this.#unsettledEnds += 1;
      }
    }
    const verdicts: Verdict[] = [];
    for (const sender of this.#unreceived.keys()) verdicts.push(...this.#settleRoundRobin(sender, nodeOf(sender), t));
    verdicts.push(...this.#settleUnclaimed(t));
    verdicts.push(...this.#settleEndedSubscribers(t));
    return verdicts;
  }

  /**
   * A node has been heard until `t`. Every filter change it made and every message it sent
   * before then has been reported already, so sends made before then may now be judged.
   */
  heard(node: string, t: number): Verdict[] {
    const life = this.#life(node);
    if (!life || t <= life.heardUntil) return [];
    life.heardUntil = t;
    // A subscriber's wishes, and its publisher's running on, settle what publishers sent.
    const verdicts = this.#unclaimed.size === 0 ? [] : this.#settleUnclaimed(t);
    // A sender heard further may have sends whose fate waited on it (see MONITOR_READ_MS).
    for (const sender of this.#unreceived.keys()) if (nodeOf(sender) === node) verdicts.push(...this.#settleRoundRobin(sender, node, t));
    if (this.#unsettledEnds > 0) verdicts.push(...this.#settleEndedSubscribers(t));
    return verdicts;
  }

  /** A SUB's filters changed at `t` (stamped as the change was made). */
  filtersChanged(node: string, t: number, filters: string[]): Verdict[] {
    this.#life(node)?.filters.push({ t, filters });
    return this.heard(node, t);
  }

  sent(send: MessageEvent): Verdict[] {
    if (!this.#context.judgedPerMessage(send.node, send.socket)) return [];
    const distribution = this.#topology.distribution(send.node, send.socket);
    const key = senderKey(send.node, send.socket);
    if (distribution === "round-robin") {
      // Its report follows the end of the wait it made, if it waited.
      const waitEnded = this.#waitEnded.get(key) ?? -Infinity;
      if (waitEnded > send.t) this.#waited.set(send, waitEnded);
      let pending = this.#unreceived.get(key);
      if (!pending) this.#unreceived.set(key, (pending = new OpenSends()));
      pending.add(send);
      if (pending.size > MAX_REMEMBERED) pending.takeOldest();
    } else if (distribution === "fan-out") {
      pushBounded(this.#published, key, send);
      pushBounded(this.#unclaimed, key, send);
      return this.#settleUnclaimed(send.t, key);
    }
    return [];
  }

  /** A socket of `node` that waited for a peer to take its message stopped waiting at `t`. */
  sendWaitOver(node: string, socket: number, t: number): void {
    this.#waitEnded.set(senderKey(node, socket), t);
  }

  /** A socket of `node` made a connection (its monitor said `handshake`; read at `t`). */
  connected(node: string, socket: number, t: number): void {
    const key = senderKey(node, socket);
    if (!this.#connectedAt.has(key)) this.#connectedAt.set(key, t);
  }

  /**
   * When a round-robin send left its sender for a receiver's pipe: when sent, or when its wait
   * for a peer ended; a connecting socket's messages wait in its own pipe until its first
   * connection is made (not yet: Infinity). Over inproc both ends are in one process, and no
   * monitor speaks of it: sent is left.
   */
  #leftAt(send: MessageEvent): number {
    const left = this.#waited.get(send) ?? send.t;
    const socket = this.#topology.socket(send.node, send.socket);
    if (!socket || socket.bound.length > 0 || !socket.connected.some((endpoint) => !endpoint.startsWith("inproc:"))) return left;
    return Math.max(left, this.#connectedAt.get(senderKey(send.node, send.socket)) ?? Infinity);
  }

  /**
   * This socket's messages are counted from now on (flow-losses.ts settles them by counting):
   * those still open here are judged no more, so nothing is settled twice.
   */
  countedFrom(node: string, socket: number): void {
    const key = senderKey(node, socket);
    this.#unreceived.delete(key);
    this.#published.delete(key);
    this.#unclaimed.delete(key);
  }

  /**
   * A socket of `node` said nothing was queued for it at `t`: a round-robin send made well
   * before then is in its pipe no more, had it ever been.
   */
  receiveIdle(node: string, socket: number, t: number): Verdict[] {
    const life = this.#life(node);
    if (!life) return [];
    life.idleAt.set(socket, Math.max(life.idleAt.get(socket) ?? -Infinity, t));
    const verdicts: Verdict[] = [];
    for (const sender of this.#unreceived.keys()) {
      const senderNode = nodeOf(sender);
      if (this.#topology.receivers(senderNode).includes(node)) verdicts.push(...this.#settleRoundRobin(sender, senderNode, t));
    }
    return verdicts;
  }

  /** When a receiver's socket that can take `sender`'s messages last said nothing was queued for it. */
  #idleFor(life: Life, receiver: string, sender: string): number {
    let latest = -Infinity;
    const senderNode = nodeOf(sender);
    const from = this.#topology.socket(senderNode, Number(sender.slice(senderNode.length + 1)));
    for (const [socket, t] of life.idleAt)
      if (this.#topology.socketsJoined(senderNode, from, receiver, this.#topology.socket(receiver, socket))) latest = Math.max(latest, t);
    return latest;
  }

  /**
   * The matcher forgot a receive of `node`'s, stamped `t`, before it could tell what it was: a
   * message sent to the node before then may have been it, so none of those is judged.
   */
  receiveForgotten(node: string, t: number): void {
    const life = this.#life(node);
    if (life) life.unsureUntil = Math.max(life.unsureUntil, t);
  }

  /**
   * The matcher forgot this send, or its receipt could not be told from another's, so a receive
   * of it can no longer become a delivery: its fate is not judged, as a receipt nobody can see
   * would make it look lost. Fan-out sends are forgotten oldest first, so every earlier send of
   * its publisher goes with it.
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

  /**
   * Deliveries the matcher made together, in order, each to the receiver's life `lifeOf` gives
   * (its current one when not given). All are taken in before any round-robin send is judged:
   * the receives behind them are paired already, so a send one of them took must not look lost
   * while the earlier ones are judged.
   */
  delivered(deliveries: readonly DeliverEvent[], lifeOf?: (delivery: DeliverEvent) => number | undefined): Verdict[] {
    const verdicts: Verdict[] = [];
    // Round-robin senders to judge, each by its latest delivery's time.
    let roundRobin: Map<string, DeliverEvent> | undefined;
    for (const delivery of deliveries) {
      const distribution = this.#topology.distribution(delivery.from, delivery.fromSocket);
      verdicts.push(...this.#takeDelivery(delivery, distribution, lifeOf?.(delivery)));
      if (distribution === "round-robin") (roundRobin ??= new Map()).set(senderKey(delivery.from, delivery.fromSocket), delivery);
    }
    for (const [sender, delivery] of roundRobin ?? []) verdicts.push(...this.#settleRoundRobin(sender, delivery.from, delivery.t));
    return verdicts;
  }

  /** Takes in one delivery; returns what it settles of a fan-out sender's (round-robin ones are judged by the caller). */
  #takeDelivery(delivery: DeliverEvent, distribution: string, receiverLife: number | undefined): Verdict[] {
    const { node: receiver, sendSeq } = delivery;
    const sender = senderKey(delivery.from, delivery.fromSocket);
    const life = this.#life(receiver, receiverLife);
    const previous = life?.lastFrom.get(sender);
    // Fan-out judgement compares with what the receiver had before this one: a copy. Otherwise
    // the record is updated in place (this runs for every delivery at full speed).
    const sentAt = delivery.t - delivery.latencyMs;
    if (life) {
      if (!previous) life.lastFrom.set(sender, { seq: sendSeq, sentAt });
      else if (sendSeq > previous.seq) {
        if (distribution === "fan-out") life.lastFrom.set(sender, { seq: sendSeq, sentAt });
        else {
          previous.seq = sendSeq;
          previous.sentAt = sentAt;
        }
      }
    }

    if (distribution === "round-robin") {
      this.#unreceived.get(sender)?.delete(sendSeq);
      return [];
    }
    if (distribution === "fan-out") return this.#settleFanOut(sender, receiver, previous, sendSeq, delivery.t);
    return [];
  }

  #settleRoundRobin(sender: string, node: string, now: number): Verdict[] {
    const pending = this.#unreceived.get(sender);
    if (!pending || pending.size === 0) return [];
    const live = this.#topology.liveReceivers(node);
    if (live.length === 0) return [];
    // Each live receiver has had messages up to its floor, and had nothing queued at its idle
    // time: anything older that nobody got is gone. Both only grow with the send, so sends are
    // walked oldest first and the walk stops at the first still open (thousands of sends may be
    // in flight at full speed, and this runs per delivery).
    const floors = live.map((receiver) => {
      const life = this.#life(receiver);
      return {
        seq: life?.lastFrom.get(sender)?.seq ?? 0,
        idle: life ? this.#idleFor(life, receiver, sender) - IDLE_AFTER_SEND_MS : -Infinity,
      };
    });
    const heardUntil = this.#life(node)?.heardUntil ?? -Infinity;
    // A receiver that said it was idle may have taken the send just before: reported, not yet paired.
    const gone = (send: MessageEvent) =>
      send.t + MONITOR_READ_MS <= heardUntil &&
      floors.every((floor) => send.seq < floor.seq || this.#leftAt(send) <= floor.idle) &&
      !this.#context.mayHaveReceived(send);
    const verdicts: Verdict[] = [];
    let unsure = -Infinity;
    for (const receiver of live) unsure = Math.max(unsure, this.#life(receiver)?.unsureUntil ?? -Infinity);
    for (let send = pending.oldest(); send !== undefined && gone(send); send = pending.oldest()) {
      pending.delete(send.seq);
      if (send.t <= unsure) continue;
      if (this.#context.outsideDuring(node, send.t, send.t)) verdicts.push(this.#unknown(send, now, "outside-peer"));
      else verdicts.push(this.#lost(send, now, "receiver-gone", this.#holder(sender, node, send)));
    }
    return verdicts;
  }

  /**
   * The receiver that had this round-robin send in its pipe when it died, when the order says:
   * of the receivers that were alive when it was sent (or had just died: their pipe was still
   * there) and have died since, those that received something sent after it did not have it
   * (their pipe is first in, first out). One left is it.
   */
  #holder(sender: string, node: string, send: MessageEvent): string | undefined {
    if (send.t <= this.#lastForgottenEnd) return undefined;
    let holder: string | undefined;
    for (const receiver of this.#topology.receivers(node)) {
      for (const life of this.#lives.get(receiver) ?? []) {
        if (life.ended === undefined || life.started > send.t || life.ended + DEAD_PIPE_MS < send.t) continue;
        if ((life.lastFrom.get(sender)?.seq ?? 0) > send.seq) continue;
        if (holder !== undefined && holder !== receiver) return undefined;
        holder = receiver;
      }
    }
    return holder;
  }

  #settleFanOut(sender: string, receiver: string, previous: LastReceived | undefined, upTo: number, now: number): Verdict[] {
    const life = this.#life(receiver);
    if (!life || life.filters.length === 0) return [];
    const verdicts: Verdict[] = [];
    for (const send of this.#published.get(sender) ?? []) {
      if (send.seq >= upTo) break;
      if (send.seq <= (previous?.seq ?? 0) || send.t < life.started || send.t <= life.unsureUntil) continue;
      const change = changeAt(life.filters, send.t);
      if (matches(change.filters, send.frames) !== true) continue;
      // Until a message sent after its subscription arrived, the subscription may still have been on its way.
      const subscribed = previous !== undefined && previous.sentAt >= change.t;
      verdicts.push(this.#lost(send, now, subscribed ? "hwm" : "slow-joiner", receiver));
    }
    return verdicts;
  }

  /**
   * A subscriber that ended lost what it wanted and had not received, from each publisher once
   * that publisher has been heard past its end (every send it made before then has arrived,
   * and its deliveries with it).
   */
  #settleEndedSubscribers(now: number): Verdict[] {
    const verdicts: Verdict[] = [];
    for (const [receiver, lives] of this.#lives) {
      for (const life of lives) {
        if (!life.endUnsettled) continue;
        const publishers = this.#topology.sendersTo(receiver);
        if (
          publishers.some(
            (publisher) => this.#topology.isRunning(publisher) && (this.#life(publisher)?.heardUntil ?? Infinity) < life.ended!,
          )
        )
          continue;
        const missed: MessageEvent[] = [];
        for (const [key, sends] of this.#published) {
          if (!publishers.includes(nodeOf(key))) continue;
          const after = life.lastFrom.get(key)?.seq ?? 0;
          for (const send of sends) {
            if (send.seq <= after || send.t < life.started || send.t > life.ended! || send.t <= life.unsureUntil) continue;
            if (matches(changeAt(life.filters, send.t).filters, send.frames) !== true) continue;
            missed.push(send);
          }
        }
        // Its last receives may still wait to be paired: settled once they are.
        if (missed.some((send) => this.#context.mayHaveReceived(send))) continue;
        life.endUnsettled = false;
        this.#unsettledEnds -= 1;
        for (const send of missed) verdicts.push(this.#lost(send, now, "receiver-gone", receiver));
      }
    }
    return verdicts;
  }

  /** Declares lost, at their publisher (`only` one, or all), the sends that no subscriber wanted, as far as that can now be known. */
  #settleUnclaimed(now: number, only?: string): Verdict[] {
    const verdicts: Verdict[] = [];
    for (const [key, sends] of this.#unclaimed) {
      if (only !== undefined && key !== only) continue;
      const publisher = nodeOf(key);
      const lives = this.#topology.receivers(publisher).flatMap((node) => this.#lives.get(node) ?? []);
      let settled = 0;
      const heardUntil = this.#life(publisher)?.heardUntil ?? -Infinity;
      for (const send of sends) {
        if (send.t + MONITOR_READ_MS > heardUntil) break;
        const verdict = this.#claimed(lives, send);
        if (verdict === "unknown") break;
        if (verdict === "no") {
          // An outside subscriber may have wanted it: its wishes are never reported.
          if (this.#context.outsideDuring(publisher, send.t, send.t)) verdicts.push(this.#unknown(send, now, "outside-peer"));
          else verdicts.push(this.#lost(send, now, "no-subscriber", undefined));
        }
        settled += 1;
      }
      sends.splice(0, settled);
      if (sends.length === 0) this.#unclaimed.delete(key);
    }
    return verdicts;
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
      socket: send.socket,
      ...(to ? { to } : {}),
      reason,
      digest: send.digest,
      sendSeq: send.seq,
      frames: send.frames,
    };
  }

  #unknown(send: MessageEvent, now: number, reason: UnknownFateEvent["reason"]): UnknownFateEvent {
    return {
      kind: "unknown",
      t: now,
      node: send.node,
      as: "sender",
      count: 1,
      reason,
      socket: send.socket,
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
