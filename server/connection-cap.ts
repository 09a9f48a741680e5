/**
 * How many TCP connections the bridge holds at once, HTTP and WebSocket alike, with room kept
 * for this machine: however many connections come from elsewhere (a full room of viewers, or
 * one script opening them), the presenter's page can still load, reload and reconnect.
 */
import type { Socket } from "node:net";
import { isLoopbackAddress } from "./access.js";

export class ConnectionCap {
  readonly total: number;
  readonly keptForThisMachine: number;
  #fromHere = 0;
  #fromElsewhere = 0;

  constructor(total: number, keptForThisMachine: number) {
    this.total = total;
    this.keptForThisMachine = Math.min(keptForThisMachine, total);
  }

  get open(): number {
    return this.#fromHere + this.#fromElsewhere;
  }

  /** Counts `socket` until it closes; false, counting nothing, when there is no room for it. */
  admit(socket: Socket): boolean {
    const local = isLoopbackAddress(socket.remoteAddress);
    if (this.open >= this.total) return false;
    if (!local && this.#fromElsewhere >= this.total - this.keptForThisMachine) return false;
    if (local) this.#fromHere += 1;
    else this.#fromElsewhere += 1;
    socket.once("close", () => {
      if (local) this.#fromHere -= 1;
      else this.#fromElsewhere -= 1;
    });
    return true;
  }
}

/** Answers a connection there is no room for, before reading its request, and lets it go. */
export function refuseConnection(socket: Socket): void {
  const text = "The bridge has as many connections as it takes; try again in a moment.\n";
  socket.on("error", () => {});
  socket.end(
    `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nRetry-After: 5\r\n\r\n${text}`,
  );
  socket.setTimeout(5000, () => socket.destroy());
}
