/**
 * Gathers a connection's run events and sends them as one WebSocket frame per run per tick,
 * however many messages the processes exchanged in between. The first event after a quiet
 * spell goes out on the next turn of the event loop; under load, frames are at least
 * `minIntervalMs` apart.
 */
import type { RunEvent, ServerMessage } from "./protocol.js";

export class EventBatcher {
  readonly #send: (message: ServerMessage) => void;
  readonly #minIntervalMs: number;
  readonly #pending = new Map<string, RunEvent[]>();
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #lastFlush = 0;

  constructor(send: (message: ServerMessage) => void, minIntervalMs = 16) {
    this.#send = send;
    this.#minIntervalMs = minIntervalMs;
  }

  push(runId: string, event: RunEvent): void {
    let events = this.#pending.get(runId);
    if (!events) this.#pending.set(runId, (events = []));
    events.push(event);
    this.#schedule();
  }

  /** Sends everything gathered so far, now. */
  flush(): void {
    this.#cancel();
    this.#lastFlush = performance.now();
    for (const [runId, events] of this.#pending) this.#send({ type: "events", runId, events });
    this.#pending.clear();
  }

  /** Drops anything not yet sent and stops the timer; for a connection that has gone. */
  dispose(): void {
    this.#cancel();
    this.#pending.clear();
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = this.#lastFlush + this.#minIntervalMs - performance.now();
    this.#timer = wait > 0 ? setTimeout(() => this.flush(), wait) : setImmediate(() => this.flush());
  }

  #cancel(): void {
    if (!this.#timer) return;
    clearTimeout(this.#timer as NodeJS.Timeout);
    clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = undefined;
  }
}
