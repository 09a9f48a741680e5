/**
 * A token bucket: at most `capacity` tokens, coming back at `perSecond`. The one rate primitive
 * of the project: the bridge's limits on what a page asks (a person clicking never meets them, a
 * script flooding the bridge gets a `rate-limited` answer per message), the flush gate of
 * batches (a demo process's reports, the bridge's event frames), and the reporting layer's
 * budget of messages reported one by one. Time is passed in, in ms of a monotonic clock, so
 * tests drive it and a caller on a hot path reads its clock only when it must.
 *
 * Why a bucket, and not "one batch per interval", for flushes: a run's start is a short stream
 * of single events (socket, bound, connect, the first send, its receive), each a few ms after
 * the last. Held to one flush per interval, each waited its turn — at two stages (a demo
 * process's reports, then the bridge's frames to the page), that was 30 ms of the 80 ms between
 * Run and the first message on screen. A bucket lets a quiet stream spend its saved tokens on
 * its next few batches at once and holds a busy one to its rate.
 */
export class TokenBucket {
  readonly capacity: number;
  /** Tokens a second. A caller may lower it: a socket too busy to follow drops to a trickle. */
  perSecond: number;
  #tokens: number;
  #refilledAt: number;

  /** Full at `now`. */
  constructor(capacity: number, perSecond: number, now: number) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.#tokens = capacity;
    this.#refilledAt = now;
  }

  /**
   * Takes a token if one is held, without reading a clock (once per message on a busy socket).
   * Time passed since the last refill is credited at the next one, up to `capacity`.
   */
  takeHeld(): boolean {
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Refills to `now`, then takes one token; false (and nothing taken) when there is none. */
  take(now: number): boolean {
    this.#refill(now);
    return this.takeHeld();
  }

  /** Milliseconds from `now` until a token is there: 0 while one is. */
  waitMs(now: number): number {
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.perSecond) * 1000;
  }

  /** Spends a token on what goes now (a flush that could not wait longer), held or not; none is owed. */
  spend(now: number): void {
    this.#refill(now);
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  #refill(now: number): void {
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#refilledAt) / 1000) * this.perSecond);
    this.#refilledAt = now;
  }
}
