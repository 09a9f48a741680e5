/**
 * What a run looks like, built only from its events: each node's process, counters, sockets,
 * endpoints, monitor timeline and output. The diagram draws this; it never asks a process.
 */
import { type DemoManifest, type ParamValues, defaultParams, roleCount } from "../../protocol/manifest.js";
import type { DeliverEvent, LostEvent, LostReason, RunEvent, UnknownReason } from "../../protocol/messages.js";
import { Traffic } from "./traffic.js";

/** The role name the model gives peers from outside the run; no manifest has such a role. */
export const EXTERNAL_ROLE = "external";

/** How many output lines and monitor events a node keeps. */
const HISTORY = 200;
/** How many of its latest messages a node keeps for the inspector. */
const RECENT_MESSAGES = 12;
/** Rates are measured over windows at least this long. */
const RATE_WINDOW_MS = 1000;

export type NodeStatus = "planned" | "running" | "exited";

export interface NodeState {
  id: string;
  role: string;
  index: number;
  pid?: number;
  status: NodeStatus;
  /** Messages this process reported sending and receiving. */
  sent: number;
  received: number;
  /** Messages this node sent that the bridge found will never be received. */
  lost: number;
  /** Messages lost on their way to this node (it wanted them and never got them). */
  missed: number;
  /** Those lost and missed, by why. */
  lostBecause: Partial<Record<LostReason, number>>;
  /** Messages sent (or to be received) here whose fate cannot be known: neither received nor provably lost. */
  unknown: number;
  unknownBecause: Partial<Record<UnknownReason, number>>;
  /** Its counters that may be short by a number not known: it was killed before reporting its last counts. */
  uncounted: ("sent" | "received")[];
  /** Endpoints it bound whose messages are counted in flows and not yet settled: what they lose is not known yet. */
  unsettled: string[];
  /** A SUB's current filters, as it reported them. */
  filters: string[];
  /** Its sockets with a send libzmq has not taken yet (no peer to take it): a message waits there. */
  waitingSends: number[];
  /** For an external node: how many peers from outside, and the binder they connect to. */
  external?: { count: number; binder: string; endpoint: string };
  socketTypes: string[];
  endpoints: string[];
  /** The latest messages this node sent or received, newest last, for the inspector. */
  recent: DeliverEvent[];
  monitor: { t: number; event: string; endpoint?: string }[];
  output: { t: number; stream: "stdout" | "stderr"; text: string }[];
  /** Messages a second, sent and received, over the last second or so of the run's own clock. */
  sendRate: number;
  receiveRate: number;
  /** Counters at the start of the current rate window. */
  rateWindow: { t: number; sent: number; received: number };
  exitCode?: number | null;
  exitSignal?: string | null;
  lastError?: string;
  /** It runs a learner's edited version of its role's function. */
  edited?: boolean;
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > HISTORY) list.splice(0, list.length - HISTORY);
}

export interface RunSnapshot {
  nodes: NodeState[];
  deliveredCount: number;
  lostCount: number;
  layoutVersion: number;
}

/**
 * What a process's life starts with: its counts, losses, sockets and endpoints. A planned node
 * and a restarted one both take it, so a field added here is never forgotten at a restart.
 */
function freshLife(): Pick<
  NodeState,
  | "sent"
  | "received"
  | "lost"
  | "missed"
  | "lostBecause"
  | "unknown"
  | "unknownBecause"
  | "uncounted"
  | "unsettled"
  | "filters"
  | "waitingSends"
  | "socketTypes"
  | "endpoints"
> {
  return {
    sent: 0,
    received: 0,
    lost: 0,
    missed: 0,
    lostBecause: {},
    unknown: 0,
    unknownBecause: {},
    uncounted: [],
    unsettled: [],
    filters: [],
    waitingSends: [],
    socketTypes: [],
    endpoints: [],
  };
}

export class RunModel {
  readonly manifest: DemoManifest;
  readonly nodes = new Map<string, NodeState>();
  deliveredCount = 0;
  lostCount = 0;
  /** Every endpoint a process of the run bound, with the node that bound it: where outside peers connect. */
  readonly boundEndpoints: { node: string; endpoint: string }[] = [];
  /** Bumped whenever nodes are added or removed, so the diagram knows to lay itself out again. */
  layoutVersion = 0;
  /** Rates along the diagram's lines and messages waiting at senders (see traffic.ts). */
  readonly traffic = new Traffic();

  constructor(manifest: DemoManifest) {
    this.manifest = manifest;
    this.reset(defaultParams(manifest));
  }

  /** Back to the picture before a run: as many processes of each role as `params` ask, not started. */
  reset(params: ParamValues): void {
    this.nodes.clear();
    this.deliveredCount = 0;
    this.lostCount = 0;
    this.boundEndpoints.length = 0;
    this.traffic.reset();
    this.layoutVersion += 1;
    for (const [role, spec] of Object.entries(this.manifest.roles)) {
      for (let index = 1; index <= roleCount(spec, params); index++) this.#plan(role, index);
    }
  }

  #plan(role: string, index: number, id = `${role}-${index}`): NodeState {
    const node: NodeState = {
      id,
      role,
      index,
      status: "planned",
      ...freshLife(),
      sendRate: 0,
      receiveRate: 0,
      rateWindow: { t: 0, sent: 0, received: 0 },
      monitor: [],
      output: [],
      recent: [],
    };
    this.nodes.set(node.id, node);
    this.layoutVersion += 1;
    return node;
  }

  /** Rates from the node's counters over windows of about a second of event time. */
  #measureRate(node: NodeState, t: number): void {
    const elapsed = t - node.rateWindow.t;
    if (elapsed < RATE_WINDOW_MS) return;
    node.sendRate = ((node.sent - node.rateWindow.sent) * 1000) / elapsed;
    node.receiveRate = ((node.received - node.rateWindow.received) * 1000) / elapsed;
    node.rateWindow = { t, sent: node.sent, received: node.received };
  }

  /** The whole state as plain data, for another window to take up (see restore). */
  snapshot(): RunSnapshot {
    return {
      nodes: [...this.nodes.values()],
      deliveredCount: this.deliveredCount,
      lostCount: this.lostCount,
      layoutVersion: this.layoutVersion,
    };
  }

  /** Takes up a state another model exported. */
  restore(snapshot: RunSnapshot): void {
    this.nodes.clear();
    for (const node of snapshot.nodes) this.nodes.set(node.id, structuredClone(node));
    this.deliveredCount = snapshot.deliveredCount;
    this.lostCount = snapshot.lostCount;
    this.layoutVersion = snapshot.layoutVersion + 1;
  }

  /** Peers from outside the run at a binder: a node of their own while there are any. */
  #external(binder: string, endpoint: string, count: number): void {
    const id = `${EXTERNAL_ROLE}-${binder}`;
    if (count === 0) {
      if (this.nodes.delete(id)) this.layoutVersion += 1;
      return;
    }
    const node = this.nodes.get(id) ?? this.#plan(EXTERNAL_ROLE, 0, id);
    node.status = "running";
    node.external = { count, binder, endpoint };
  }

  /** Forgets the endpoints a node bound: it starts again, and binds them anew. */
  #forgetBound(nodeId: string): void {
    for (let index = this.boundEndpoints.length - 1; index >= 0; index--)
      if (this.boundEndpoints[index]!.node === nodeId) this.boundEndpoints.splice(index, 1);
  }

  /** Keeps `delivery` among the node's latest messages, for the inspector. */
  #remember(nodeId: string, delivery: DeliverEvent): void {
    const recent = this.nodes.get(nodeId)?.recent;
    if (!recent) return;
    recent.push(delivery);
    if (recent.length > RECENT_MESSAGES) recent.shift();
  }

  /** Takes a batch of events; returns the deliveries and losses in it, for the diagram to animate. */
  apply(events: RunEvent[]): (DeliverEvent | LostEvent)[] {
    const deliveries: (DeliverEvent | LostEvent)[] = [];
    const arrivedAt = performance.now();
    for (const event of events) this.traffic.observe(event, arrivedAt);
    for (const event of events) {
      if (event.kind === "deliver") {
        this.deliveredCount += 1;
        deliveries.push(event);
        this.#remember(event.from, event);
        this.#remember(event.node, event);
        continue;
      }
      if (event.kind === "spawn") {
        const node = this.nodes.get(event.node) ?? this.#plan(event.role, event.index);
        // A restarted process opens its sockets and binds or connects its endpoints afresh.
        Object.assign(node, {
          pid: event.pid,
          status: "running",
          ...freshLife(),
          exitCode: undefined,
          exitSignal: undefined,
          edited: event.edited === true,
        });
        this.#forgetBound(node.id);
        node.rateWindow = { t: event.t, sent: 0, received: 0 };
        continue;
      }
      if (event.kind === "external") {
        this.#external(event.node, event.endpoint, event.count);
        continue;
      }
      if (event.kind === "lost") {
        this.lostCount += 1;
        deliveries.push(event);
        const sender = this.nodes.get(event.node);
        if (sender) {
          sender.lost += 1;
          sender.lostBecause[event.reason] = (sender.lostBecause[event.reason] ?? 0) + 1;
        }
        const receiver = event.to === undefined ? undefined : this.nodes.get(event.to);
        if (receiver) {
          receiver.missed += 1;
          receiver.lostBecause[event.reason] = (receiver.lostBecause[event.reason] ?? 0) + 1;
        }
        continue;
      }
      if (event.kind === "lost-count") {
        // Settled by counting: no message to draw, a count at the node that bound the edge.
        this.lostCount += event.count;
        const node = this.nodes.get(event.node);
        if (node) {
          if (event.as === "sender") node.lost += event.count;
          else node.missed += event.count;
          node.lostBecause[event.reason] = (node.lostBecause[event.reason] ?? 0) + event.count;
        }
        continue;
      }
      if (event.kind === "counted-edge") {
        const node = this.nodes.get(event.node);
        if (node)
          node.unsettled = event.settled
            ? node.unsettled.filter((endpoint) => endpoint !== event.endpoint)
            : [...new Set([...node.unsettled, event.endpoint])];
        continue;
      }
      if (event.kind === "unknown") {
        const node = this.nodes.get(event.node);
        if (node) {
          node.unknown += event.count;
          node.unknownBecause[event.reason] = (node.unknownBecause[event.reason] ?? 0) + event.count;
        }
        continue;
      }
      const node = this.nodes.get(event.node);
      if (!node) continue;
      this.#measureRate(node, event.t);
      switch (event.kind) {
        case "send":
          node.sent += 1;
          break;
        case "recv":
          node.received += 1;
          break;
        case "flow":
          if (event.direction === "send") node.sent += event.count;
          else node.received += event.count;
          break;
        case "socket":
          node.socketTypes.push(event.type);
          break;
        case "bound":
          this.boundEndpoints.push({ node: node.id, endpoint: event.endpoint });
          node.endpoints.push(event.endpoint);
          break;
        case "connecting":
          node.endpoints.push(event.endpoint);
          break;
        case "monitor":
          pushBounded(node.monitor, { t: event.t, event: event.event, ...(event.endpoint ? { endpoint: event.endpoint } : {}) });
          break;
        case "log":
          pushBounded(node.output, { t: event.t, stream: event.stream, text: event.text });
          break;
        case "error":
          node.lastError = `${event.code}: ${event.message}`;
          break;
        case "send-waiting":
          node.waitingSends = event.waiting
            ? [...new Set([...node.waitingSends, event.socket])]
            : node.waitingSends.filter((socket) => socket !== event.socket);
          break;
        case "exit":
          node.waitingSends = [];
          node.status = "exited";
          node.sendRate = 0;
          node.receiveRate = 0;
          node.exitCode = event.code;
          node.exitSignal = event.signal;
          node.uncounted = event.uncounted ?? [];
          break;
        case "filters":
          node.filters = event.filters;
          break;
        case "tally":
        case "action":
          break;
      }
    }
    return deliveries;
  }
}
