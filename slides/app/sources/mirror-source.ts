/**
 * reveal.js's speaker view loads the deck again in its previews; their widgets start no
 * processes. A preview's widget mirrors the main window's widget of the same slide (its state,
 * its picture, its events) and its Run button asks the main window to run or stop, so the
 * presenter can drive and watch a demo from the speaker view while the audience's window
 * follows. This is the preview's end; the main window's is mirrorToPreviews (presenter-link.ts).
 */
import type { ActionChoice } from "../action-bar.js";
import { BridgeError } from "../bridge-client.js";
import type { DemoState } from "../demo-state.js";
import { presenterLink } from "../presenter-link.js";
import type { RunSink, RunSource, SourceContext } from "./run-source.js";

export class MirrorSource implements RunSource {
  readonly params = "follow" as const;
  readonly still = false;
  readonly mirrored = false;
  readonly canRun = true;
  readonly canAct = false;
  readonly #context: SourceContext;
  #stopListening: (() => void) | undefined;

  constructor(context: SourceContext) {
    this.#context = context;
  }

  connect(sink: RunSink): void {
    const { key } = this.#context;
    this.#stopListening ??= presenterLink.listen((message) => {
      if (message.key !== key) return;
      if (message.kind === "reset") sink.begin(message.params);
      else if (message.kind === "events") sink.events(message.events, message.live);
      else if (message.kind === "snapshot") sink.restore(message.snapshot);
      else if (message.kind === "state") sink.adopt(message.state as DemoState, message.status);
    });
    presenterLink.post({ kind: "sync", key });
  }

  /** Run and Stop here drive the main window's widget. */
  run(): void {
    presenterLink.post({ kind: "toggle", key: this.#context.key });
  }

  stop(): void {
    presenterLink.post({ kind: "toggle", key: this.#context.key });
  }

  act(_choice: ActionChoice): Promise<string> {
    return Promise.reject(new BridgeError("read-only", "act from the main window"));
  }

  disconnect(): void {
    this.#stopListening?.();
    this.#stopListening = undefined;
  }
}
