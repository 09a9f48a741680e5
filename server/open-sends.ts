/**
 * One sender's sends that nobody has received yet, oldest first, for the round-robin loss
 * judgement (loss.ts): a head-indexed queue of the sends in the order they were made, where
 * what was received is only struck out by sequence number.
 */
import { HeadQueue } from "../lib/head-queue.js";
import type { MessageEvent } from "./matcher.js";

export class OpenSends {
  /** Sends in the order they were made (seq ascending); received ones stay until passed. */
  readonly #order = new HeadQueue<MessageEvent>();
  /** The sends still open, by seq. */
  readonly #open = new Map<number, MessageEvent>();
  readonly #isOpen = (send: MessageEvent) => this.#open.get(send.seq) === send;

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
    this.#order.skipClosed(this.#isOpen, this.#open.size);
  }

  /** The oldest send still open, if any. */
  oldest(): MessageEvent | undefined {
    this.#order.skipClosed(this.#isOpen, this.#open.size);
    return this.#order.first();
  }

  /** Takes the oldest send still open away and returns it. */
  takeOldest(): MessageEvent | undefined {
    const send = this.oldest();
    if (send) this.delete(send.seq);
    return send;
  }

  clear(): void {
    this.#open.clear();
    this.#order.clear();
  }
}
