/**
 * What is happening, in words: "server-1 received “Hello” from client-1". Read out by screen
 * readers (aria-live, at most one sentence a second so they can keep up), and shown as a short
 * list of the latest messages when the viewer prefers reduced motion — the calm view, where
 * nothing travels and the counters and this list tell the story.
 */
import { type DemoManifest, bodyFrameOf } from "../../protocol/manifest.js";
import type { DeliverEvent, LostEvent } from "../../protocol/messages.js";
import { framePreview } from "./frame-preview.js";
import { LOST_BECAUSE } from "./loss-words.js";
import type { Panel, RunFrame } from "./panel.js";

const SPOKEN_EVERY_MS = 1000;
const SHOWN = 4;

/** Whether this viewer asked the system for less motion. */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches;
}

function payload(message: DeliverEvent | LostEvent, bodyFrame: number): string {
  return message.frames.length === 0 ? "an empty message" : `“${framePreview(message.frames, bodyFrame, 24)}”`;
}

/** One message as a sentence; `bodyFrame` is the frame to quote (see EdgeSpec). */
export function describe(message: DeliverEvent | LostEvent, bodyFrame = -1): string {
  if (message.kind === "lost") {
    const because = LOST_BECAUSE[message.reason] ?? message.reason;
    return `${payload(message, bodyFrame)} from ${message.node} was lost${message.to ? ` for ${message.to}` : ""}: ${because}`;
  }
  return `${message.node} received ${payload(message, bodyFrame)} from ${message.from}`;
}

export class LiveSummary implements Panel {
  readonly element: HTMLElement;
  readonly #spoken: HTMLElement;
  readonly #list: HTMLOListElement;
  #lastSpoken = 0;
  #pending: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #manifest: DemoManifest;

  constructor(manifest: DemoManifest) {
    this.#manifest = manifest;
    this.element = document.createElement("div");
    this.element.className = "demo-summary";
    this.#spoken = document.createElement("p");
    this.#spoken.className = "visually-hidden";
    this.#spoken.setAttribute("aria-live", "polite");
    this.#list = document.createElement("ol");
    this.#list.className = "demo-recent";
    this.#list.setAttribute("aria-hidden", "true");
    this.#list.hidden = !prefersReducedMotion();
    this.element.append(this.#spoken, this.#list);
  }

  /** Takes the messages of one batch: the last is spoken (soon), the latest few are listed. */
  render(): void {}

  update(frame: RunFrame): void {
    const messages = frame.arrived;
    if (messages.length === 0) return;
    const sentences = messages.slice(-SHOWN).map((message) => describe(message, this.#bodyFrame(message)));
    if (!this.#list.hidden) {
      this.#list.append(...sentences.map((sentence) => Object.assign(document.createElement("li"), { textContent: sentence })));
      while (this.#list.childElementCount > SHOWN) this.#list.firstElementChild!.remove();
    }
    this.#pending = sentences.at(-1);
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastSpoken + SPOKEN_EVERY_MS - performance.now());
    this.#timer = setTimeout(() => this.#speak(), wait);
  }

  reset(): void {
    this.clear();
  }

  destroy(): void {
    this.clear();
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    this.#spoken.textContent = "";
    this.#list.replaceChildren();
  }

  #bodyFrame(message: DeliverEvent | LostEvent): number {
    if (message.kind === "lost") return bodyFrameOf(this.#manifest, message.node, message.to ?? message.node);
    return bodyFrameOf(this.#manifest, message.from, message.node);
  }

  #speak(): void {
    this.#timer = undefined;
    this.#lastSpoken = performance.now();
    if (this.#pending) this.#spoken.textContent = this.#pending;
    this.#pending = undefined;
  }
}
