/**
 * A closer look at one process of the run, in the panel beside the diagram: its pid, socket
 * types, endpoints, the socket monitor's timeline, what it printed, and its latest messages —
 * each of which opens to its frames (text and hex), size, sender, receiver and the latency the
 * two processes' clocks measured. A message picked (a dot clicked, or one of the list) is shown
 * first, under the node's name: it is what the viewer asked to see. Everything shown comes from
 * the run's events (RunModel).
 * Lifecycle (panel.ts): render() builds it, update() follows the model, reset() and clear()
 * let the node go.
 */
import type { DeliverEvent, LostReason, UnknownReason } from "../../protocol/messages.js";
import { LOST_BECAUSE, UNKNOWN_BECAUSE } from "./loss-words.js";
import { bodyFrameOf } from "../../protocol/manifest.js";
import { framePreview } from "./frame-preview.js";
import type { Panel, RunFrame } from "./panel.js";
import type { RunModel } from "./run-model.js";

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  if (text !== undefined) made.textContent = text;
  if (className) made.className = className;
  return made;
}

function hexOf(text: string, binary: boolean): string {
  const hex = binary ? text : [...new TextEncoder().encode(text)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return hex.replace(/(..)(?!$)/g, "$1 ");
}

export class Inspector implements Panel {
  readonly element: HTMLElement;
  /** Called when the viewer closes the inspector. */
  onClose: (() => void) | undefined;
  #nodeId: string | undefined;
  #message: DeliverEvent | undefined;
  #signature = "";

  constructor() {
    // Not a <section>: reveal.js takes every section for a slide.
    this.element = element("div", undefined, "demo-inspector");
    this.element.setAttribute("role", "region");
    this.element.setAttribute("aria-label", "Inspector");
    this.element.hidden = true;
  }

  get nodeId(): string | undefined {
    return this.#nodeId;
  }

  /** Shows `nodeId` from now on, and in it `message` if one was picked. */
  show(nodeId: string, model: RunModel, message?: DeliverEvent): void {
    this.#nodeId = nodeId;
    this.#message = message;
    this.#signature = "";
    this.element.hidden = false;
    this.#refresh(model);
    this.element.scrollTop = 0;
  }

  render(): void {}

  update(frame: RunFrame): void {
    this.#refresh(frame.model);
  }

  reset(): void {
    this.clear();
  }

  destroy(): void {
    this.clear();
  }

  clear(): void {
    this.#nodeId = undefined;
    this.#message = undefined;
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  /** Redraws when what it shows has changed. */
  #refresh(model: RunModel): void {
    const node = this.#nodeId ? model.nodes.get(this.#nodeId) : undefined;
    if (!node) return;
    const signature = [
      node.pid,
      node.status,
      node.sent,
      node.received,
      node.lost,
      node.missed,
      node.unknown,
      node.unsettled.length,
      node.monitor.length,
      node.output.length,
      node.waitingSends.length,
      this.#message?.recvSeq,
    ].join("|");
    if (signature === this.#signature) return;
    this.#signature = signature;

    const heading = element("h3", `${node.id}`);
    const close = element("button", "Close", "inspector-close");
    close.type = "button";
    close.setAttribute("aria-label", `Close the inspector of ${node.id}`);
    close.addEventListener("click", () => {
      this.clear();
      this.onClose?.();
    });
    const facts = element("dl");
    const fact = (term: string, value: string) => facts.append(element("dt", term), element("dd", value));
    fact("pid", node.pid === undefined ? "not started" : String(node.pid));
    fact("status", node.status === "exited" ? `exited (${node.exitSignal ?? `code ${node.exitCode}`})` : node.status);
    fact("sockets", node.socketTypes.join(", ") || "—");
    fact("endpoints", node.endpoints.join(", ") || "—");
    if (node.waitingSends.length > 0) fact("sending", "waiting: libzmq has not taken its message (no peer to take it yet)");
    const atLeast = (counter: "sent" | "received") => (node.uncounted.includes(counter) ? "at least " : "");
    fact("counted", `sent ${atLeast("sent")}${node.sent}, received ${atLeast("received")}${node.received}`);
    if (node.uncounted.length > 0)
      fact("not known", `how many more it ${node.uncounted.join(" and ")}: it was killed before it reported its last counts`);
    if (node.lost > 0 || node.missed > 0) {
      const because = Object.entries(node.lostBecause).map(
        ([reason, count]) => `${count}: ${LOST_BECAUSE[reason as LostReason] ?? reason}`,
      );
      fact(node.lost > 0 ? "lost" : "missed", `${node.lost + node.missed} (${because.join("; ")})`);
    }
    if (node.unsettled.length > 0)
      fact(
        "losses",
        "not known yet: its messages are counted in flows, too many to follow one by one, and are settled by counting once the edge is quiet",
      );
    if (node.unknown > 0) {
      const because = Object.entries(node.unknownBecause).map(
        ([reason, count]) => `${count}: ${UNKNOWN_BECAUSE[reason as UnknownReason] ?? reason}`,
      );
      fact("fate not known", `${node.unknown} (${because.join("; ")})`);
    }

    const timeline = element("ol", undefined, "inspector-timeline");
    timeline.setAttribute("aria-label", "Socket monitor");
    const start = node.monitor[0]?.t ?? 0;
    for (const entry of node.monitor.slice(-8)) {
      timeline.append(element("li", `+${(entry.t - start).toFixed(1)} ms  ${entry.event}${entry.endpoint ? ` ${entry.endpoint}` : ""}`));
    }

    const messages = element("ol", undefined, "inspector-messages");
    messages.setAttribute("aria-label", "Latest messages");
    for (const message of node.recent.slice(-6)) {
      const item = element("li");
      const open = element(
        "button",
        `${message.from === node.id ? "→" : "←"} ${framePreview(message.frames, bodyFrameOf(model.manifest, message.from, message.node), 18)}`,
      );
      open.type = "button";
      open.addEventListener("click", () => {
        this.#message = message;
        this.#signature = "";
        this.#refresh(model);
        this.element.scrollTop = 0;
      });
      item.append(open);
      messages.append(item);
    }

    const printed = element("ol", undefined, "inspector-output");
    printed.setAttribute("aria-label", "What it printed");
    for (const line of node.output.slice(-5)) printed.append(element("li", line.text, line.stream === "stderr" ? "stderr" : undefined));

    this.element.replaceChildren(
      heading,
      close,
      ...this.#messageDetail(model),
      facts,
      element("h4", "Socket monitor"),
      timeline,
      element("h4", "Latest messages"),
      messages,
      element("h4", "Printed"),
      printed,
    );
  }

  #messageDetail(model: RunModel): HTMLElement[] {
    const message = this.#message;
    if (!message) return [];
    const detail = element("div", undefined, "inspector-message");
    detail.append(element("p", `${message.from} → ${message.node} · ${message.size} B · ${message.latencyMs.toFixed(3)} ms`));
    // A subscriber took it because its first frame starts with one of its filters: that is its topic.
    const first = message.frames[0];
    const filters = model.nodes.get(message.node)?.filters ?? [];
    const topic =
      first && !first.binary ? filters.filter((filter) => first.text.startsWith(filter)).sort((a, b) => b.length - a.length)[0] : undefined;
    if (topic !== undefined) detail.append(element("p", topic === "" ? "topic: any (subscribed to everything)" : `topic: “${topic}”`));
    message.frames.forEach((frame, index) => {
      detail.append(
        element("p", `frame ${index}: ${frame.binary ? "(binary)" : frame.text}`),
        element("code", hexOf(frame.text, frame.binary)),
      );
    });
    return [element("h4", "Message"), detail];
  }
}
