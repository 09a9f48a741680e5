/**
 * <zmq-demo demo="req-rep" [spans="slide-id …"] [params="interval=100 …"]>: a live demo any
 * slide can hold; `params` sets its parameter fields over the manifest's defaults (a preset the
 * presenter sees and may still change; the bridge checks them). Run starts
 * the demo's real processes through the bridge; the diagram, counters and output follow their
 * events; Stop, leaving the slide (and the slides it spans) or closing the page ends them.
 * Where no bridge answers, Run plays the demo's recorded trace and says "replay".
 *
 * Besides `zmq-demo-state` ({state}), the widget dispatches two bubbling events others may
 * follow without reaching into it: `zmq-demo-reset` ({params}) when a run (or replay) begins
 * afresh with those parameters, and `zmq-demo-events` ({events, live}) with every batch of its
 * events; `live` is false for a replay's recorded events.
 *
 * Lifecycle, as reveal.js's controllers have it: render() builds the DOM, bind()/unbind()
 * attach and detach listeners, update() follows the run, destroy() lets everything go.
 */
import { manifests } from "../../demos/manifests.js";
import type { DemoManifest } from "../../demos/lib/manifest.js";
import type { DeliverEvent, ErrorCode, LostEvent, RunEvent, StopReason } from "../../server/protocol.js";
import { presetValues } from "../../server/trace-format.js";
import { BridgeClient, BridgeError, type ClientErrorCode, type RunListener, shareToken } from "./bridge-client.js";
import { type ActionChoice, ActionBar } from "./action-bar.js";
import { actionWords, refusalWords } from "./action-words.js";
import { keepControlKeysFromDeck } from "./deck-keys.js";
import { DiagramView } from "./diagram.js";
import { ParamsForm } from "./params-form.js";
import { Inspector } from "./inspector.js";
import { LiveSummary } from "./live-summary.js";
import { LossLegend } from "./loss-legend.js";
import { NodeCallout } from "./node-callout.js";
import { OutputPanel } from "./output-panel.js";
import { type MirrorMessage, presenterLink } from "./presenter-link.js";
import { RunModel } from "./run-model.js";
import { SpeedControls } from "./speed-controls.js";
import { TracePlayer, eventsUntil, loadTrace } from "./trace-player.js";

/** At most this many messages a render are handed to the diagram to travel; it flies fewer still. */
const MAX_DRAWN = 64;
/** A render is due once this long has passed since the last: about one animation frame. */
const FRAME_MS = 16;

export type DemoState = "idle" | "starting" | "running" | "stopping" | "stopped" | "error" | "replay";

/**
 * Where this page is: the deck the audience sees (live), a preview inside reveal.js's speaker
 * view (mirror: never starts processes, follows and drives the main window), or the print
 * view behind the PDF (print: a still frame of a recorded run, no bridge at all).
 */
export type WidgetMode = "live" | "mirror" | "print";

const STOP_WORDS: Record<StopReason, string> = {
  requested: "Stopped",
  "connection-closed": "Stopped: the page closed its connection",
  "bridge-exit": "Stopped: the bridge went away",
  finished: "Finished: every process ended",
  failed: "Failed to start",
  idle: "Stopped: nothing happened on this page for a long while",
};

const STATE_WORDS: Record<DemoState, string> = {
  idle: "Press Run (or R) to start the real processes",
  starting: "Starting processes…",
  running: "Running: real processes, live",
  stopping: "Stopping…",
  stopped: "Stopped",
  error: "Error",
  replay: "Replay of a recorded run",
};

export class ZmqDemo extends HTMLElement {
  static mode: WidgetMode = "live";
  /** On a shared deck's viewers' link: the widget shows the presenter's runs and starts none. */
  static readonly viewing = shareToken() !== undefined;

  #manifest!: DemoManifest;
  #model!: RunModel;
  #diagram!: DiagramView;
  #output!: OutputPanel;
  #summary!: LiveSummary;
  #inspector!: Inspector;
  #params!: ParamsForm;
  #actions!: ActionBar;
  #speed!: SpeedControls;
  #callout!: NodeCallout;
  #button!: HTMLButtonElement;
  #status!: HTMLElement;
  #runId: string | undefined;
  #player: TracePlayer | undefined;
  #state: DemoState = "idle";
  #stopListening: (() => void) | undefined;
  /** What arrived since the last render: messages to draw travelling (bounded). */
  readonly #toDraw: (DeliverEvent | LostEvent)[] = [];
  #renderFrame = 0;
  #lastRender = Number.NEGATIVE_INFINITY;
  #unwatch: (() => void) | undefined;
  readonly #onClick = () => this.toggle();

  get state(): DemoState {
    return this.#state;
  }

  get demoTitle(): string {
    return this.#manifest?.title ?? this.getAttribute("demo") ?? "";
  }

  /** True while processes run (or a replay plays) for this widget. */
  get isActive(): boolean {
    return this.#state === "starting" || this.#state === "running" || this.#state === "stopping" || (this.#state === "replay" && this.#player !== undefined);
  }

  /** Whether a run of this widget lives on while slide `slideId` is shown. */
  livesOn(slideId: string): boolean {
    const spans = (this.getAttribute("spans") ?? "").split(/[\s,]+/).filter(Boolean);
    return this.closest("section")?.id === slideId || spans.includes(slideId);
  }

  /** Names this widget across windows: its slide and its demo. */
  get #key(): string {
    return `${this.closest("section")?.id ?? ""}:${this.getAttribute("demo")}`;
  }

  static readonly observedAttributes = ["params"];

  /** A new preset fills the fields at once; a run takes them when it starts. */
  attributeChangedCallback(): void {
    if (this.#manifest) this.#params.render(this.#presetParams());
  }

  connectedCallback(): void {
    if (!this.#manifest) this.render();
    this.bind();
    if (ZmqDemo.mode === "print") void this.#showStill();
    else if (ZmqDemo.viewing && ZmqDemo.mode === "live" && this.#manifest) this.#watch();
  }

  disconnectedCallback(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.unbind();
    this.stop();
    this.destroy();
  }

  /** Builds the widget's DOM from the demo's manifest. */
  render(): void {
    const name = this.getAttribute("demo") ?? "";
    const manifest = manifests.get(name);
    this.dataset.demo = name;
    if (!manifest) {
      this.textContent = `Unknown demo: ${name}`;
      this.#setState("error");
      return;
    }
    this.#manifest = manifest;
    this.#model = new RunModel(manifest);
    this.#diagram = new DiagramView(manifest);
    this.#output = new OutputPanel();
    this.#params = new ParamsForm(manifest);
    this.#params.render(this.#presetParams());
    this.#actions = new ActionBar(manifest);
    this.#actions.render();
    this.#actions.onAction = (choice) => void this.act(choice);
    this.#actions.onSelect = (nodeId) => this.#select(nodeId);
    this.#diagram.onSelect = (nodeId) => this.#select(nodeId);
    this.#diagram.onPickMessage = (delivery) => this.#select(delivery.node, delivery);

    const toolbar = document.createElement("div");
    toolbar.className = "demo-toolbar";
    this.#button = document.createElement("button");
    this.#button.type = "button";
    this.#button.className = "demo-run";
    this.#button.hidden = ZmqDemo.mode === "print";
    this.#status = document.createElement("span");
    this.#status.className = "demo-status";
    this.#status.setAttribute("role", "status");
    // Pause, slow motion, normal: the animation's pace, not the processes'.
    this.#speed = new SpeedControls();
    this.#speed.render();
    this.#speed.element.hidden = ZmqDemo.mode === "print";
    this.#speed.onChange = (speed) => {
      this.#diagram.setSpeed(speed);
      this.dataset.speed = speed;
    };
    this.dataset.speed = this.#diagram.speed;
    toolbar.append(this.#button, this.#speed.element, this.#params.element, this.#status);

    const body = document.createElement("div");
    body.className = "demo-body";
    const picture = document.createElement("div");
    picture.className = "demo-picture";
    this.#summary = new LiveSummary(manifest);
    const legend = new LossLegend(manifest);
    legend.render();
    picture.append(this.#diagram.element, legend.element, this.#actions.element);
    this.#callout = new NodeCallout(picture);
    this.#callout.render();
    this.#inspector = new Inspector();
    // The side column: the inspector (when a process is picked) above the processes' output.
    const side = document.createElement("div");
    side.className = "demo-side";
    side.append(this.#inspector.element, this.#summary.element, this.#output.element);
    body.append(picture, side);
    this.replaceChildren(toolbar, body);
    keepControlKeysFromDeck(this);
    this.#diagram.render(this.#model);
    this.#setState("idle");
  }

  bind(): void {
    this.#button?.addEventListener("click", this.#onClick);
    this.#stopListening ??= presenterLink.listen((message) => this.#onMirrorMessage(message));
    if (ZmqDemo.mode === "mirror") presenterLink.post({ kind: "sync", key: this.#key });
  }

  unbind(): void {
    this.#button?.removeEventListener("click", this.#onClick);
    this.#stopListening?.();
    this.#stopListening = undefined;
  }

  destroy(): void {
    this.#dropPendingRender();
    this.#diagram?.destroy();
    // Lines still waiting for their turn are not shown in a widget that has gone.
    this.#output?.clear();
  }

  /** Run if idle, stop if running: what the button and the R key do. */
  toggle(): void {
    if (ZmqDemo.mode === "mirror") presenterLink.post({ kind: "toggle", key: this.#key });
    else if (this.isActive) this.stop();
    else void this.run();
  }

  async run(): Promise<void> {
    if (!this.#manifest || this.isActive || ZmqDemo.mode !== "live" || ZmqDemo.viewing) return;
    const params = this.#runParams();
    this.#reset(params);
    this.#setState("starting");
    try {
      this.#runId = await BridgeClient.shared().run(this.#manifest.name, params, this.#listener());
      // Stop was pressed, or the slide left, while the bridge was still accepting the run.
      if (this.#state === "stopping") BridgeClient.shared().stop(this.#runId);
      else this.#setState("running");
    } catch (error) {
      if (error instanceof BridgeError && error.code === "unreachable") await this.#replay();
      else this.#onError(error instanceof BridgeError ? error.code : "spawn-failed", String((error as Error).message ?? error));
    }
  }

  /** Ends the run or the replay, if there is one. */
  stop(): void {
    if (ZmqDemo.mode === "mirror") {
      if (this.isActive) presenterLink.post({ kind: "toggle", key: this.#key });
      return;
    }
    if (this.#player) {
      this.#player.stop();
      return;
    }
    // A viewer's widget shows the presenter's run, which only the presenter ends.
    if (!this.isActive || this.#state === "replay" || ZmqDemo.viewing) return;
    this.#setState("stopping");
    if (this.#runId) BridgeClient.shared().stop(this.#runId);
  }

  /**
   * Follows the run: a batch of its events updates the model at once (cheap bookkeeping, so
   * counters stay exact at any rate); the picture, inspector and summary follow at the next
   * render, at most one an animation frame however many batches arrive in between. The output
   * panel takes the batch's lines and paces their showing itself.
   */
  update(events: RunEvent[]): void {
    const firstOfRun = this.#model.deliveredCount === 0;
    const deliveries = this.#model.apply(events);
    // Only the latest can be drawn travelling; the rest are in the counters already.
    for (const message of deliveries.length > MAX_DRAWN ? deliveries.slice(-MAX_DRAWN) : deliveries) this.#toDraw.push(message);
    if (this.#toDraw.length > MAX_DRAWN) this.#toDraw.splice(0, this.#toDraw.length - MAX_DRAWN);
    this.#output.append(events);
    this.#showRefusals(events);
    // The run's first message is drawn at once, not a frame later: it is the moment a viewer waits for.
    this.#renderSoon(firstOfRun && this.#model.deliveredCount > 0);
    if (ZmqDemo.mode === "live") presenterLink.post({ kind: "events", key: this.#key, events });
    this.dispatchEvent(new CustomEvent("zmq-demo-events", { bubbles: true, detail: { events, live: this.#player === undefined && this.#state !== "replay" } }));
  }

  /**
   * Renders now when asked to, or when the last render is a frame or more ago (so the first
   * message after a quiet spell is on screen without waiting), else at the next animation frame.
   */
  #renderSoon(now = false): void {
    if (now || (!this.#renderFrame && performance.now() - this.#lastRender >= FRAME_MS)) this.#render();
    else this.#renderFrame ||= requestAnimationFrame(() => this.#render());
  }

  /** Brings the DOM up to date with the model and draws what arrived since the last render. */
  #render(): void {
    cancelAnimationFrame(this.#renderFrame);
    this.#renderFrame = 0;
    this.#lastRender = performance.now();
    const drawn = this.#toDraw.splice(0);
    this.#diagram.update(this.#model);
    this.#callout.place();
    for (const message of drawn) {
      if (message.kind === "lost") this.#diagram.animateLost(message);
      else this.#diagram.animate(message);
    }
    this.#summary.update(drawn);
    this.#inspector.update(this.#model);
    this.#actions.update(this.#model, this.#state === "running");
  }

  /** A refusal libzmq made that the viewer provoked (EFSM) is said in words, on the diagram at the node's socket and in the status line. */
  #showRefusals(events: RunEvent[]): void {
    for (const event of events) {
      const words = event.kind === "error" ? refusalWords(event) : undefined;
      if (!words) continue;
      this.#callout.show(event.node, words);
      this.#status.textContent = words;
    }
  }

  /** Forgets what was waiting to be rendered: a new run starts, or the widget goes. */
  #dropPendingRender(): void {
    cancelAnimationFrame(this.#renderFrame);
    this.#renderFrame = 0;
    this.#toDraw.length = 0;
  }

  /** The run's parameters: what the fields show. */
  #runParams(): Record<string, number> {
    return this.#params.values();
  }

  /** The `params` attribute's values, by name. */
  #presetParams(): Record<string, number> {
    return presetValues(this.getAttribute("params") ?? "");
  }

  #listener(): RunListener {
    return {
      onEvents: (events) => this.update(events),
      onStopped: (reason) => this.#onStopped(reason),
      onError: (code, message) => this.#onError(code, message),
    };
  }

  #reset(params: Record<string, number>): void {
    this.#dropPendingRender();
    this.#model.reset(params);
    this.#diagram.render(this.#model);
    this.#actions.reset();
    this.#callout.clear();
    this.#summary.clear();
    this.#inspector.clear();
    this.#output.clear();
    if (ZmqDemo.mode === "live") presenterLink.post({ kind: "reset", key: this.#key, params });
    this.dispatchEvent(new CustomEvent("zmq-demo-reset", { bubbles: true, detail: { params } }));
  }

  /** No bridge answers: play the demo's recorded run instead, and say so. */
  async #replay(): Promise<void> {
    const trace = await loadTrace(this.#manifest.name, this.getAttribute("params") ?? "");
    if (!trace) {
      this.#onError("unreachable", "No bridge is running (start it with `npm start`) and this demo has no recording");
      return;
    }
    // A recording is of the parameters it was made with, whatever the fields said: show those.
    this.#params.render(trace.params);
    this.#reset(trace.params);
    this.#player = new TracePlayer(trace, {
      onEvents: (events) => this.update(events),
      onStopped: () => {
        this.#player = undefined;
        this.#setState("replay", `Replay ended: a run recorded ${trace.recordedAt.slice(0, 10)}, with the parameters shown. Run plays it again`);
      },
      onError: () => {},
    });
    this.#setState("replay", `Replay of a run recorded ${trace.recordedAt.slice(0, 10)}, with its own parameters, shown in the fields (no bridge reachable)`);
    this.#player.start();
  }

  /** For the PDF: the diagram as it was halfway through the recorded run, messages in flight. */
  async #showStill(): Promise<void> {
    const trace = this.#manifest && (await loadTrace(this.#manifest.name, this.getAttribute("params") ?? ""));
    if (!trace) {
      this.dataset.still = "none";
      return;
    }
    // Print layout moves slides around, which connects the widget again: start from clean.
    this.#reset(trace.params);
    const events = eventsUntil(trace, 0.5);
    const deliveries = this.#model.apply(events);
    this.#diagram.update(this.#model);
    for (const delivery of deliveries.filter((message) => message.kind === "deliver").slice(-2)) this.#diagram.drawInFlight(delivery, 0.3);
    this.#output.append(events);
    this.#setState("replay", `Recorded run, ${trace.recordedAt.slice(0, 10)}: halfway through`);
    this.dataset.still = "ready";
  }

  #onMirrorMessage(message: MirrorMessage): void {
    if (message.key !== this.#key || !this.#manifest) return;
    if (ZmqDemo.mode === "live") {
      if (message.kind === "toggle") this.toggle();
      if (message.kind === "sync") {
        presenterLink.post({ kind: "snapshot", key: this.#key, snapshot: this.#model.snapshot() });
        presenterLink.post({ kind: "state", key: this.#key, state: this.#state, status: this.#status.textContent ?? "" });
      }
      return;
    }
    if (ZmqDemo.mode !== "mirror") return;
    if (message.kind === "reset") {
      this.#reset(message.params);
    } else if (message.kind === "events") {
      this.update(message.events);
    } else if (message.kind === "snapshot") {
      this.#model.restore(message.snapshot);
      this.#diagram.render(this.#model);
    } else if (message.kind === "state") {
      this.#setState(message.state as DemoState, message.status);
    }
  }

  /** Asks the bridge to do what the viewer chose; a refusal is shown, and changes nothing. */
  async act(choice: ActionChoice): Promise<void> {
    if (!this.#runId || this.#state !== "running") return;
    // Said at once: what the action brings about (libzmq's refusal, say) may arrive before the bridge's answer.
    this.#status.textContent = actionWords(choice, this.#manifest);
    try {
      await BridgeClient.shared().act(this.#runId, choice);
    } catch (error) {
      this.#status.textContent = error instanceof BridgeError ? `${error.code}: ${error.message}` : String(error);
    }
  }

  /** Picks a process (and, clicked on its way there, a message it received) to inspect and act on. */
  #select(nodeId: string, message?: DeliverEvent): void {
    this.#diagram.select(nodeId);
    this.#actions.select(nodeId, this.#model);
    this.#inspector.show(nodeId, this.#model, message);
  }

  /** A viewer's widget follows each presenter run of its demo: reset when one starts, then its events. */
  #watch(): void {
    this.#unwatch ??= BridgeClient.shared().watch(this.#manifest.name, {
      onRunStarted: (runId) => {
        this.#runId = runId;
        this.#reset(this.#params.values());
        this.#setState("running", "Watching the presenter's run, live");
      },
      onEvents: (events) => this.update(events),
      onStopped: (reason) => this.#onStopped(reason),
      onError: (code, message) => this.#onError(code, message),
    });
  }

  #onStopped(reason: StopReason): void {
    this.#runId = undefined;
    this.#setState(reason === "failed" ? "error" : "stopped", STOP_WORDS[reason]);
  }

  #onError(code: ErrorCode | ClientErrorCode, message: string): void {
    if (this.#state === "stopped") return;
    this.#setState("error", code === "unreachable" ? message : `${code}: ${message}`);
  }

  #setState(state: DemoState, message?: string): void {
    this.#state = state;
    // data-state is part of the widget's interface (idle|starting|running|stopped|error|replay);
    // a run being stopped is still running until its processes are gone.
    this.dataset.state = state === "stopping" ? "running" : state;
    if (!this.#button) return;
    const active = this.isActive;
    this.#button.textContent = active ? "Stop" : "Run";
    this.#button.setAttribute("aria-pressed", String(active));
    this.#button.disabled = ZmqDemo.viewing || state === "stopping";
    // A viewer has nothing to press: the presenter runs and stops.
    this.#button.hidden = ZmqDemo.viewing || ZmqDemo.mode === "print";
    this.#params.setDisabled(active || ZmqDemo.mode !== "live" || ZmqDemo.viewing);
    this.#actions.update(this.#model, state === "running" && !ZmqDemo.viewing);
    const status = message ?? (ZmqDemo.viewing && state === "idle" ? "Watching: the presenter's runs of this demo appear here" : STATE_WORDS[state]);
    this.#status.textContent = status;
    if (ZmqDemo.mode === "live") presenterLink.post({ kind: "state", key: this.#key, state, status });
    this.dispatchEvent(new CustomEvent("zmq-demo-state", { bubbles: true, detail: { state } }));
  }
}

customElements.define("zmq-demo", ZmqDemo);
