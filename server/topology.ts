/**
 * Who can send to whom in one run: the manifest's edges between roles, the run's processes
 * (each start of a node is a life of its own, as its pid), their sockets' types, and which
 * endpoints each socket bound or connected to. The matcher and the loss tracker ask it; the
 * correlator keeps it up to date from what the bridge starts and what the processes report.
 *
 * Asked once per message at full speed: answers come from tables made once, or made when first
 * needed and dropped whenever a process starts or ends.
 */
import type { DemoManifest } from "../protocol/manifest.js";

const FAN_OUT_SOCKETS = new Set(["PUB", "XPUB"]);
/** How many lives of one node are remembered, for what is still being settled about the earlier ones. */
const MAX_LIVES = 8;
const ROUND_ROBIN_SOCKETS = new Set(["PUSH"]);

/** One socket of one life, as its process reported it. */
export interface SocketInfo {
  type: string;
  /** Endpoints it bound, and endpoints it connects to: a peer does the other with the same one. */
  bound: string[];
  connected: string[];
}

/** One start of a node's process, until it ended. */
export interface Life {
  /** Counts the node's starts from 1. */
  number: number;
  started: number;
  /** When its exit was seen; by then everything it reported has arrived. */
  ended?: number;
  /** Its sockets, by number. */
  sockets: SocketInfo[];
}

/** Whether two sockets can be each other's peers, by their endpoints: one bound where the other connected. */
export function endpointsJoined(one: SocketInfo, other: SocketInfo): boolean {
  const joined = (binder: SocketInfo, connecter: SocketInfo) => binder.bound.some((endpoint) => connecter.connected.includes(endpoint));
  return joined(one, other) || joined(other, one);
}

/** Whether a socket has reported any endpoint yet. */
function placed(socket: SocketInfo): boolean {
  return socket.bound.length + socket.connected.length > 0;
}

/** A socket of one life of one node: sequence numbers count per socket and per life. */
export function socketKey(node: string, life: number, socket: number): string {
  return `${node}#${life}/${socket}`;
}

/** The node of a socket key. */
export function nodeOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf("#"));
}

interface NodeTables {
  role: string;
  lives: Life[];
}

export type Distribution = "round-robin" | "fan-out" | "untracked";

export class RunTopology {
  /** The roles an edge joins to each role, either way; and those an edge leads to from it. */
  readonly #peerRoles = new Map<string, Set<string>>();
  readonly #downstreamRoles = new Map<string, Set<string>>();
  readonly #nodes = new Map<string, NodeTables>();
  /** Each node's peers that may send to it, started or ended; cleared whenever a process starts. */
  readonly #sendersTo = new Map<string, string[]>();
  /** Each sender's downstream nodes that are running; cleared whenever a process starts or ends. */
  readonly #liveReceivers = new Map<string, string[]>();
  /** Each sender's downstream nodes, started or ended; cleared whenever a process starts. */
  readonly #receivers = new Map<string, string[]>();

  constructor(manifest: DemoManifest) {
    for (const edge of manifest.edges) {
      for (const [a, b] of [
        [edge.from, edge.to],
        [edge.to, edge.from],
      ] as const) {
        let peers = this.#peerRoles.get(a);
        if (!peers) this.#peerRoles.set(a, (peers = new Set()));
        peers.add(b);
      }
      let downstream = this.#downstreamRoles.get(edge.from);
      if (!downstream) this.#downstreamRoles.set(edge.from, (downstream = new Set()));
      downstream.add(edge.to);
    }
  }

  /** A process started (again) under this name at `t`; returns its life's number. */
  spawned(node: string, role: string, t: number): number {
    let tables = this.#nodes.get(node);
    if (!tables) this.#nodes.set(node, (tables = { role, lives: [] }));
    const number = (tables.lives.at(-1)?.number ?? 0) + 1;
    tables.lives.push({ number, started: t, sockets: [] });
    // Kept to settle what was sent to or by the node's earlier lives, a few of them.
    if (tables.lives.length > MAX_LIVES) tables.lives.shift();
    this.#sendersTo.clear();
    this.#receivers.clear();
    this.#liveReceivers.clear();
    return number;
  }

  /** A process ended, and everything it reported has arrived. */
  exited(node: string, t: number): void {
    const life = this.#nodes.get(node)?.lives.at(-1);
    if (life && life.ended === undefined) life.ended = t;
    this.#liveReceivers.clear();
  }

  socketOpened(node: string, socket: number, type: string): void {
    const life = this.lifeOf(node);
    if (life) life.sockets[socket] = { type, bound: [], connected: [] };
  }

  bound(node: string, socket: number, endpoint: string): void {
    this.lifeOf(node)?.sockets[socket]?.bound.push(endpoint);
  }

  connecting(node: string, socket: number, endpoint: string): void {
    this.lifeOf(node)?.sockets[socket]?.connected.push(endpoint);
  }

  /** Every node of the run, started or ended. */
  get nodes(): string[] {
    return [...this.#nodes.keys()];
  }

  roleOf(node: string): string | undefined {
    return this.#nodes.get(node)?.role;
  }

  /** The node's current (latest) life. */
  lifeOf(node: string): Life | undefined {
    return this.#nodes.get(node)?.lives.at(-1);
  }

  /** One life of the node, by number, while it is remembered. */
  life(node: string, number: number): Life | undefined {
    return this.#nodes.get(node)?.lives.find((life) => life.number === number);
  }

  /** Every life of the node, the current one last. */
  livesOf(node: string): readonly Life[] {
    return this.#nodes.get(node)?.lives ?? [];
  }

  isRunning(node: string): boolean {
    const life = this.lifeOf(node);
    return life !== undefined && life.ended === undefined;
  }

  /** A socket of the node's current life, as reported; undefined before its report. */
  socket(node: string, socket: number): SocketInfo | undefined {
    return this.lifeOf(node)?.sockets[socket];
  }

  /** The type of a socket of the node's current life ("PUSH", "REP", …), "" when not reported. */
  socketType(node: string, socket: number): string {
    return this.socket(node, socket)?.type ?? "";
  }

  /** The socket of the node's current life that bound `endpoint`, if any. */
  socketBinding(node: string, endpoint: string): number | undefined {
    const index = this.lifeOf(node)?.sockets.findIndex((socket) => socket?.bound.includes(endpoint)) ?? -1;
    return index === -1 ? undefined : index;
  }

  /** Whether messages can flow between these two nodes (an edge joins their roles). */
  arePeers(a: string, b: string): boolean {
    const roleA = this.roleOf(a);
    const roleB = this.roleOf(b);
    return roleA !== undefined && roleB !== undefined && (this.#peerRoles.get(roleA)?.has(roleB) ?? false);
  }

  /**
   * Whether these two sockets can be each other's peers: their nodes' roles are joined, and,
   * where both reported their endpoints, one bound where the other connected. A node with two
   * sockets (a device, a worker that pulls and publishes) thus has each message paired on the
   * socket it travelled.
   */
  socketsJoined(a: string, one: SocketInfo | undefined, b: string, other: SocketInfo | undefined): boolean {
    if (!this.arePeers(a, b)) return false;
    if (!one || !other || !placed(one) || !placed(other)) return true;
    return endpointsJoined(one, other);
  }

  /** How a socket distributes its messages: round-robin (PUSH), fan-out (PUB, XPUB), or not tracked. */
  distribution(node: string, socket: number): Distribution {
    const type = this.socketType(node, socket);
    return ROUND_ROBIN_SOCKETS.has(type) ? "round-robin" : FAN_OUT_SOCKETS.has(type) ? "fan-out" : "untracked";
  }

  /** The run's nodes that can send to this one (their roles are joined by an edge), started or ended. */
  sendersTo(receiver: string): readonly string[] {
    let senders = this.#sendersTo.get(receiver);
    if (!senders) {
      const roles = this.#peerRoles.get(this.roleOf(receiver) ?? "");
      senders = roles ? [...this.#nodes].filter(([, tables]) => roles.has(tables.role)).map(([id]) => id) : [];
      this.#sendersTo.set(receiver, senders);
    }
    return senders;
  }

  /** The nodes whose role an edge leads to from this node's role, alive or ended. */
  receivers(node: string): readonly string[] {
    let receivers = this.#receivers.get(node);
    if (!receivers) {
      const downstream = this.#downstreamRoles.get(this.roleOf(node) ?? "");
      receivers = downstream ? [...this.#nodes].filter(([, tables]) => downstream.has(tables.role)).map(([id]) => id) : [];
      this.#receivers.set(node, receivers);
    }
    return receivers;
  }

  /** The nodes downstream of the sender that are alive now. */
  liveReceivers(node: string): string[] {
    let live = this.#liveReceivers.get(node);
    if (!live) this.#liveReceivers.set(node, (live = this.receivers(node).filter((id) => this.isRunning(id))));
    return live;
  }
}
