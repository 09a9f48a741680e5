/**
 * The learner's progress, kept in the browser (localStorage): the exercises completed and the
 * step last read. Nothing leaves the page. Storage may be missing or full (private windows):
 * progress then lasts as long as the page.
 */
export const PROGRESS_KEY = "zmq-tutorial-progress";

interface SavedProgress {
  done: string[];
  lastStep?: string;
}

export class ProgressStore {
  readonly #storage: Storage | undefined;
  #done = new Set<string>();
  #lastStep: string | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(storage: Storage | undefined) {
    this.#storage = storage;
    try {
      const saved = JSON.parse(storage?.getItem(PROGRESS_KEY) ?? "{}") as Partial<SavedProgress>;
      if (Array.isArray(saved.done)) this.#done = new Set(saved.done.filter((id) => typeof id === "string"));
      if (typeof saved.lastStep === "string") this.#lastStep = saved.lastStep;
    } catch {
      // A damaged record is the same as none.
    }
  }

  get lastStep(): string | undefined {
    return this.#lastStep;
  }

  isDone(exerciseId: string): boolean {
    return this.#done.has(exerciseId);
  }

  get doneCount(): number {
    return this.#done.size;
  }

  /** Records a completed exercise; completion is never taken back except by reset(). */
  markDone(exerciseId: string): void {
    if (this.#done.has(exerciseId)) return;
    this.#done.add(exerciseId);
    this.#save();
  }

  setLastStep(stepId: string): void {
    if (this.#lastStep === stepId) return;
    this.#lastStep = stepId;
    this.#save();
  }

  /** Forgets everything: no exercise done, no step read. */
  reset(): void {
    this.#done.clear();
    this.#lastStep = undefined;
    this.#save();
  }

  /** Calls `listener` after each change; returns the way to stop. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #save(): void {
    try {
      this.#storage?.setItem(
        PROGRESS_KEY,
        JSON.stringify({ done: [...this.#done], ...(this.#lastStep ? { lastStep: this.#lastStep } : {}) } satisfies SavedProgress),
      );
    } catch {
      // Full or refused storage: keep going with what the page holds.
    }
    for (const listener of this.#listeners) listener();
  }
}
