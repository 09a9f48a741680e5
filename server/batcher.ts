/**
 * Gathers a connection's run events and sends them as one WebSocket frame per run per tick,
 * however many messages the processes exchanged in between. After a quiet spell the first few
 * frames go out on the next turn of the event loop; under load, one frame per `intervalMs`
 * (a token bucket: lib/token-bucket.ts).
 */
import { TokenBucket } from "../lib/token-bucket.js";
import type { RunEvent, ServerMessage } from "../protocol/messages.js";

/** Frames that may go at once after a quiet spell: a run's start is a few single events. */
const FRAME_BURST = 8;

export class EventBatcher {
  readonly #send: (message: ServerMessage) => void;
  readonly #gate: TokenBucket;
  readonly #pending = new Map<string, RunEvent[]>();
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(send: (message: ServerMessage) => void, intervalMs = 16) {
    this.#send = send;
    this.#gate = new TokenBucket(FRAME_BURST, 1000 / intervalMs, performance.now());
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
    this.#gate.spend(performance.now());
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
    const wait = this.#gate.waitMs(performance.now());
    this.#timer = wait > 0 ? setTimeout(() => this.flush(), wait) : setImmediate(() => this.flush());
  }

  #cancel(): void {
    if (!this.#timer) return;
    clearTimeout(this.#timer as NodeJS.Timeout);
    clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = undefined;
  }
}
