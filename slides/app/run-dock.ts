/**
 * Runs alive away from their slide. A small dock in the corner lists each, with a Stop button,
 * so nothing runs unseen; and on the slides a run spans (the code of the demo that is running),
 * a live view of it stands beside the code — its diagram, at the size the column allows — so
 * the presenter can talk through the code while it runs. The code makes room for it, a step
 * smaller if it must.
 *
 * Lifecycle: render() builds the dock, update() follows the current slide and the widgets'
 * states, destroy() lets every live view go.
 */
import { keepControlKeysFromDeck } from "./deck-keys.js";
import type { ZmqDemo } from "./demo-widget.js";
import { DiagramView } from "./diagram.js";

/** The code sizes a block steps down through to make room for a live view (see directives.ts). */
const CODE_SIZES = ["code-large", "code-medium", "code-small"];

interface LiveView {
  widget: ZmqDemo;
  element: HTMLElement;
  release: () => void;
}

export class RunDock {
  readonly element: HTMLElement;
  #currentSlideId = "";
  #liveView: LiveView | undefined;

  /** `list`: whether the dock lists the runs (not in a speaker-view preview, which only shows their live views). */
  constructor({ list = true }: { list?: boolean } = {}) {
    this.element = document.createElement("aside");
    if (!list) this.element.dataset.list = "none";
    this.element.className = "run-dock";
    this.element.setAttribute("aria-label", "Demos still running");
    this.element.hidden = true;
    keepControlKeysFromDeck(this.element);
  }

  /** Puts the dock on the page. */
  render(parent: HTMLElement): void {
    parent.append(this.element);
  }

  /** Lists the active widgets that are not on the slide being shown, and shows the one this slide spans. */
  update(currentSlideId: string = this.#currentSlideId): void {
    this.#currentSlideId = currentSlideId;
    const widgets = [...document.querySelectorAll<ZmqDemo>("zmq-demo")];
    const away = widgets.filter((widget) => widget.isActive && widget.closest("section")?.id !== currentSlideId);
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
    this.#showLiveView(away.find((widget) => widget.livesOn(currentSlideId)));
  }

  destroy(): void {
    this.#showLiveView(undefined);
    this.element.remove();
  }

  /** Beside the current slide's code: the spanning run's diagram, or nothing. */
  #showLiveView(widget: ZmqDemo | undefined): void {
    const slide = document.getElementById(this.#currentSlideId);
    if (this.#liveView && this.#liveView.widget === widget && this.#liveView.element.parentElement === slide) return;
    if (this.#liveView) {
      const { element, release } = this.#liveView;
      const previous = element.closest("section");
      release();
      element.remove();
      if (previous) fitCode(previous, false);
      this.#liveView = undefined;
    }
    if (!widget?.manifest || !slide) return;
    const element = document.createElement("figure");
    element.className = "live-view";
    element.setAttribute("aria-label", `${widget.demoTitle}, running`);
    const caption = document.createElement("figcaption");
    caption.textContent = `● ${widget.demoTitle}, live`;
    const diagram = new DiagramView(widget.manifest);
    diagram.render();
    element.append(caption, diagram.element);
    slide.append(element);
    fitCode(slide, true);
    this.#liveView = { widget, element, release: widget.addPicture(diagram) };
  }
}

/**
 * Makes the slide's code leave room for a live view (or take back its width): a block that
 * no longer fits its slide steps down a size, as the build would have chosen for a narrower
 * column; the smallest still reads from the back of the room.
 */
function fitCode(slide: HTMLElement, beside: boolean): void {
  slide.classList.toggle("beside-live-view", beside);
  for (const block of slide.querySelectorAll<HTMLElement>(".code-block")) {
    block.dataset.builtSize ??= CODE_SIZES.find((size) => block.classList.contains(size)) ?? "code-large";
    const sizes = CODE_SIZES.slice(CODE_SIZES.indexOf(block.dataset.builtSize));
    for (const size of sizes) {
      block.classList.remove(...CODE_SIZES);
      block.classList.add(size);
      if (!beside || slide.scrollHeight <= slide.clientHeight + 1) break;
    }
  }
}
