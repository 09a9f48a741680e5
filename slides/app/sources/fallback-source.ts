/**
 * The presenter's source: a live run through the bridge when one answers, the demo's recording
 * when none does — a static host, or a bridge stopped or crashed mid-talk. It says which on
 * screen, and goes back to live runs by itself when the bridge returns.
 */
import type { ParamValues } from "../../../protocol/manifest.js";
import type { ActionChoice } from "../action-bar.js";
import { BridgeClient, BridgeError, type EditedCode } from "../bridge-client.js";
import { LiveSource } from "./live-source.js";
import { ReplaySource } from "./replay-source.js";
import type { RunSink, RunSource, SourceContext } from "./run-source.js";

export class FallbackSource implements RunSource {
  readonly still = false;
  readonly mirrored = true;
  readonly canRun = true;
  readonly #live: LiveSource;
  readonly #replay: ReplaySource;
  #stopFollowing: (() => void) | undefined;
  /** Where to say that a learner's code needs the live server. */
  #sink: RunSink | undefined;

  constructor(context: SourceContext) {
    this.#live = new LiveSource(context);
    this.#replay = new ReplaySource(context);
  }

  /** Actions, and parameters, are for live runs: a recording plays as it was recorded. */
  get canAct(): boolean {
    return !this.#replay.active;
  }

  get params(): "set" | "follow" {
    return this.#replay.params;
  }

  connect(sink: RunSink): void {
    this.#sink = sink;
    this.#live.connect(sink);
    this.#replay.connect(sink);
    // The bridge's comings and goings, said where the presenter looks: on the demo.
    let wasLost = false;
    this.#stopFollowing ??= BridgeClient.shared().onStatus((status) => {
      if (status.state === "lost" && !wasLost) {
        wasLost = true;
        if (!this.#live.active && !this.#replay.active) sink.notice("The bridge went away: Run plays this demo's recording");
      } else if (status.state === "open" && wasLost) {
        wasLost = false;
        if (!this.#replay.active) sink.notice("The bridge is back: Run starts the real processes");
      }
    });
  }

  run(params: ParamValues, code?: EditedCode): void {
    if (this.#live.active || this.#replay.active) return;
    this.#live.start(params, code).catch((error: unknown) => {
      if (!(error instanceof BridgeError && error.code === "unreachable")) return;
      // A recording is of the demo's own code: it cannot stand in for the learner's.
      if (code) this.#sink?.notice("Your code runs only on the live server: start it with `npm start`");
      else void this.#replay.play();
    });
  }

  stop(): void {
    this.#live.stop();
    this.#replay.stop();
  }

  act(choice: ActionChoice): Promise<string> {
    return this.#live.act(choice);
  }

  disconnect(): void {
    this.#stopFollowing?.();
    this.#stopFollowing = undefined;
    this.#live.disconnect();
    this.#replay.disconnect();
  }
}
