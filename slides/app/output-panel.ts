/**
 * The demo's processes' own output — what they print, as a terminal would show it — with the
 * node that printed each line. Keeps a bounded number of lines.
 */
import type { RunEvent } from "../../server/protocol.js";

export const MAX_LINES = 60;

export class OutputPanel {
  readonly element: HTMLOListElement;

  constructor() {
    this.element = document.createElement("ol");
    this.element.className = "demo-output";
    this.element.setAttribute("aria-label", "Output of the processes");
  }

  clear(): void {
    this.element.replaceChildren();
  }

  /** Adds the output lines among `events`; other events are not its business. */
  append(events: RunEvent[]): void {
    let added = false;
    for (const event of events) {
      if (event.kind !== "log" && event.kind !== "exit") continue;
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
      this.element.append(line);
      added = true;
    }
    if (!added) return;
    while (this.element.childElementCount > MAX_LINES) this.element.firstElementChild!.remove();
    this.element.scrollTop = this.element.scrollHeight;
  }
}
