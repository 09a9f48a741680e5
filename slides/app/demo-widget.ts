/**
 * <zmq-demo demo="req-rep">: a live demo any slide can hold. Run starts the demo's real
 * processes through the bridge; the diagram, counters and output follow their events; Stop,
 * leaving the slide or closing the page ends them.
 *
 * Lifecycle, as reveal.js's controllers have it: render() builds the DOM, bind()/unbind()
 * attach and detach listeners, update() follows the run, destroy() lets everything go.
 */
import { manifests } from "../../demos/manifests.js";
import type { DemoManifest } from "../../demos/lib/manifest.js";
import { defaultParams } from "../../demos/lib/manifest.js";
import type { ErrorCode, RunEvent, StopReason } from "../../server/protocol.js";
import { BridgeClient, BridgeError, shareToken } from "./bridge-client.js";
import { DiagramView } from "./diagram.js";
import { OutputPanel } from "./output-panel.js";
import { RunModel } from "./run-model.js";

export type DemoState = "idle" | "starting" | "running" | "stopping" | "stopped" | "error" | "replay";

const STOP_WORDS: Record<StopReason, string> = {
  requested: "Stopped",
  "connection-closed": "Stopped: the page closed its connection",
  "bridge-exit": "Stopped: the bridge went away",
  finished: "Finished: every process ended",
  failed: "Failed to start",
  idle: "Stopped: nothing happened on this page for a long while",
};

export class ZmqDemo extends HTMLElement {
  /** Set in reveal.js's speaker-view previews, which must never start processes of their own. */
  static passive = false;
  /** On a shared deck's viewers' link: the widget shows the presenter's runs and starts none. */
  static readonly viewing = shareToken() !== undefined;

  #manifest!: DemoManifest;
  #model!: RunModel;
  #diagram!: DiagramView;
  #output!: OutputPanel;
  #button!: HTMLButtonElement;
  #status!: HTMLElement;
  #runId: string | undefined;
  #state: DemoState = "idle";
  #unwatch: (() => void) | undefined;
  readonly #onClick = () => this.toggle();

  get state(): DemoState {
    return this.#state;
  }

  get isActive(): boolean {
    return this.#state === "starting" || this.#state === "running" || this.#state === "stopping";
  }

  connectedCallback(): void {
    if (!this.#manifest) this.render();
    this.bind();
    if (ZmqDemo.viewing && !ZmqDemo.passive && this.#manifest) this.#watch();
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

    const toolbar = document.createElement("div");
    toolbar.className = "demo-toolbar";
    this.#button = document.createElement("button");
    this.#button.type = "button";
    this.#button.className = "demo-run";
    this.#status = document.createElement("span");
    this.#status.className = "demo-status";
    this.#status.setAttribute("role", "status");
    toolbar.append(this.#button, this.#status);

    const body = document.createElement("div");
    body.className = "demo-body";
    body.append(this.#diagram.element, this.#output.element);
    this.replaceChildren(toolbar, body);
    this.#diagram.render(this.#model);
    this.#setState("idle");
  }

  bind(): void {
    this.#button?.addEventListener("click", this.#onClick);
  }

  unbind(): void {
    this.#button?.removeEventListener("click", this.#onClick);
  }

  destroy(): void {
    this.#diagram?.destroy();
  }

  /** Run if idle, stop if running: what the button and the R key do. */
  toggle(): void {
    if (this.isActive) this.stop();
    else void this.run();
  }

  async run(): Promise<void> {
    if (!this.#manifest || this.isActive || ZmqDemo.passive || ZmqDemo.viewing) return;
    this.#model.reset();
    this.#diagram.render(this.#model);
    this.#output.clear();
    this.#setState("starting");
    try {
      this.#runId = await BridgeClient.shared().run(this.#manifest.name, defaultParams(this.#manifest), {
        onEvents: (events) => this.update(events),
        onStopped: (reason) => this.#onStopped(reason),
        onError: (code, message) => this.#onError(code, message),
      });
      // Stop was pressed, or the slide left, while the bridge was still accepting the run.
      if (this.#state === "stopping") BridgeClient.shared().stop(this.#runId);
      else this.#setState("running");
    } catch (error) {
      const message = error instanceof BridgeError ? error.message : String(error);
      this.#onError(error instanceof BridgeError ? error.code : "spawn-failed", message);
    }
  }

  /** Ends the run, if there is one. The processes end on the bridge; onStopped follows. */
  stop(): void {
    // A viewer's widget shows the presenter's run, which only the presenter ends.
    if (!this.isActive || ZmqDemo.viewing) return;
    this.#setState("stopping");
    if (this.#runId) BridgeClient.shared().stop(this.#runId);
  }

  /** Follows the run: a batch of its events updates the model, the picture and the output. */
  update(events: RunEvent[]): void {
    const deliveries = this.#model.apply(events);
    for (const delivery of deliveries) this.#diagram.animate(delivery);
    this.#diagram.update(this.#model);
    this.#output.append(events);
  }

  /** A viewer's widget follows each presenter run of its demo: reset when one starts, then its events. */
  #watch(): void {
    this.#unwatch ??= BridgeClient.shared().watch(this.#manifest.name, {
      onRunStarted: (runId) => {
        this.#runId = runId;
        this.#model.reset();
        this.#diagram.render(this.#model);
        this.#output.clear();
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

  #onError(code: ErrorCode | "unreachable", message: string): void {
    if (this.#state === "stopped") return;
    this.#setState("error", code === "unreachable" ? message : `${code}: ${message}`);
  }

  #setState(state: DemoState, message?: string): void {
    this.#state = state;
    this.dataset.state = state;
    if (!this.#button) return;
    const active = this.isActive;
    this.#button.textContent = active ? "Stop" : "Run";
    this.#button.setAttribute("aria-pressed", String(active));
    this.#button.disabled = ZmqDemo.passive || ZmqDemo.viewing || state === "stopping";
    // A viewer has nothing to press: the presenter runs and stops.
    this.#button.hidden = ZmqDemo.viewing;
    const words: Record<DemoState, string> = {
      idle: "Press Run (or R) to start the real processes",
      starting: "Starting processes…",
      running: "Running: real processes, live",
      stopping: "Stopping…",
      stopped: "Stopped",
      error: "Error",
      replay: "Replay of a recorded run",
    };
    if (ZmqDemo.viewing) words.idle = "Watching: the presenter's runs of this demo appear here";
    this.#status.textContent = ZmqDemo.passive ? "Runs from the main window" : (message ?? words[state]);
  }
}

customElements.define("zmq-demo", ZmqDemo);
