/**
 * Correlation, as one stage: what a run's processes report (and what the bridge saw happen to
 * them: a start, an exit, a printed line, a viewer's action) goes in; the run's events come out,
 * in order — the reports themselves, and what the bridge works out from them: deliveries
 * (matcher.ts), losses judged one by one (loss.ts) or by counting (flow-losses.ts), messages
 * whose fate is not known, and peers from outside the run (external-peers.ts). It holds the
 * run's topology (topology.ts) and hands it to each of them. It starts no process and reads no
 * pipe, so tests can drive it with hand-made reports.
 */
import type { DemoManifest } from "../protocol/manifest.js";
import type { ChildReport, ChildReportBatch } from "../protocol/report-types.js";
import { ExternalPeers } from "./external-peers.js";
import { type CountVerdict, FlowLosses } from "./flow-losses.js";
import { LossTracker, type Verdict } from "./loss.js";
import { DeliveryMatcher, type MessageEvent } from "./matcher.js";
import type { ActionEvent, DeliverEvent, NodeEvent, RunEvent } from "../protocol/messages.js";
import { SubscriptionFrames } from "./subscriptions.js";
import { RunTopology } from "./topology.js";

export interface CorrelatorOptions {
  /** Called for every event, in order. */
  emit(event: RunEvent): void;
  /** The processes' shared monotonic clock, in ms. */
  now(): number;
}

export class Correlator {
  readonly topology: RunTopology;
  readonly #emit: (event: RunEvent) => void;
  readonly #now: () => number;
  readonly #external: ExternalPeers;
  readonly #matcher: DeliveryMatcher;
  readonly #losses: LossTracker;
  readonly #flows: FlowLosses;
  readonly #subscriptionFrames = new SubscriptionFrames();
  /**
   * When Stop began, on the processes' clock. What is judged after then is not shown: the
   * run's processes are being ended in no set order, and a message one of them sends to a peer
   * already gone is lost to the stop, not to anything the slide is about.
   */
  #stoppedAt = Infinity;
  /** Whether each node's current life reported its totals as it ended (its counters are then complete). */
  readonly #tallied = new Set<string>();

  constructor(manifest: DemoManifest, options: CorrelatorOptions) {
    this.#emit = options.emit;
    this.#now = options.now;
    this.topology = new RunTopology(manifest);
    const topology = this.topology;
    this.#external = new ExternalPeers((event) => this.#emit(event), this.#now);
    const outsideDuring = (binder: string, from: number, to: number, endpoints?: readonly string[]) =>
      this.#external.presentDuring(binder, from, to, endpoints);
    this.#matcher = new DeliveryMatcher({
      topology,
      outsideDuring: (node, socket, from, to) =>
        socket !== undefined && socket.bound.length > 0 && outsideDuring(node, from, to, socket.bound),
      forgotSend: (send) => this.#losses.forgotten(send),
      forgotReceive: (recv) => this.#losses.receiveForgotten(recv.node, recv.t),
      lostRouted: (send, to) =>
        this.#verdicts([
          {
            kind: "lost",
            t: this.#now(),
            node: send.node,
            socket: send.socket,
            to,
            reason: "receiver-gone",
            digest: send.digest,
            sendSeq: send.seq,
            frames: send.frames,
          },
        ]),
    });
    this.#flows = new FlowLosses({ topology, outsideDuring });
    this.#losses = new LossTracker({
      topology,
      outsideDuring,
      judgedPerMessage: (node, socket) => !this.#flows.isCounted(node, socket),
      mayHaveReceived: (send) => this.#matcher.mayHaveReceived(send),
    });
  }

  /** The bridge started a process for `node`, which will connect to `connectsTo` (running a learner's code when `edited`). */
  spawned(node: string, role: string, index: number, pid: number, t: number, connectsTo: readonly string[], edited = false): void {
    this.topology.spawned(node, role, t);
    this.#tallied.delete(node);
    this.#matcher.started(node, t);
    this.#losses.spawned(node, t);
    this.#flows.heard(node, t);
    this.#subscriptionFrames.forget(node);
    for (const address of connectsTo) this.#external.connectorStarted(node, address);
    this.#emit({ kind: "spawn", t, node, role, index, pid, ...(edited ? { edited: true as const } : {}) });
  }

  /** One batch of a node's reports, in the order it made them. */
  reports(node: string, batch: ChildReportBatch): void {
    for (const report of batch.reports) this.#report(node, report);
    this.#heard(node, batch.heardUntil);
  }

  /** A line the node printed. */
  line(node: string, stream: "stdout" | "stderr", text: string): void {
    this.#emit({ kind: "log", t: this.#now(), node, stream, text });
  }

  /** A viewer's action on a node was carried out. */
  action(event: Omit<ActionEvent, "kind" | "t">): void {
    this.#emit({ kind: "action", t: this.#now(), ...event });
  }

  /** The node's process ended; everything it reported has arrived. */
  exited(node: string, code: number | null, signal: NodeJS.Signals | null): void {
    const t = this.#now();
    const uncounted = this.#flows.exited(node);
    this.topology.exited(node, t);
    this.#emit({ kind: "exit", t, node, code, signal, ...(uncounted.length > 0 && !this.#tallied.has(node) ? { uncounted } : {}) });
    this.#external.connectorEnded(node);
    this.#deliveries(this.#matcher.heard(node, Infinity));
    this.#verdicts(this.#losses.exited(node, t));
    this.#flows.heard(node, Infinity);
    this.#verdicts(this.#flows.settle(t));
  }

  /** Stop began: what is judged from now on is not shown. */
  stopping(): void {
    this.#stoppedAt = Math.min(this.#stoppedAt, this.#now());
  }

  dispose(): void {
    this.#external.dispose();
  }

  #report(node: string, report: ChildReport): void {
    const topology = this.topology;
    switch (report.kind) {
      case "socket":
        topology.socketOpened(node, report.socket, report.type);
        break;
      case "bound":
        topology.bound(node, report.socket, report.endpoint);
        this.#external.bound(node, report.endpoint, report.t);
        this.#flows.joined(node, report.socket, report.endpoint, true);
        break;
      case "connecting":
        topology.connecting(node, report.socket, report.endpoint);
        this.#flows.joined(node, report.socket, report.endpoint, false);
        break;
      case "monitor":
        this.#external.monitor(node, report.event, report.endpoint, report.t);
        if (report.event === "handshake") this.#losses.connected(node, report.socket, report.t);
        break;
      case "counting":
        this.#counted(this.#flows.counting(node, report.socket, report.direction));
        // The bridge's own bookkeeping: not an event anyone is shown.
        return;
      case "receive-idle":
        this.#flows.idle(node, report.socket, report.t);
        this.#verdicts(this.#losses.receiveIdle(node, report.socket, report.t));
        return;
      case "flow":
        this.#counted(this.#flows.messages(node, report.socket, report.direction, report.count, report.t, true));
        break;
      case "send-waiting":
        if (!report.waiting) this.#losses.sendWaitOver(node, report.socket, report.t);
        break;
      case "tally":
        this.#tallied.add(node);
        break;
      default:
        break;
    }
    // The report was decoded from this child's pipe and is no one else's: stamped in place, as
    // copying every report costs the bridge dearly at full speed.
    const event = report as NodeEvent;
    event.node = node;
    this.#emit(event);
    if (event.kind === "filters") {
      this.#flows.filtersChanged(node, event.socket, event.t, event.filters);
      this.#verdicts(this.#losses.filtersChanged(node, event.t, event.filters));
      // Matched like sends, so a subscription is drawn reaching its XPUB; never emitted as sends.
      for (const frame of this.#subscriptionFrames.changed(event)) this.#deliveries(this.#matcher.add(frame));
    }
    if (DeliveryMatcher.isMessage(event)) this.#message(event);
  }

  #message(event: MessageEvent): void {
    this.#counted(this.#flows.messages(event.node, event.socket, event.kind, 1, event.t, false));
    if (event.kind === "send") this.#verdicts(this.#losses.sent(event));
    this.#deliveries(this.#matcher.add(event));
  }

  /** Everything the node did before `t` has been reported. */
  #heard(node: string, t: number): void {
    this.#deliveries(this.#matcher.heard(node, t));
    this.#verdicts(this.#losses.heard(node, t));
    this.#flows.heard(node, t);
    this.#verdicts(this.#flows.settle(this.#now()));
  }

  /** Sockets whose messages are counted from now on: judged by counting, no longer one by one. */
  #counted(senders: { node: string; socket: number }[]): void {
    for (const { node, socket } of senders) this.#losses.countedFrom(node, socket);
    for (const news of this.#flows.takeNews()) this.#emit(news);
  }

  #deliveries(deliveries: DeliverEvent[]): void {
    if (deliveries.length === 0) return;
    for (const delivery of deliveries) this.#emit(delivery);
    this.#verdicts(this.#losses.delivered(deliveries, this.#receiverLife));
  }

  readonly #receiverLife = (delivery: DeliverEvent) => this.#matcher.receiverLife(delivery);

  /** Shows the verdicts judged before Stop began (see #stoppedAt). */
  #verdicts(verdicts: (Verdict | CountVerdict)[]): void {
    for (const verdict of verdicts) {
      // Settled one by one: its edge no longer counts it among the missing.
      if ((verdict.kind === "lost" || verdict.kind === "unknown") && verdict.socket !== undefined)
        this.#flows.settledOne(verdict.node, verdict.socket);
      if (verdict.t < this.#stoppedAt) this.#emit(verdict);
    }
  }
}
