/**
 * The demo's processes' own output — what they print, as a terminal would show it — with the
 * node that printed each line: the latest that fit, whole, newest at the bottom.
 *
 * Lines pouring in (a thousand a second at the Push/Pull slide's top rate) are shown at most
 * once every BUSY_INTERVAL_MS: nobody reads a terminal scrolling that fast, while laying out
 * new lines every animation frame cost the page a third of its frame time (measured with
 * Chromium's trace; see the frames-per-second figure of `npm run bench`). A line after a quiet
 * spell is shown at once.
 */
import type { ExitEvent, LogEvent, RunEvent } from "../../protocol/messages.js";
import type { Panel, RunFrame } from "./panel.js";

const MAX_LINES = 60;
const BUSY_INTERVAL_MS = 100;

export class OutputPanel implements Panel {
  readonly element: HTMLOListElement;
  /** Lines not shown yet, the latest MAX_LINES at most. */
  #pending: (LogEvent | ExitEvent)[] = [];
  #shownAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    this.element = document.createElement("ol");
    this.element.className = "demo-output";
    this.element.setAttribute("aria-label", "Output of the processes");
  }

  render(): void {}

  update(frame: RunFrame): void {
    this.append(frame.events);
  }

  reset(): void {
    this.clear();
  }

  /** Lines still waiting for their turn are not shown in a widget that has gone. */
  destroy(): void {
    this.clear();
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = [];
    this.element.replaceChildren();
  }

  /** Adds the output lines among `events`; other events are not its business. */
  append(events: RunEvent[]): void {
    for (const event of events) if (event.kind === "log" || event.kind === "exit") this.#pending.push(event);
    if (this.#pending.length > MAX_LINES) this.#pending.splice(0, this.#pending.length - MAX_LINES);
    if (this.#pending.length === 0 || this.#timer) return;
    const wait = this.#shownAt + BUSY_INTERVAL_MS - performance.now();
    if (wait <= 0) this.#show();
    else this.#timer = setTimeout(() => this.#show(), wait);
  }

  #show(): void {
    this.#timer = undefined;
    this.#shownAt = performance.now();
    const lines = this.#pending.splice(0).map((event) => {
      const line = document.createElement("li");
      line.dataset.printedBy = event.node;
      if (event.kind === "log") {
        line.dataset.stream = event.stream;
        line.textContent = event.text;
      } else {
        line.className = "exit";
        line.textContent = `exited (${event.signal ?? `code ${event.code}`})`;
      }
      const node = document.createElement("span");
      node.className = "output-node";
      node.textContent = event.node;
      line.prepend(node);
      return line;
    });
    this.element.append(...lines);
    while (this.element.childElementCount > MAX_LINES) this.element.firstElementChild!.remove();
    // The newest lines sit at the bottom (theme.css); the oldest that no longer fit whole are let
    // go, rather than shown cut in half at the top. One read of the layout, then the removals.
    const top = this.element.getBoundingClientRect().top + parseFloat(getComputedStyle(this.element).paddingTop);
    const cut = [...this.element.children].filter((line) => line.getBoundingClientRect().top < top - 0.5);
    for (const line of cut) line.remove();
  }
}
