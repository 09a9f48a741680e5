/**
 * A small banner that says when the bridge is lost and when it is back: "Bridge lost —
 * reconnecting in 2 s…", then "Reconnected" for a moment; or why the bridge had no room for
 * this page (a shared deck's every viewer seat taken). Silent while all is well, so it never
 * covers a slide for nothing.
 *
 * Lifecycle, as the demo widget's: render() builds the element, bind()/unbind() follow and
 * stop following the client, update() shows one status, destroy() removes it all.
 */
import type { BridgeClient, BridgeStatus } from "./bridge-client.js";

/** How long "Reconnected" stays on screen. */
const RECONNECTED_MS = 3000;

export class BridgeStatusBanner {
  readonly element = document.createElement("div");
  readonly #client: BridgeClient;
  #unsubscribe: (() => void) | undefined;
  #countdown: ReturnType<typeof setInterval> | undefined;
  #hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(client: BridgeClient) {
    this.#client = client;
  }

  /** Builds the (hidden) banner and puts it on the page. */
  render(parent: HTMLElement = document.body): void {
    this.element.className = "bridge-status";
    this.element.setAttribute("role", "status");
    this.element.setAttribute("aria-live", "polite");
    this.element.hidden = true;
    parent.append(this.element);
  }

  bind(): void {
    this.#unsubscribe ??= this.#client.onStatus((status) => this.update(status));
  }

  unbind(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Shows one status of the connection. */
  update(status: BridgeStatus): void {
    this.#clearTimers();
    this.element.dataset.state = status.state;
    switch (status.state) {
      case "lost": {
        const retryAt = performance.now() + status.retryInMs;
        const show = () => {
          const seconds = Math.max(0, Math.ceil((retryAt - performance.now()) / 1000));
          this.#show(status.full ? `${status.full} — trying again in ${seconds} s…` : `Bridge lost — reconnecting in ${seconds} s…`);
        };
        show();
        this.#countdown = setInterval(show, 250);
        return;
      }
      case "connecting":
        if (!this.element.hidden) this.#show("Bridge lost — reconnecting…");
        return;
      case "open":
        if (!status.reconnected) {
          this.element.hidden = true;
          return;
        }
        this.#show("Reconnected to the bridge");
        this.#hideTimer = setTimeout(() => (this.element.hidden = true), RECONNECTED_MS);
        return;
    }
  }

  destroy(): void {
    this.unbind();
    this.#clearTimers();
    this.element.remove();
  }

  #show(text: string): void {
    this.element.textContent = text;
    this.element.hidden = false;
  }

  #clearTimers(): void {
    clearInterval(this.#countdown);
    clearTimeout(this.#hideTimer);
    this.#countdown = undefined;
    this.#hideTimer = undefined;
  }
}
