/**
 * The legend beside a diagram that can show messages lost or queued: what "lost", "missed" and
 * a stack at a socket mean, in a few words. Only the entries the demo's sockets can produce:
 * losses are judged for PUSH (a killed worker's queue) and PUB (slow joiners, high-water mark,
 * nobody subscribed); messages wait at the sockets that hold them for a peer (traffic.ts).
 *
 * Lifecycle (panel.ts): render() builds it once from the manifest; nothing a run does changes it.
 */
import type { DemoManifest } from "../../protocol/manifest.js";
import type { Panel } from "./panel.js";
import { QUEUEING_SOCKETS } from "./traffic.js";

/** Sockets whose messages the bridge may declare lost (server/loss.ts). */
const LOSING_SOCKETS: ReadonlySet<string> = new Set(["PUSH", "PUB", "XPUB"]);

export type LegendEntry = "lost" | "missed" | "not known" | "queued";

const WORDS: Record<LegendEntry, string> = {
  lost: "at a sender: sent, never received",
  missed: "at a receiver: wanted, never received",
  "not known": "sent, not received; whether lost is not known",
  queued: "at a socket: sent, not received yet",
};

/** The entries a demo's diagram can show, from the socket types of its roles ("PULL · PUB"). */
export function legendEntries(manifest: DemoManifest): LegendEntry[] {
  const sockets = new Set(Object.values(manifest.roles).flatMap((role) => role.socket.split(/[^A-Z]+/).filter(Boolean)));
  const losing = [...sockets].some((socket) => LOSING_SOCKETS.has(socket));
  const queueing = [...sockets].some((socket) => QUEUEING_SOCKETS.has(socket));
  return [...(losing ? (["lost", "missed", "not known"] as const) : []), ...(queueing ? (["queued"] as const) : [])];
}

export class LossLegend implements Panel {
  readonly element: HTMLElement;
  readonly #manifest: DemoManifest;

  constructor(manifest: DemoManifest) {
    this.#manifest = manifest;
    this.element = document.createElement("p");
    this.element.className = "demo-legend";
    this.element.setAttribute("aria-label", "Legend");
  }

  render(): void {
    const entries = legendEntries(this.#manifest);
    this.element.hidden = entries.length === 0;
    this.element.replaceChildren(
      ...entries.map((entry) => {
        const item = document.createElement("span");
        item.dataset.entry = entry;
        const term = document.createElement("b");
        term.textContent = entry === "queued" ? "▬ queued" : entry;
        item.append(term, ` ${WORDS[entry]}`);
        return item;
      }),
    );
  }

  update(): void {}

  reset(): void {}

  destroy(): void {}
}
