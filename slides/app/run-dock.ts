/**
 * A small dock in the corner that lists runs still alive away from their slide (a run that
 * spans the following slides), each with a Stop button, so nothing runs unseen.
 * Lifecycle: render() builds it, update() follows the current slide and the widgets' states.
 */
import { keepControlKeysFromDeck } from "./deck-keys.js";
import type { ZmqDemo } from "./demo-widget.js";

export class RunDock {
  readonly element: HTMLElement;
  #currentSlideId = "";

  constructor() {
    this.element = document.createElement("aside");
    this.element.className = "run-dock";
    this.element.setAttribute("aria-label", "Demos still running");
    this.element.hidden = true;
    keepControlKeysFromDeck(this.element);
  }

  /** Puts the dock on the page. */
  render(parent: HTMLElement): void {
    parent.append(this.element);
  }

  /** Lists the active widgets that are not on the slide being shown. */
  update(currentSlideId: string = this.#currentSlideId): void {
    this.#currentSlideId = currentSlideId;
    const away = [...document.querySelectorAll<ZmqDemo>("zmq-demo")].filter(
      (widget) => widget.isActive && widget.closest("section")?.id !== currentSlideId,
    );
    this.element.replaceChildren(
      ...away.map((widget) => {
        const item = document.createElement("div");
        item.className = "run-dock-item";
        const label = document.createElement("span");
        label.textContent = `● ${widget.demoTitle} running`;
        const stop = document.createElement("button");
        stop.type = "button";
        stop.textContent = "Stop";
        stop.setAttribute("aria-label", `Stop ${widget.demoTitle}`);
        stop.addEventListener("click", () => widget.stop());
        item.append(label, stop);
        return item;
      }),
    );
    this.element.hidden = away.length === 0;
  }
}
