/**
 * Logs what the bridge refused or failed to serve, one line per request, without letting a
 * flood of bad requests flood the terminal the presenter reads: a burst of lines, then a few a
 * second, and a count of those left out when lines come again.
 */
import { TokenBucket } from "../lib/token-bucket.js";

const BURST = 20;
const PER_SECOND = 2;

export class LogThrottle {
  readonly #write: (line: string) => void;
  readonly #bucket: TokenBucket;
  readonly #now: () => number;
  #skipped = 0;

  constructor(write: (line: string) => void, now: () => number = () => performance.now()) {
    this.#write = write;
    this.#now = now;
    this.#bucket = new TokenBucket(BURST, PER_SECOND, now());
  }

  log(line: string): void {
    if (!this.#bucket.take(this.#now())) {
      this.#skipped += 1;
      return;
    }
    if (this.#skipped > 0) this.#write(`(${this.#skipped} more like these not shown)`);
    this.#skipped = 0;
    this.#write(line);
  }
}
