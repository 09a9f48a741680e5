/**
 * When the next batch may go: a token bucket of flushes. Each flush spends a token; tokens come
 * back at one per `intervalMs`, up to `burst`. A busy stream is held to one batch per interval;
 * a quiet one spends its saved tokens on the next few batches at once.
 *
 * Why a bucket and not "one batch per interval": a run's start is a short stream of single
 * events (socket, bound, connect, the first send, its receive), each a few milliseconds after
 * the last. Held to one flush per interval, each waited its turn — at two stages (a demo
 * process's reports, then the bridge's frames to the page), that was 30 ms of the 80 ms between
 * Run and the first message on screen.
 *
 * Used by a demo process's reports (demos/lib/report.ts) and the bridge's event frames
 * (server/batcher.ts); the clock is passed in so tests can drive it.
 */
export class FlushGate {
  readonly #intervalMs: number;
  readonly #burst: number;
  #tokens: number;
  #refilledAt: number;

  constructor(intervalMs: number, burst: number, now: number) {
    this.#intervalMs = intervalMs;
    this.#burst = burst;
    this.#tokens = burst;
    this.#refilledAt = now;
  }

  /** Milliseconds until a flush may go: 0 while a token is left. */
  waitMs(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : (1 - this.#tokens) * this.#intervalMs;
  }

  /** Spends a token on the flush that is going now. */
  spend(now: number): void {
    this.#refill(now);
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  #refill(now: number): void {
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#refilledAt) / this.#intervalMs);
    this.#refilledAt = now;
  }
}
