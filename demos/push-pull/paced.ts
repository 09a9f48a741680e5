import { setTimeout as sleep } from "node:timers/promises";

/**
 * Yields 1, 2, 3… `rate` times a second, up to `count` (0: no end): the pace of the ventilator,
 * kept out of the code on its slide. Each number has its due time, so the rate holds however
 * long the caller took between two (timers are coarse, and a send waits while no worker is
 * connected); after such a stall it catches up for at most 0.1 s, not in one burst.
 */
export async function* paced(rate: number, count: number): AsyncGenerator<number> {
  let due = performance.now();
  for (let number = 1; count === 0 || number <= count; number++) {
    yield number;
    due = Math.max(due + 1000 / rate, performance.now() - 100);
    if (due > performance.now()) await sleep(due - performance.now());
  }
}
