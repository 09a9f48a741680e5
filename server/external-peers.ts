/**
 * Counts the peers from outside a run connected to each endpoint the run binds: a Python
 * script, a worker someone started in another terminal. The binding socket's monitor reports
 * every accepted connection and every disconnection; the bridge knows which of its own
 * processes connect where. What is left over came from outside.
 *
 * Reports of different processes travel separate channels (a worker's start and the binder's
 * accept of it can arrive in either order), so a count is published only once it has held
 * still for a moment: a transient mismatch is never shown as a peer.
 */
import type { ExternalPeersEvent } from "./protocol.js";

/** How long a count must hold before it is published. */
const SETTLE_MS = 300;

interface BoundEndpoint {
  binder: string;
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
}

export class ExternalPeers {
  readonly #emit: (event: ExternalPeersEvent) => void;
  readonly #now: () => number;
  /** By endpoint as libzmq bound it. */
  readonly #bound = new Map<string, BoundEndpoint>();
  /** The run's own connecting processes that are alive, by the endpoint they connect to. */
  readonly #connectors = new Map<string, Set<string>>();
  #timer: NodeJS.Timeout | undefined;
  readonly #everSeen = new Set<string>();

  constructor(emit: (event: ExternalPeersEvent) => void, now: () => number) {
    this.#emit = emit;
    this.#now = now;
  }

  bound(binder: string, endpoint: string): void {
    this.#bound.set(endpoint, { binder, accepted: 0, acceptedEver: 0, connectorsEver: this.#connectors.get(endpoint)?.size ?? 0, published: 0 });
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
    for (const nodes of this.#connectors.values()) nodes.delete(node);
    this.#changed();
  }

  /** A socket monitor event of any node of the run. */
  monitor(node: string, event: string, endpoint: string | undefined): void {
    const bound = endpoint === undefined ? undefined : this.#bound.get(endpoint);
    if (!bound || bound.binder !== node) return;
    if (event === "accept") {
      bound.accepted += 1;
      bound.acceptedEver += 1;
      // More connections than the run's own connectors, even for an instant, or more in all than
      // they ever made: someone else is, or was, here. The second catches a peer that came before
      // the run's own connections and left before the last of them arrived (it took the tasks
      // queued for them): at no instant were there more connections than connectors.
      if (bound.accepted > (this.#connectors.get(endpoint!)?.size ?? 0) || bound.acceptedEver > bound.connectorsEver) this.#everSeen.add(bound.binder);
    } else if (event === "disconnect") bound.accepted = Math.max(0, bound.accepted - 1);
    else return;
    this.#changed();
  }

  /**
   * Whether a peer from outside the run may have connected to an endpoint `binder` binds: at
   * some accept, there were more connections than the run's own connecting processes. Unlike
   * the published count this does not wait to settle: it errs towards "yes".
   */
  everSeenBy(binder: string): boolean {
    return this.#everSeen.has(binder);
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
      if (count === bound.published) continue;
      bound.published = count;
      this.#emit({ kind: "external", t: this.#now(), node: bound.binder, endpoint, count });
    }
  }
}
