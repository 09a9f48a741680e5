/**
 * Keeps reveal.js's speaker view in step with the main window: same-origin windows talk over a
 * BroadcastChannel. The preview's end is sources/mirror-source.ts; the main window's end,
 * mirrorToPreviews, is here.
 */
import type { ParamValues } from "../../protocol/manifest.js";
import type { RunEvent } from "../../protocol/messages.js";
import type { DemoState } from "./demo-state.js";
import type { RunSnapshot } from "./run-model.js";

export type MirrorMessage =
  | { kind: "state"; key: string; state: string; status: string }
  /** Everything a mirror needs to catch up with a run already going. */
  | { kind: "snapshot"; key: string; snapshot: RunSnapshot }
  /** A new run starts, with these parameters. */
  | { kind: "reset"; key: string; params: Record<string, number> }
  /** `live` is false for a recording's events. */
  | { kind: "events"; key: string; events: RunEvent[]; live: boolean }
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

/** What the main window's widget offers its previews. */
export interface Mirrored {
  readonly key: string;
  snapshot(): RunSnapshot;
  readonly stateNow: { state: DemoState; status: string };
  toggle(): void;
}

/**
 * The main window's end: tells previews each run's start, events and state, answers a
 * preview's sync with where things stand, and takes its Run/Stop. Returns the way to stop.
 */
export function mirrorToPreviews(widget: Mirrored & HTMLElement): () => void {
  const { key } = widget;
  const onReset = (event: Event) =>
    presenterLink.post({ kind: "reset", key, params: (event as CustomEvent<{ params: ParamValues }>).detail.params });
  const onEvents = (event: Event) => {
    const { events, live } = (event as CustomEvent<{ events: RunEvent[]; live: boolean }>).detail;
    presenterLink.post({ kind: "events", key, events, live });
  };
  const onState = () => presenterLink.post({ kind: "state", key, ...widget.stateNow });
  widget.addEventListener("zmq-demo-reset", onReset);
  widget.addEventListener("zmq-demo-events", onEvents);
  widget.addEventListener("zmq-demo-state", onState);
  const stopListening = presenterLink.listen((message: MirrorMessage) => {
    if (message.key !== key) return;
    if (message.kind === "toggle") widget.toggle();
    if (message.kind === "sync") {
      presenterLink.post({ kind: "snapshot", key, snapshot: widget.snapshot() });
      onState();
    }
  });
  return () => {
    widget.removeEventListener("zmq-demo-reset", onReset);
    widget.removeEventListener("zmq-demo-events", onEvents);
    widget.removeEventListener("zmq-demo-state", onState);
    stopListening();
  };
}
