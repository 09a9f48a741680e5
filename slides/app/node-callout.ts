/**
 * Words pinned beside one process's socket on the diagram, for a moment a viewer must not miss:
 * libzmq refusing a request, say. An HTML label over the picture, placed from where the diagram
 * drew the node, so it follows the diagram however that lays itself out.
 *
 * Lifecycle (panel.ts): render() builds it, update() pins the words of a refusal among the
 * run's events to its node and follows the drawing, reset() takes the words away.
 */
import { refusalWords } from "./action-words.js";
import type { Panel, RunFrame } from "./panel.js";

/** Room kept between the label and the node's socket strip, in px. */
const GAP = 10;

export class NodeCallout implements Panel {
  readonly element: HTMLElement;
  readonly #picture: HTMLElement;
  #nodeId: string | undefined;

  constructor(picture: HTMLElement) {
    this.#picture = picture;
    this.element = document.createElement("p");
    this.element.className = "node-callout";
    // The widget's status line says the same to a screen reader; this is its picture.
    this.element.setAttribute("aria-hidden", "true");
    this.element.hidden = true;
  }

  render(): void {}

  /** A refusal among the run's latest events is pinned to its node; the words follow the node as drawn. */
  update(frame: RunFrame): void {
    for (const event of frame.events) {
      const words = event.kind === "error" ? refusalWords(event) : undefined;
      if (words) this.show(event.node, words);
    }
    this.place();
  }

  reset(): void {
    this.clear();
  }

  destroy(): void {
    this.clear();
  }

  /** Pins `text` beside the socket of node `nodeId` until cleared or pinned elsewhere. */
  show(nodeId: string, text: string): void {
    this.#nodeId = nodeId;
    this.element.dataset.node = nodeId;
    this.element.textContent = text;
    this.element.hidden = false;
    this.place();
  }

  /** Puts the label beside its node's socket strip as the diagram drew it: left of it, or right where there is no room. */
  place(): void {
    if (this.#nodeId === undefined) return;
    const strip = this.#picture.querySelector(`[data-node="${CSS.escape(this.#nodeId)}"] .socket-strip`);
    if (!strip) {
      this.element.style.visibility = "hidden";
      return;
    }
    const stripBox = strip.getBoundingClientRect();
    const pictureBox = this.#picture.getBoundingClientRect();
    const width = this.element.offsetWidth;
    const height = this.element.offsetHeight;
    const left = stripBox.left - pictureBox.left - width - GAP;
    this.element.dataset.side = left >= 0 ? "left" : "right";
    this.element.style.left = `${left >= 0 ? left : stripBox.right - pictureBox.left + GAP}px`;
    this.element.style.top = `${Math.max(0, stripBox.top - pictureBox.top + stripBox.height / 2 - height / 2)}px`;
    this.element.style.visibility = "";
  }

  clear(): void {
    this.#nodeId = undefined;
    delete this.element.dataset.node;
    this.element.hidden = true;
    this.element.textContent = "";
  }
}
