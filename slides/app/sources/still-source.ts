/**
 * The PDF's print view: each demo a still frame of its recorded run, halfway through, with a
 * couple of messages on their way. No bridge, no process, nothing moves.
 */
import type { ActionChoice } from "../action-bar.js";
import { BridgeError } from "../bridge-client.js";
import { eventsUntil, loadTrace } from "../trace-player.js";
import type { RunSink, RunSource, SourceContext } from "./run-source.js";

/** How far through the recording the still frame is taken. */
const STILL_AT = 0.5;

export class StillSource implements RunSource {
  readonly params = "none" as const;
  readonly still = true;
  readonly mirrored = false;
  readonly canRun = false;
  readonly canAct = false;
  readonly #context: SourceContext;
  #connected = false;

  constructor(context: SourceContext) {
    this.#context = context;
  }

  connect(sink: RunSink): void {
    this.#connected = true;
    void loadTrace(this.#context.demo, this.#context.preset).then((trace) => {
      if (!this.#connected) return;
      if (!trace) {
        sink.freeze([], "No recording of this demo");
        return;
      }
      const events = eventsUntil(trace, STILL_AT);
      sink.begin(trace.params);
      sink.events(events, false);
      const delivered = events.filter((event) => event.kind === "deliver");
      sink.freeze(delivered.slice(-2), `Recorded run, ${trace.recordedAt.slice(0, 10)}: halfway through its messages`);
    });
  }

  run(): void {}

  stop(): void {}

  act(_choice: ActionChoice): Promise<string> {
    return Promise.reject(new BridgeError("read-only", "a still frame"));
  }

  disconnect(): void {
    this.#connected = false;
  }
}
