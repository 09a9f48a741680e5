/**
 * Keeps reveal.js's speaker view in step with the main window. The speaker view's previews
 * load this deck again; their widgets never start processes. Instead they mirror the main
 * window's widget of the same slide (state, events) and their Run button asks the main window
 * to run or stop, so the presenter can drive and watch a demo from the speaker view while the
 * audience window follows. Same-origin windows talk over a BroadcastChannel.
 */
import type { RunEvent } from "../../server/protocol.js";
import type { RunSnapshot } from "./run-model.js";

export type MirrorMessage =
  | { kind: "state"; key: string; state: string; status: string }
  /** Everything a mirror needs to catch up with a run already going. */
  | { kind: "snapshot"; key: string; snapshot: RunSnapshot }
  /** A new run starts, with these parameters. */
  | { kind: "reset"; key: string; params: Record<string, number> }
  | { kind: "events"; key: string; events: RunEvent[] }
  | { kind: "toggle"; key: string }
  /** A mirror that just opened asks the main window where its widget stands. */
  | { kind: "sync"; key: string };

const CHANNEL = "zmq-from-scratch:widgets";

export class PresenterLink {
  readonly #channel: BroadcastChannel | undefined;
  readonly #listeners = new Set<(message: MirrorMessage) => void>();
  /**
   * Whether a mirror has ever asked to sync. Until one has, nobody listens: the main window
   * does not copy every batch of a busy run into a channel no window reads.
   */
  #mirrored = false;

  constructor() {
    this.#channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : undefined;
    this.#channel?.addEventListener("message", (event: MessageEvent<MirrorMessage>) => {
      if (event.data.kind === "sync") this.#mirrored = true;
      for (const listener of this.#listeners) listener(event.data);
    });
  }

  post(message: MirrorMessage): void {
    // A mirror's own requests always go; the main window's news only once a mirror exists.
    const fromMirror = message.kind === "sync" || message.kind === "toggle";
    if (fromMirror || this.#mirrored) this.#channel?.postMessage(message);
  }

  /** Listens to messages from the other windows; returns the function that stops listening. */
  listen(listener: (message: MirrorMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The page's one link. */
export const presenterLink = new PresenterLink();
