/**
 * <zmq-demo demo="req-rep" [spans="slide-id …"] [params="interval=100 …"]>: a live demo any
 * slide can hold; `params` sets its parameter fields over the manifest's defaults (a preset the
 * presenter sees and may still change; the bridge checks them). Run starts the demo's real
 * processes through the bridge; the diagram, counters and output follow their events; Stop,
 * leaving the slide (and the slides it spans) or closing the page ends them. Where no bridge
 * answers, Run plays the demo's recorded trace and says "replay".
 *
 * The widget picks where its run comes from once, when it connects (sources/run-source.ts):
 * the presenter's live run (falling back to a recording), a viewer's watch of the presenter's
 * runs, a speaker-view preview's mirror of the main window, or the PDF's still frame. Its
 * state follows the table in demo-state.ts; each of its panels has one lifecycle (panel.ts).
 *
 * Besides `zmq-demo-state` ({state, status}), the widget dispatches two bubbling events others
 * may follow without reaching into it: `zmq-demo-reset` ({params}) when a run (or replay) begins
 * afresh with those parameters, and `zmq-demo-events` ({events, live}) with every batch of its
 * events; `live` is false for a replay's recorded events. `zmq-demo-code-problems` ({diagnostics})
 * says a run's edited code had errors and nothing started.
 *
 * A page's editor hands the widget a learner's version of one role's function (useCode): from
 * then on its runs start that role with it (the speaker view's Run, driving this widget, too).
 */
import { manifests } from "../../protocol/manifests.js";
import type { DemoManifest, ParamValues } from "../../protocol/manifest.js";
import type { DeliverEvent, LostEvent, RunEvent } from "../../protocol/messages.js";
import { presetValues } from "../../protocol/trace-format.js";
import { type ActionChoice, ActionBar } from "./action-bar.js";
import type { EditedCode } from "./bridge-client.js";
import { actionWords, refusalWords } from "./action-words.js";
import { keepControlKeysFromDeck } from "./deck-keys.js";
import { type DemoEvent, type DemoState, isActive, nextState, shownState } from "./demo-state.js";
import { DiagramView } from "./diagram.js";
import { Inspector } from "./inspector.js";
import { LiveSummary } from "./live-summary.js";
import { LossLegend } from "./loss-legend.js";
import { NodeCallout } from "./node-callout.js";
import { OutputPanel } from "./output-panel.js";
import type { Panel, RunFrame } from "./panel.js";
import { ParamsForm } from "./params-form.js";
import { RunModel, type RunSnapshot } from "./run-model.js";
import { type PageMode, pageMode, shareToken } from "./page-mode.js";
import { mirrorToPreviews } from "./presenter-link.js";
import { pickSource } from "./sources/pick-source.js";
import type { RunSink, RunSource } from "./sources/run-source.js";
import { SpeedControls } from "./speed-controls.js";

/** At most this many messages a render are handed to the diagram to travel; it flies fewer still. */
const MAX_DRAWN = 64;
/** A render is due once this long has passed since the last: about one animation frame. */
const FRAME_MS = 16;
/** How far along its way a message of a still frame stands. */
const STILL_PROGRESS = 0.3;

export type { DemoState } from "./demo-state.js";

const STATE_WORDS: Record<DemoState, string> = {
  idle: "Press Run (or R) to start the real processes",
  starting: "Starting processes…",
  running: "Running: real processes, live",
  stopping: "Stopping…",
  stopped: "Stopped",
  error: "Error",
  replaying: "Replay of a recorded run",
  replayed: "Replay ended",
};

export class ZmqDemo extends HTMLElement {
  /** Where this page is (page-mode.ts). */
  static readonly mode: PageMode = pageMode;
  /** On a shared deck's viewers' link: the widget shows the presenter's runs and starts none. */
  static readonly viewing = shareToken() !== undefined;
  static readonly observedAttributes = ["params"];

  #manifest: DemoManifest | undefined;
  #model: RunModel | undefined;
  #source: RunSource | undefined;
  #state: DemoState = "idle";
  #statusText = "";
  /** The widget's own panels, and pictures of the run shown elsewhere (the dock's live view). */
  #panels: Panel[] = [];
  readonly #pictures = new Set<Panel>();
  #diagram: DiagramView | undefined;
  #inspector: Inspector | undefined;
  #actions: ActionBar | undefined;
  #params: ParamsForm | undefined;
  #button: HTMLButtonElement | undefined;
  #status: HTMLElement | undefined;
  /** What arrived since the last render: messages to draw travelling (bounded), and every event. */
  #arrived: (DeliverEvent | LostEvent)[] = [];
  #events: RunEvent[] = [];
  #renderFrame = 0;
  #lastRender = Number.NEGATIVE_INFINITY;
  #stopMirroring: (() => void) | undefined;
  #keysKept = false;
  /** A still frame's moment, on the page's clock: its diagram's time stands there. */
  #stillAt = Number.NaN;
  /** The learner's version of a role's function its runs use, if an editor gave one. */
  #code: (() => EditedCode) | undefined;
  readonly #onClick = () => this.toggle();

  /** What the widget's source tells it (see sources/run-source.ts). */
  readonly #sink: RunSink = {
    begin: (params) => this.#begin(params),
    events: (events, live) => this.#receive(events, live),
    transition: (event, status) => this.#fire(event, status),
    notice: (status) => this.#say(status),
    adopt: (state, status) => this.#enter(state, status),
    restore: (snapshot) => this.#restore(snapshot),
    freeze: (inFlight, status) => void this.#freeze(inFlight, status),
    codeProblems: (diagnostics) =>
      this.dispatchEvent(new CustomEvent("zmq-demo-code-problems", { bubbles: true, detail: { diagnostics } })),
  };

  /** The state and the status line, for the speaker view's previews. */
  get stateNow(): { state: DemoState; status: string } {
    return { state: this.#state, status: this.#statusText };
  }

  get demoTitle(): string {
    return this.#manifest?.title ?? this.getAttribute("demo") ?? "";
  }

  get manifest(): DemoManifest | undefined {
    return this.#manifest;
  }

  /** True while processes run (or a replay plays) for this widget. */
  get isActive(): boolean {
    return isActive(this.#state);
  }

  /** Names this widget across windows: its slide and its demo. */
  get key(): string {
    return `${this.closest("section")?.id ?? ""}:${this.getAttribute("demo")}`;
  }

  /** Whether a run of this widget lives on while slide `slideId` is shown. */
  livesOn(slideId: string): boolean {
    const spans = (this.getAttribute("spans") ?? "").split(/[\s,]+/).filter(Boolean);
    return this.closest("section")?.id === slideId || spans.includes(slideId);
  }

  /** The run as plain data, for a preview to take up. */
  snapshot(): RunSnapshot {
    return this.#model!.snapshot();
  }

  /** A new preset fills the fields at once; a run takes them when it starts. */
  attributeChangedCallback(): void {
    this.#params?.render(this.#presetParams());
  }

  connectedCallback(): void {
    const demo = this.getAttribute("demo") ?? "";
    if (manifests.has(demo))
      this.#source ??= pickSource(ZmqDemo.mode, ZmqDemo.viewing, { demo, preset: this.getAttribute("params") ?? "", key: this.key });
    this.render();
    if (!this.#manifest || !this.#source) return;
    this.#enter("idle");
    this.#source.connect(this.#sink);
    if (this.#source.mirrored) this.#stopMirroring ??= mirrorToPreviews(this);
  }

  disconnectedCallback(): void {
    this.#stopMirroring?.();
    this.#stopMirroring = undefined;
    this.#source?.disconnect();
    this.#state = "idle";
    this.destroy();
  }

  /** Builds the widget's DOM and panels from the demo's manifest. */
  render(): void {
    const name = this.getAttribute("demo") ?? "";
    const manifest = manifests.get(name);
    this.dataset.demo = name;
    if (!manifest) {
      this.textContent = `Unknown demo: ${name}`;
      this.dataset.state = "error";
      return;
    }
    this.#manifest = manifest;
    this.#model = new RunModel(manifest);
    const still = this.#source?.still ?? false;
    const diagram = (this.#diagram = new DiagramView(
      manifest,
      still ? { pageNow: () => (Number.isNaN(this.#stillAt) ? performance.now() : this.#stillAt) } : {},
    ));
    const inspector = (this.#inspector = new Inspector());
    const actions = (this.#actions = new ActionBar(manifest));
    const speed = new SpeedControls();
    const summary = new LiveSummary(manifest);
    const output = new OutputPanel();
    const legend = new LossLegend(manifest);
    const picture = document.createElement("div");
    picture.className = "demo-picture";
    const callout = new NodeCallout(picture);
    this.#panels = [diagram, legend, actions, callout, summary, inspector, output, speed];
    for (const panel of this.#panels) panel.render();
    this.#params = new ParamsForm(manifest);
    this.#params.render(this.#presetParams());
    actions.onAction = (choice) => void this.act(choice);
    actions.onSelect = (nodeId) => this.#select(nodeId);
    diagram.onSelect = (nodeId) => this.#select(nodeId);
    diagram.onPickMessage = (delivery) => this.#select(delivery.node, delivery);
    // Pause, slow motion, normal: the animation's pace, not the processes'.
    speed.onChange = (pace) => {
      diagram.setSpeed(pace);
      this.dataset.speed = pace;
    };
    this.dataset.speed = diagram.speed;
    if (still) diagram.setSpeed("paused");

    const toolbar = document.createElement("div");
    toolbar.className = "demo-toolbar";
    this.#button = document.createElement("button");
    this.#button.type = "button";
    this.#button.className = "demo-run";
    this.#button.addEventListener("click", this.#onClick);
    this.#status = document.createElement("span");
    this.#status.className = "demo-status";
    this.#status.setAttribute("role", "status");
    speed.element.hidden = still;
    toolbar.append(this.#button, speed.element, this.#params.element, this.#status);

    const body = document.createElement("div");
    body.className = "demo-body";
    picture.append(diagram.element, legend.element, actions.element, callout.element);
    // The side column: the inspector (when a process is picked) above the processes' output.
    const side = document.createElement("div");
    side.className = "demo-side";
    side.append(inspector.element, summary.element, output.element);
    body.append(picture, side);
    this.replaceChildren(toolbar, body);
    if (!this.#keysKept) keepControlKeysFromDeck(this);
    this.#keysKept = true;
    for (const panel of this.#panels) panel.reset(this.#model);
  }

  /** Lets every panel go: timers, observers, lines still waiting, pictures elsewhere. */
  destroy(): void {
    this.#dropPendingRender();
    for (const panel of [...this.#panels, ...this.#pictures]) panel.destroy();
    this.#pictures.clear();
    this.#panels = [];
  }

  /** Run if idle, stop if running: what the button and the R key do. */
  toggle(): void {
    if (this.isActive) this.stop();
    else this.run();
  }

  run(): void {
    if (!this.#source?.canRun || this.isActive || !this.#params) return;
    this.#source.run(this.#params.values(), this.#code?.());
  }

  /** Runs from now on start a learner's version of a role's function, read at each Run (`undefined`: the demo's own again). */
  useCode(code: (() => EditedCode) | undefined): void {
    this.#code = code;
  }

  /** Whether this page may run here (not a viewer's, not a still frame). */
  get canRun(): boolean {
    return this.#source?.canRun ?? false;
  }

  /** Ends the run or the replay, if there is one (a viewer's widget ends nothing). */
  stop(): void {
    if (this.isActive) this.#source?.stop();
  }

  /** Asks the bridge to do what the presenter chose; a refusal is shown, and changes nothing. */
  async act(choice: ActionChoice): Promise<void> {
    if (!this.#source?.canAct || this.#state !== "running" || !this.#manifest) return;
    // Said at once: what the action brings about (libzmq's refusal, say) may arrive before the bridge's answer.
    this.#say(actionWords(choice, this.#manifest));
    try {
      await this.#source.act(choice);
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      this.#say(code ? `${code}: ${message}` : String(error));
    }
  }

  /**
   * Shows the run in one more picture elsewhere (the dock's live view on the slides a run
   * spans): it is reset to the run as it stands, then updated with every render. Returns the
   * way to let it go.
   */
  addPicture(picture: Panel): () => void {
    this.#pictures.add(picture);
    if (this.#model) picture.reset(this.#model);
    return () => {
      this.#pictures.delete(picture);
      picture.destroy();
    };
  }

  /** A run (or replay) begins afresh: every panel starts from clean. */
  #begin(params: ParamValues): void {
    const model = this.#model;
    if (!model) return;
    this.#dropPendingRender();
    model.reset(params);
    // A viewer's and a preview's fields show the run they follow.
    if (this.#source?.params === "follow") this.#params?.render(params);
    for (const panel of [...this.#panels, ...this.#pictures]) panel.reset(model);
    this.dispatchEvent(new CustomEvent("zmq-demo-reset", { bubbles: true, detail: { params } }));
  }

  /**
   * Follows the run: a batch of its events updates the model at once (cheap bookkeeping, so
   * counters stay exact at any rate); the panels follow at the next render, at most one an
   * animation frame however many batches arrive in between.
   */
  #receive(events: RunEvent[], live: boolean): void {
    const model = this.#model;
    if (!model) return;
    const firstOfRun = model.deliveredCount === 0;
    const deliveries = model.apply(events);
    // Only the latest can be drawn travelling; the rest are in the counters already. A still frame draws its own.
    if (!this.#source?.still) {
      for (const message of deliveries.length > MAX_DRAWN ? deliveries.slice(-MAX_DRAWN) : deliveries) this.#arrived.push(message);
      if (this.#arrived.length > MAX_DRAWN) this.#arrived.splice(0, this.#arrived.length - MAX_DRAWN);
    }
    for (const event of events) {
      this.#events.push(event);
      // A refusal the viewer provoked (libzmq's EFSM) is said in words; the callout draws it at the socket.
      const refused = event.kind === "error" ? refusalWords(event) : undefined;
      if (refused) this.#say(refused);
    }
    // The run's first message is drawn at once, not a frame later: it is the moment a viewer waits for.
    this.#renderSoon(firstOfRun && model.deliveredCount > 0);
    this.dispatchEvent(new CustomEvent("zmq-demo-events", { bubbles: true, detail: { events, live } }));
  }

  /** A preview takes up the main window's run as it stands. */
  #restore(snapshot: RunSnapshot): void {
    const model = this.#model;
    if (!model) return;
    this.#dropPendingRender();
    model.restore(snapshot);
    for (const panel of [...this.#panels, ...this.#pictures]) panel.reset(model);
  }

  /** A still frame: `inFlight` stand on their way; once the diagram has its real size, the frame is ready. */
  async #freeze(inFlight: DeliverEvent[], status: string): Promise<void> {
    this.#stillAt = performance.now();
    this.#render();
    for (const delivery of inFlight) this.#diagram?.drawInFlight(delivery, STILL_PROGRESS);
    this.#say(status);
    for (let frames = 0; frames < 60 && this.#diagram && !this.#diagram.measured; frames++) await new Promise(requestAnimationFrame);
    this.dataset.still = inFlight.length > 0 ? "ready" : "none";
  }

  /**
   * Renders now when asked to, or when the last render is a frame or more ago (so the first
   * message after a quiet spell is on screen without waiting), else at the next animation frame.
   */
  #renderSoon(now = false): void {
    if (now || (!this.#renderFrame && performance.now() - this.#lastRender >= FRAME_MS)) this.#render();
    else this.#renderFrame ||= requestAnimationFrame(() => this.#render());
  }

  /** Brings every panel up to date with the model and draws what arrived since the last render. */
  #render(): void {
    cancelAnimationFrame(this.#renderFrame);
    this.#renderFrame = 0;
    this.#lastRender = performance.now();
    const model = this.#model;
    if (!model) return;
    const frame: RunFrame = {
      model,
      arrived: this.#arrived,
      events: this.#events,
      state: this.#state,
      canAct: (this.#source?.canAct ?? false) && this.#state === "running",
    };
    this.#arrived = [];
    this.#events = [];
    for (const panel of [...this.#panels, ...this.#pictures]) panel.update(frame);
  }

  /** Forgets what was waiting to be rendered: a new run starts, or the widget goes. */
  #dropPendingRender(): void {
    cancelAnimationFrame(this.#renderFrame);
    this.#renderFrame = 0;
    this.#arrived = [];
    this.#events = [];
  }

  /** The `params` attribute's values, by name. */
  #presetParams(): Record<string, number> {
    return presetValues(this.getAttribute("params") ?? "");
  }

  /** Picks a process (and, clicked on its way there, a message it received) to inspect and act on. */
  #select(nodeId: string, message?: DeliverEvent): void {
    if (!this.#model) return;
    this.#diagram?.select(nodeId);
    this.#actions?.select(nodeId, this.#model);
    this.#inspector?.show(nodeId, this.#model, message);
  }

  /** Moves on by the state table; an event the current state does not expect changes nothing. */
  #fire(event: DemoEvent, status?: string): void {
    const next = nextState(this.#state, event);
    if (next) this.#enter(next, status);
  }

  #enter(state: DemoState, status?: string): void {
    this.#state = state;
    this.dataset.state = shownState(state);
    const source = this.#source;
    if (this.#button && source) {
      const active = isActive(state);
      this.#button.textContent = active ? "Stop" : "Run";
      this.#button.setAttribute("aria-pressed", String(active));
      // Nothing to press where this page may not run: a viewer's, or the PDF's.
      this.#button.disabled = state === "stopping" || !source.canRun;
      this.#button.hidden = !source.canRun;
      // Parameters belong to a whole run, so they are fixed while one is live; not shown where they cannot be set.
      this.#params?.setDisabled(active || source.params !== "set");
      if (this.#params) this.#params.element.hidden = source.params === "none";
    }
    this.#say(status ?? STATE_WORDS[state]);
    this.#renderSoon();
    this.dispatchEvent(
      new CustomEvent("zmq-demo-state", { bubbles: true, detail: { state: shownState(state), status: this.#statusText } }),
    );
  }

  /** The status line. */
  #say(status: string): void {
    this.#statusText = status;
    if (this.#status) this.#status.textContent = status;
  }
}

customElements.define("zmq-demo", ZmqDemo);
