/**
 * A viewer of a shared deck: the widget shows each of the presenter's runs of its demo, live,
 * with the presenter's parameters, and starts, stops and acts on nothing.
 */
import type { ActionChoice } from "../action-bar.js";
import { BridgeClient, BridgeError } from "../bridge-client.js";
import type { RunSink, RunSource, SourceContext } from "./run-source.js";

export class WatchSource implements RunSource {
  readonly params = "none" as const;
  readonly still = false;
  readonly mirrored = false;
  readonly canRun = false;
  readonly canAct = false;
  readonly #context: SourceContext;
  #unwatch: (() => void) | undefined;

  constructor(context: SourceContext) {
    this.#context = context;
  }

  connect(sink: RunSink): void {
    sink.notice("Watching: the presenter's runs of this demo appear here");
    this.#unwatch ??= BridgeClient.shared().watch(this.#context.demo, {
      onRunStarted: (_runId, params) => {
        sink.begin(params);
        sink.transition("started", "Watching the presenter's run, live");
      },
      onEvents: (events) => sink.events(events, true),
      onStopped: () => sink.transition("stopped", "The presenter's run has ended"),
      onError: (code, message) => sink.transition("failed", `${code}: ${message}`),
    });
  }

  /** A viewer starts nothing: the presenter runs and stops. */
  run(): void {}

  stop(): void {}

  act(_choice: ActionChoice): Promise<string> {
    return Promise.reject(new BridgeError("read-only", "a viewer watches the presenter's runs"));
  }

  disconnect(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
  }
}
