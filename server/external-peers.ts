/**
 * Counts the peers from outside a run connected to each endpoint the run binds: a Python
 * script, a worker someone started in another terminal. The binding socket's monitor reports
 * every accepted connection and every disconnection; the bridge knows which of its own
 * processes connect where. What is left over came from outside.
 *
 * Reports of different processes travel separate channels (a worker's start and the binder's
 * accept of it can arrive in either order), so a count is published only once it has held
 * still for a moment: a transient mismatch is never shown as a peer. For judging messages, it
 * also keeps when an outside peer may have been connected, erring towards "maybe": a message
 * sent then may be in that peer's hands, so its fate cannot be known.
 */
import type { ExternalPeersEvent } from "../protocol/messages.js";

/** How long a count must hold before it is published. */
const SETTLE_MS = 300;
/**
 * A monitor event is stamped when the binder's program reads it, which may be a while after
 * libzmq accepted the connection: a message sent in between may have gone to the new peer. On a
 * busy machine a demo process (at a lower priority than the bridge) was seen to read an accept
 * 800 ms after it had sent the new peer a message.
 */
const ACCEPT_STAMPED_LATE_MS = 2000;
/** How many spells of outside peers are remembered per endpoint. */
const MAX_SPELLS = 32;
/**
 * How long a connector that ended may still have its connection counted by the binder: its
 * disconnect reaches the bridge on the binder's channel, after its exit on the bridge's own.
 */
const DISCONNECT_LATE_MS = 2000;

/** A time during which an outside peer may have been connected: [from, to], `to` open while it may still be. */
interface Spell {
  from: number;
  to: number;
}

interface BoundEndpoint {
  binder: string;
  /** When the binder bound it. */
  boundAt: number;
  /** Connections open now: accepted less disconnected. */
  accepted: number;
  /** Every connection the binder accepted since it bound. */
  acceptedEver: number;
  /**
   * The run's own connections it had to expect since it bound: its connecting processes alive
   * then (they reconnect to a new binder) and every one started since, one connection each.
   */
  connectorsEver: number;
  published: number;
  /** Spells with outside peers, oldest first; the last is open (to = Infinity) while one may be connected. */
  spells: Spell[];
  /** When the run's own connectors ended whose disconnect the binder may not have reported yet. */
  endedAt: number[];
  /** When it last accepted a connection. */
  lastAccept: number;
  /**
   * The earliest accept since the last spell began that was taken for one of the run's own
   * connectors still to come: if one of them comes later, that accept may have been the outsider's.
   */
  ambiguousSince: number;
  /** Connections the run's own connectors said they made (their monitor's "connect"), since it bound. */
  ownConnections: number;
}

export class ExternalPeers {
  readonly #emit: (event: ExternalPeersEvent) => void;
  readonly #now: () => number;
  /** By endpoint as libzmq bound it. */
  readonly #bound = new Map<string, BoundEndpoint>();
  /** The run's own connecting processes that are alive, by the endpoint they connect to. */
  readonly #connectors = new Map<string, Set<string>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(emit: (event: ExternalPeersEvent) => void, now: () => number) {
    this.#emit = emit;
    this.#now = now;
  }

  bound(binder: string, endpoint: string, t = this.#now()): void {
    const spells = this.#bound.get(endpoint)?.spells ?? [];
    this.#bound.set(endpoint, {
      binder,
      boundAt: t,
      accepted: 0,
      acceptedEver: 0,
      connectorsEver: this.#connectors.get(endpoint)?.size ?? 0,
      published: 0,
      spells,
      endedAt: [],
      lastAccept: -Infinity,
      ambiguousSince: Infinity,
      ownConnections: 0,
    });
  }

  /** One of the run's own processes was started to connect to `endpoint`. */
  connectorStarted(node: string, endpoint: string): void {
    let nodes = this.#connectors.get(endpoint);
    if (!nodes) this.#connectors.set(endpoint, (nodes = new Set()));
    if (!nodes.has(node)) {
      nodes.add(node);
      const bound = this.#bound.get(endpoint);
      if (bound) bound.connectorsEver += 1;
    }
    this.#changed();
  }

  connectorEnded(node: string): void {
    for (const [endpoint, nodes] of this.#connectors) if (nodes.delete(node)) this.#bound.get(endpoint)?.endedAt.push(this.#now());
    this.#changed();
  }

  /** A socket monitor event of any node of the run, stamped `t`. */
  monitor(node: string, event: string, endpoint: string | undefined, t = this.#now()): void {
    const bound = endpoint === undefined ? undefined : this.#bound.get(endpoint);
    if (!bound) return;
    if (bound.binder !== node) {
      // One of the run's own connections made: the accepts so far may all be explained by them.
      if (event === "connect" && t >= bound.boundAt && this.#connectors.get(endpoint!)?.has(node)) {
        bound.ownConnections += 1;
        if (bound.ownConnections >= bound.acceptedEver) bound.ambiguousSince = Infinity;
      }
      return;
    }
    const connectors = this.#connectors.get(endpoint!)?.size ?? 0;
    // Connectors that ended a moment ago may still be connected as far as the binder has said.
    const now = this.#now();
    while (bound.endedAt.length > 0 && bound.endedAt[0]! < now - DISCONNECT_LATE_MS) bound.endedAt.shift();
    if (event === "accept") {
      bound.accepted += 1;
      bound.acceptedEver += 1;
      bound.lastAccept = t;
      // More connections than the run's own connectors, even for an instant: someone else is
      // here from this accept on. More in all than they ever made: someone else was, at some
      // time since the binder bound or the last spell ended (a peer that came before the run's
      // own connections and left before the last of them arrived took the tasks queued for
      // them, though at no instant were there more connections than connectors).
      const open = bound.spells.at(-1);
      // An accept taken for a connector still to come (none has said it connected) may have been someone else's.
      const ambiguous = bound.acceptedEver <= bound.connectorsEver && bound.acceptedEver > bound.ownConnections;
      const since = Math.min(bound.ambiguousSince, t) - ACCEPT_STAMPED_LATE_MS;
      if (bound.accepted > connectors + bound.endedAt.length) {
        this.#open(bound, since);
        bound.ambiguousSince = Infinity;
      } else if (bound.acceptedEver > bound.connectorsEver && (open === undefined || open.to !== Infinity)) {
        this.#open(bound, Math.max(bound.boundAt, open?.to ?? -Infinity, Math.min(since, t)));
        bound.spells.at(-1)!.to = t;
        bound.ambiguousSince = Infinity;
        // Counted once: the next such peer is another acceptedEver beyond connectorsEver.
        bound.connectorsEver = bound.acceptedEver;
      } else if (ambiguous) bound.ambiguousSince = Math.min(bound.ambiguousSince, t);
    } else if (event === "disconnect") {
      bound.accepted = Math.max(0, bound.accepted - 1);
      bound.endedAt.shift();
      const open = bound.spells.at(-1);
      if (open && open.to === Infinity && bound.accepted <= connectors) open.to = t;
    } else return;
    this.#changed();
  }

  #open(bound: BoundEndpoint, from: number): void {
    const last = bound.spells.at(-1);
    if (last && last.to === Infinity) return;
    bound.spells.push({ from, to: Infinity });
    if (bound.spells.length > MAX_SPELLS) bound.spells.shift();
  }

  /**
   * Whether a peer from outside the run may have been connected, at any time from `from` to
   * `to`, to an endpoint `binder` binds (one of `endpoints`, or any). Errs towards "yes".
   */
  presentDuring(binder: string, from: number, to: number, endpoints?: readonly string[]): boolean {
    for (const [endpoint, bound] of this.#bound) {
      if (bound.binder !== binder || (endpoints && !endpoints.includes(endpoint))) continue;
      // Spells forgotten for room leave the oldest remembered one's start as the limit of what is known.
      if (bound.spells.length >= MAX_SPELLS && from <= bound.spells[0]!.from) return true;
      for (const spell of bound.spells) if (spell.from <= to && from <= spell.to) return true;
    }
    return false;
  }

  dispose(): void {
    clearTimeout(this.#timer);
  }

  #changed(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#publish(), SETTLE_MS);
  }

  #publish(): void {
    for (const [endpoint, bound] of this.#bound) {
      const count = Math.max(0, bound.accepted - (this.#connectors.get(endpoint)?.size ?? 0));
      // Held still: someone from outside is here, though at its accept an ended connector's
      // connection could have explained it. It may have been here since.
      const now = this.#now();
      const recentlyEnded = bound.endedAt.filter((t) => t >= now - DISCONNECT_LATE_MS).length;
      if (count > recentlyEnded) this.#open(bound, bound.lastAccept - ACCEPT_STAMPED_LATE_MS);
      if (count === bound.published) continue;
      bound.published = count;
      this.#emit({ kind: "external", t: this.#now(), node: bound.binder, endpoint, count });
    }
  }
}
