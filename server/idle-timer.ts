/**
 * Notices a connection nobody uses: `onIdle` runs once `timeoutMs` has passed without a
 * `touch()`, so runs a forgotten tab left going are stopped. The next touch starts it again.
 */
export class IdleTimer {
  readonly #timeoutMs: number;
  readonly #onIdle: () => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number, onIdle: () => void) {
    this.#timeoutMs = timeoutMs;
    this.#onIdle = onIdle;
    this.touch();
  }

  /** Something happened on the connection: the wait starts over. */
  touch(): void {
    if (this.#timer) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#onIdle();
    }, this.#timeoutMs);
    // An idle timer alone must not keep the bridge alive.
    this.#timer.unref();
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
