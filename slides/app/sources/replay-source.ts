/**
 * A recorded run played as if live, and said so: what Run does where no bridge answers (a
 * static host, the server stopped or crashed mid-talk). The recording was fetched when the
 * page loaded (trace-player.ts keeps it), so it plays even when the server that served the
 * page is gone.
 */
import type { ActionChoice } from "../action-bar.js";
import { BridgeError } from "../bridge-client.js";
import { TracePlayer, loadTrace } from "../trace-player.js";
import type { RunSink, RunSource, SourceContext } from "./run-source.js";

export class ReplaySource implements RunSource {
  readonly still = false;
  readonly mirrored = true;
  readonly canRun = true;
  readonly canAct = false;
  readonly #context: SourceContext;
  #sink: RunSink | undefined;
  #player: TracePlayer | undefined;

  constructor(context: SourceContext) {
    this.#context = context;
  }

  get active(): boolean {
    return this.#player !== undefined;
  }

  /** A recording plays with the parameters it was recorded with: while it plays, the fields show those. */
  get params(): "set" | "follow" {
    return this.active ? "follow" : "set";
  }

  connect(sink: RunSink): void {
    this.#sink = sink;
  }

  run(): void {
    void this.play();
  }

  /** Plays the recording; `why` says on screen why it is a recording. */
  async play(why = "no bridge reachable"): Promise<void> {
    const sink = this.#sink;
    if (!sink || this.#player) return;
    const trace = await loadTrace(this.#context.demo, this.#context.preset);
    if (!trace) {
      sink.transition("failed", "No bridge is running (start it with `npm start`) and this demo has no recording");
      return;
    }
    if (this.#sink !== sink || this.#player) return;
    const date = trace.recordedAt.slice(0, 10);
    this.#player = new TracePlayer(trace, {
      onEvents: (events) => sink.events(events, false),
      onStopped: () => {
        this.#player = undefined;
        sink.transition("replay-ended", `Replay ended: a run recorded ${date}, with the parameters shown. Run plays it again`);
      },
      onError: () => {},
    });
    sink.begin(trace.params);
    sink.transition("replay", `Replay of a run recorded ${date}, with its own parameters, shown in the fields (${why})`);
    this.#player.start();
  }

  stop(): void {
    this.#player?.stop();
  }

  act(_choice: ActionChoice): Promise<string> {
    return Promise.reject(new BridgeError("unreachable", "a recording cannot be acted on"));
  }

  disconnect(): void {
    this.stop();
    this.#sink = undefined;
  }
}
