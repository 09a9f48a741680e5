/**
 * What a run looks like, built only from its events: each node's process, counters, sockets,
 * endpoints, monitor timeline and output. The diagram draws this; it never asks a process.
 */
import type { DemoManifest } from "../../demos/lib/manifest.js";
import type { DeliverEvent, RunEvent } from "../../server/protocol.js";

/** How many output lines and monitor events a node keeps. */
const HISTORY = 200;
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
  socketTypes: string[];
  endpoints: string[];
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
}

function pushBounded<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > HISTORY) list.splice(0, list.length - HISTORY);
}

export interface RunSnapshot {
  nodes: NodeState[];
  deliveredCount: number;
}

export class RunModel {
  readonly manifest: DemoManifest;
  readonly nodes = new Map<string, NodeState>();
  deliveredCount = 0;

  constructor(manifest: DemoManifest) {
    this.manifest = manifest;
    this.reset();
  }

  /** Back to the picture before a run: each role's default number of processes, not started. */
  reset(): void {
    this.nodes.clear();
    this.deliveredCount = 0;
    for (const [role, spec] of Object.entries(this.manifest.roles)) {
      for (let index = 0; index < spec.count.default; index++) this.#plan(role, index);
    }
  }

  #plan(role: string, index: number): NodeState {
    const node: NodeState = {
      id: `${role}-${index}`,
      role,
      index,
      status: "planned",
      sent: 0,
      received: 0,
      sendRate: 0,
      receiveRate: 0,
      rateWindow: { t: 0, sent: 0, received: 0 },
      socketTypes: [],
      endpoints: [],
      monitor: [],
      output: [],
    };
    this.nodes.set(node.id, node);
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
    return { nodes: [...this.nodes.values()], deliveredCount: this.deliveredCount };
  }

  /** Takes up a state another model exported. */
  restore(snapshot: RunSnapshot): void {
    this.nodes.clear();
    for (const node of snapshot.nodes) this.nodes.set(node.id, structuredClone(node));
    this.deliveredCount = snapshot.deliveredCount;
  }

  /** Takes a batch of events; returns the deliveries in it, for the diagram to animate. */
  apply(events: RunEvent[]): DeliverEvent[] {
    const deliveries: DeliverEvent[] = [];
    for (const event of events) {
      if (event.kind === "deliver") {
        this.deliveredCount += 1;
        deliveries.push(event);
        continue;
      }
      if (event.kind === "spawn") {
        const node = this.nodes.get(event.node) ?? this.#plan(event.role, event.index);
        Object.assign(node, { pid: event.pid, status: "running", sent: 0, received: 0, exitCode: undefined, exitSignal: undefined });
        node.rateWindow = { t: event.t, sent: 0, received: 0 };
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
        case "exit":
          node.status = "exited";
          node.sendRate = 0;
          node.receiveRate = 0;
          node.exitCode = event.code;
          node.exitSignal = event.signal;
          break;
        case "tally":
          break;
      }
    }
    return deliveries;
  }
}
