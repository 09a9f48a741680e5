/**
 * A queue in arrival order, taken from its head by moving an index rather than by shifting the
 * array along: at full speed thousands of reports wait and one is taken per message. Its owner
 * may also strike items out where they stand (a paired report, a received send) by saying which
 * are still open: closed ones are passed over at the head and, behind an open one, dropped now
 * and then, so the array stays proportional to what is open. (A Map or Set in insertion order
 * would do, but finding its first entry after many deletions walks every deleted slot still in
 * its table: at full speed that was the bridge's largest cost.)
 */
export class HeadQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** How many are queued from the head on, closed ones not yet passed included. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** The i-th from the head. */
  at(i: number): T {
    return this.#items[this.#head + i]!;
  }

  /** The one at the head, if any. */
  first(): T | undefined {
    return this.#items[this.#head];
  }

  push(item: T): void {
    this.#items.push(item);
  }

  indexOf(item: T): number {
    const index = this.#items.indexOf(item, this.#head);
    return index === -1 ? -1 : index - this.#head;
  }

  some(test: (item: T) => boolean): boolean {
    for (let i = this.#head; i < this.#items.length; i++) if (test(this.#items[i]!)) return true;
    return false;
  }

  /** Takes the i-th from the head out: at the head by moving the index, elsewhere by splicing. */
  removeAt(i: number): void {
    if (i > 0) {
      this.#items.splice(this.#head + i, 1);
      return;
    }
    this.#items[this.#head] = undefined;
    this.#head += 1;
    this.#dropTaken();
  }

  /**
   * Passes over the closed ones at the head, so first() is open; drops closed ones behind an
   * open one once they outnumber the `openCount` open ones by far (a receiver that never takes
   * its share leaves received sends behind an open one).
   */
  skipClosed(isOpen: (item: T) => boolean, openCount: number): void {
    const items = this.#items;
    while (this.#head < items.length && !isOpen(items[this.#head]!)) {
      items[this.#head] = undefined;
      this.#head += 1;
    }
    if (this.#dropTaken()) return;
    if (items.length - this.#head > 4 * Math.max(1024, openCount)) {
      this.#items = items.slice(this.#head).filter((item) => isOpen(item!));
      this.#head = 0;
    }
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }

  /** Drops the taken slots now and then; whether it did. */
  #dropTaken(): boolean {
    if (this.#head < 1024 || this.#head * 2 < this.#items.length) return false;
    this.#items = this.#items.slice(this.#head);
    this.#head = 0;
    return true;
  }
}
