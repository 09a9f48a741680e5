/**
 * The presenter's own run: Run asks the bridge to start the demo's processes, their events
 * come back, Stop (or leaving) ends them. When no bridge answers, run() rejects with
 * BridgeError "unreachable" and leaves the widget as it was, for the fallback to play a
 * recording instead.
 */
import type { ParamValues } from "../../../protocol/manifest.js";
import type { StopReason } from "../../../protocol/messages.js";
import type { ActionChoice } from "../action-bar.js";
import { BridgeClient, BridgeError, type EditedCode } from "../bridge-client.js";
import type { RunSink, RunSource, SourceContext } from "./run-source.js";

const STOP_WORDS: Record<StopReason, string> = {
  requested: "Stopped",
  "connection-closed": "Stopped: the page closed its connection",
  "bridge-exit": "Stopped: the bridge went away",
  finished: "Finished: every process ended",
  failed: "Failed to start",
  idle: "Stopped: nothing happened on this page for a long while",
};

export class LiveSource implements RunSource {
  readonly params = "set" as const;
  readonly still = false;
  readonly mirrored = true;
  readonly canRun = true;
  readonly canAct = true;
  readonly #context: SourceContext;
  readonly #client = BridgeClient.shared();
  #sink: RunSink | undefined;
  #runId: string | undefined;
  /** A run was asked for and not yet accepted. */
  #starting = false;
  #stopWanted = false;

  constructor(context: SourceContext) {
    this.#context = context;
  }

  /** Whether a run of this source is on (or on its way). */
  get active(): boolean {
    return this.#starting || this.#runId !== undefined;
  }

  connect(sink: RunSink): void {
    this.#sink = sink;
  }

  run(params: ParamValues, code?: EditedCode): void {
    void this.start(params, code).catch(() => {});
  }

  /** Starts a run; rejects (changing nothing) only when no bridge answers. */
  async start(params: ParamValues, code?: EditedCode): Promise<void> {
    const sink = this.#sink;
    if (!sink || this.active) return;
    this.#starting = true;
    this.#stopWanted = false;
    let runId: string;
    try {
      // Connected first, so that an absent bridge changes nothing on screen.
      await this.#client.open();
      sink.begin(params);
      sink.transition("run");
      runId = await this.#client.run(
        this.#context.demo,
        params,
        {
          onEvents: (events) => sink.events(events, true),
          onStopped: (reason) => {
            this.#runId = undefined;
            sink.transition(reason === "failed" ? "failed" : "stopped", STOP_WORDS[reason]);
          },
          onError: (code, message) => {
            // Events this page could not read: the client has had the bridge end the run and forgotten it.
            if (code === "bad-events") this.#runId = undefined;
            sink.transition("failed", `${code}: ${message}`);
          },
        },
        code,
      );
    } catch (error) {
      this.#starting = false;
      if (error instanceof BridgeError && error.code === "unreachable") throw error;
      sink.transition("failed", error instanceof BridgeError ? `${error.code}: ${error.message}` : String(error));
      if (error instanceof BridgeError && error.code === "code-problems") sink.codeProblems(error.diagnostics);
      return;
    }
    this.#starting = false;
    this.#runId = runId;
    sink.transition("started");
    // Stop was pressed, or the slide left, while the bridge was still accepting the run.
    if (this.#stopWanted) this.#client.stop(runId);
  }

  stop(): void {
    if (!this.active) return;
    this.#stopWanted = true;
    this.#sink?.transition("stop");
    if (this.#runId) this.#client.stop(this.#runId);
  }

  act(choice: ActionChoice): Promise<string> {
    if (!this.#runId) return Promise.reject(new BridgeError("unknown-run", "no run is live"));
    return this.#client.act(this.#runId, choice);
  }

  disconnect(): void {
    this.stop();
    this.#sink = undefined;
  }
}
