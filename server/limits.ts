/**
 * How much one connection, and the whole bridge, may start. A talk runs one demo at a time;
 * these leave room for a presenter, a learner's second tab, and the tests, and no more.
 */
export const MAX_RUNS_PER_CONNECTION = 4;
export const MAX_RUNS_TOTAL = 16;

/** Counts live runs across every connection of one bridge. */
export class RunBudget {
  #live = 0;

  /** Takes one run from the budget; false when the bridge is at its cap. */
  take(): boolean {
    if (this.#live >= MAX_RUNS_TOTAL) return false;
    this.#live += 1;
    return true;
  }

  release(): void {
    this.#live = Math.max(0, this.#live - 1);
  }

  get live(): number {
    return this.#live;
  }
}
