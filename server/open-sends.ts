/**
 * One sender's sends that nobody has received yet, oldest first, for the round-robin loss
 * judgement (loss.ts). A Map would do, but taking its oldest entry after many deletions walks
 * over every deleted slot still in its table: at full speed (tens of thousands of sends a
 * second, each deleted as it is received) that was the bridge's largest cost. Here the order
 * is an array with a head index, and what was received is only struck out by sequence number.
 */
import type { MessageEvent } from "./matcher.js";

export class OpenSends {
  /** Sends in the order they were made (seq ascending); received ones stay until passed. */
  #order: MessageEvent[] = [];
  #head = 0;
  /** The sends still open, by seq. */
  readonly #open = new Map<number, MessageEvent>();

  get size(): number {
    return this.#open.size;
  }

  add(send: MessageEvent): void {
    this.#open.set(send.seq, send);
    this.#order.push(send);
  }

  /** Strikes out a send that was received (or forgotten). */
  delete(seq: number): void {
    this.#open.delete(seq);
    // Everything struck out at the head can go at once: keeps the array short when all goes well.
    this.#skipClosed();
    if (this.#head >= 1024 && this.#head * 2 >= this.#order.length) this.#compact();
  }

  /** The oldest send still open, if any. */
  oldest(): MessageEvent | undefined {
    this.#skipClosed();
    return this.#order[this.#head];
  }

  /** Takes the oldest send still open away and returns it. */
  takeOldest(): MessageEvent | undefined {
    const send = this.oldest();
    if (send) this.delete(send.seq);
    return send;
  }

  clear(): void {
    this.#open.clear();
    this.#order = [];
    this.#head = 0;
  }

  #skipClosed(): void {
    const order = this.#order;
    while (this.#head < order.length && this.#open.get(order[this.#head]!.seq) !== order[this.#head]) this.#head += 1;
    // A receiver that never takes its share leaves received sends behind an open one: drop them now and then.
    if (order.length - this.#head > 4 * Math.max(1024, this.#open.size)) this.#compact();
  }

  #compact(): void {
    this.#order = this.#order.slice(this.#head).filter((send) => this.#open.get(send.seq) === send);
    this.#head = 0;
  }
}
