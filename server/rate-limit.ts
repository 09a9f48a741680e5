/**
 * A token bucket: `capacity` actions at once, refilled at `perSecond`. A person clicking
 * never meets it; a script flooding the bridge does, and gets a `rate-limited` answer per
 * message instead of the bridge's time.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly perSecond: number;
  readonly #now: () => number;
  #tokens: number;
  #refilledAt: number;

  /** `now` is a millisecond clock; tests pass their own. */
  constructor(capacity: number, perSecond: number, now: () => number = () => performance.now()) {
    this.capacity = capacity;
    this.perSecond = perSecond;
    this.#now = now;
    this.#tokens = capacity;
    this.#refilledAt = now();
  }

  /** Takes one token; false (and nothing taken) when the bucket is empty. */
  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#refilledAt) / 1000) * this.perSecond);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
