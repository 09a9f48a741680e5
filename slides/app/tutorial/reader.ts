/**
 * The tutorial's reading layout: the talk's slides as steps of a document, one at a time, each
 * at its own address (`tutorial.html#req-rep`), the speaker notes shown as narration, the
 * exercises under the step they belong to, previous/next, a progress indicator and the way back
 * to the deck at the same slide.
 *
 * Keys: ← and → move between steps; R runs or stops the step's demo, as in the deck.
 *
 * Lifecycle: render() builds the page, bind()/unbind() attach the keys and the address,
 * update() shows the current step, destroy() lets it go.
 */
import { type EditHost, addEditButtons, editableRole, editorFor } from "../code-edit/edit-buttons.js";
import type { ZmqDemo } from "../demo-widget.js";
import { shareToken } from "../page-mode.js";
import { ExercisePanel } from "./exercise-panel.js";
import { exercises } from "./exercises.js";
import type { ProgressStore } from "./progress.js";

export class TutorialReader {
  readonly #root: HTMLElement;
  readonly #progress: ProgressStore;
  readonly #slidesHtml: string;
  #steps: HTMLElement[] = [];
  #panels: ExercisePanel[] = [];
  #current = -1;
  #bridgeLive = false;
  #main!: HTMLElement;
  #counter!: HTMLElement;
  #bar!: HTMLProgressElement;
  #done!: HTMLElement;
  #menu!: HTMLSelectElement;
  #previous!: HTMLAnchorElement;
  #next!: HTMLAnchorElement;
  #deckLink!: HTMLAnchorElement;
  #stopWatching: (() => void) | undefined;

  readonly #onHash = () => this.update();
  readonly #onKey = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest("input, select, textarea, button, summary, [contenteditable]")) return;
    if (event.key === "ArrowRight") this.#go(this.#current + 1);
    else if (event.key === "ArrowLeft") this.#go(this.#current - 1);
    // R runs or stops the step's demo, as in the deck.
    else if (event.key === "r" || event.key === "R")
      for (const widget of this.#steps[this.#current]?.querySelectorAll<ZmqDemo>("zmq-demo") ?? []) widget.toggle();
    else return;
    event.preventDefault();
  };

  /** Where a step's editor runs the learner's code: the step's own widget of that demo, or one made beside the editor. */
  readonly #editHost: EditHost;

  constructor(root: HTMLElement, slidesHtml: string, progress: ProgressStore, storage: Storage | undefined) {
    this.#root = root;
    this.#slidesHtml = slidesHtml;
    this.#progress = progress;
    this.#editHost = {
      storage,
      widgetFor: (block, demo) => {
        const step = block.closest("section");
        const present = step?.querySelector<ZmqDemo>(`zmq-demo[demo="${demo}"]`);
        if (present) return present;
        // The step's live diagram, beside the editor; with the parameters its code exercise picks.
        const widget = document.createElement("zmq-demo") as ZmqDemo;
        widget.setAttribute("demo", demo);
        const picked = exercises.find((exercise) => exercise.step === step?.id && exercise.demo === demo && exercise.params)?.params;
        if (picked)
          widget.setAttribute(
            "params",
            Object.entries(picked)
              .map(([name, value]) => `${name}=${value}`)
              .join(" "),
          );
        const pair = document.createElement("div");
        pair.className = "edit-with-demo";
        block.before(pair);
        pair.append(block, widget);
        return widget;
      },
    };
  }

  /** Builds the header, the steps (slides with narration and exercises) and the navigation. */
  render(): void {
    const header = document.createElement("header");
    header.className = "tutorial-header";
    const title = document.createElement("p");
    title.className = "tutorial-title";
    title.textContent = "ZeroMQ from scratch — tutorial";
    this.#deckLink = document.createElement("a");
    this.#deckLink.className = "tutorial-deck-link";
    this.#deckLink.textContent = "Back to the deck";
    this.#menu = document.createElement("select");
    this.#menu.setAttribute("aria-label", "Go to step");
    this.#menu.addEventListener("change", () => (location.hash = this.#menu.value));
    this.#counter = document.createElement("span");
    this.#counter.className = "tutorial-counter";
    this.#bar = document.createElement("progress");
    this.#bar.className = "tutorial-progress";
    this.#bar.setAttribute("aria-label", "Steps read");
    this.#done = document.createElement("span");
    this.#done.className = "tutorial-done";
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "tutorial-reset";
    reset.textContent = "Reset progress";
    reset.addEventListener("click", () => this.#progress.reset());
    const status = document.createElement("div");
    status.className = "tutorial-status";
    status.append(this.#counter, this.#bar, this.#done, reset);
    header.append(title, this.#deckLink, this.#menu, status);

    this.#main = document.createElement("main");
    this.#main.className = "tutorial-steps";
    const template = document.createElement("template");
    template.innerHTML = this.#slidesHtml;
    // Every slide is a step, in the talk's order: a stack's backup slides follow the slide above them.
    this.#steps = [...template.content.querySelectorAll<HTMLElement>("section[id]")];
    for (const step of this.#steps) this.#asStep(step);
    this.#main.append(...this.#steps);

    const nav = document.createElement("nav");
    nav.className = "tutorial-nav";
    nav.setAttribute("aria-label", "Steps");
    this.#previous = document.createElement("a");
    this.#previous.className = "tutorial-previous";
    this.#previous.rel = "prev";
    this.#next = document.createElement("a");
    this.#next.className = "tutorial-next";
    this.#next.rel = "next";
    nav.append(this.#previous, this.#next);
    this.#root.replaceChildren(header, this.#main, nav);

    for (const step of this.#steps) {
      const title = step.dataset.title ?? step.id;
      this.#menu.append(new Option(title, step.id));
    }
    this.#bar.max = this.#steps.length;
    this.#updateDone();
  }

  /** Attaches the address, the arrow keys and the progress store. */
  bind(): void {
    window.addEventListener("hashchange", this.#onHash);
    document.addEventListener("keydown", this.#onKey);
    this.#stopWatching = this.#progress.onChange(() => {
      for (const panel of this.#panels) panel.update();
      this.#updateDone();
    });
    for (const panel of this.#panels) panel.bind();
  }

  unbind(): void {
    window.removeEventListener("hashchange", this.#onHash);
    document.removeEventListener("keydown", this.#onKey);
    this.#stopWatching?.();
    for (const panel of this.#panels) panel.unbind();
  }

  /** Whether a bridge answers; exercises say what to start without one. */
  setBridgeLive(live: boolean): void {
    this.#bridgeLive = live;
    for (const panel of this.#panels) panel.setBridgeLive(live);
  }

  /** Shows the step the address names (or the one last read, or the first). */
  update(): void {
    const wanted = decodeURIComponent(location.hash.slice(1));
    let index = this.#steps.findIndex((step) => step.id === wanted);
    if (index < 0) {
      index = Math.max(
        0,
        this.#steps.findIndex((step) => step.id === this.#progress.lastStep),
      );
      history.replaceState(null, "", `#${this.#steps[index]!.id}`);
    }
    if (index === this.#current) return;
    const leaving = this.#steps[this.#current];
    // A run belongs to the step it was started on: leaving the step ends it, as in the deck.
    for (const widget of leaving?.querySelectorAll<ZmqDemo>("zmq-demo") ?? []) widget.stop();
    this.#current = index;
    const step = this.#steps[index]!;
    for (const [other, element] of this.#steps.entries()) element.hidden = other !== index;
    this.#progress.setLastStep(step.id);
    this.#menu.value = step.id;
    this.#counter.textContent = `Step ${index + 1} of ${this.#steps.length}`;
    this.#bar.value = index + 1;
    this.#deckLink.href = `./#/${step.id}`;
    this.#link(this.#previous, this.#steps[index - 1], "← Previous: ");
    this.#link(this.#next, this.#steps[index + 1], "Next: ");
    document.title = `${step.dataset.title ?? step.id} — ZeroMQ tutorial`;
    window.scrollTo(0, 0);
    step.querySelector<HTMLElement>("h1, h2")?.focus({ preventScroll: true });
  }

  destroy(): void {
    this.unbind();
    for (const panel of this.#panels) panel.destroy();
    this.#root.replaceChildren();
  }

  /** A slide made a step: notes become narration, fragments all shown, exercises added. */
  #asStep(step: HTMLElement): void {
    step.classList.add("tutorial-step");
    step.hidden = true;
    for (const fragment of step.querySelectorAll(".fragment")) fragment.classList.remove("fragment");
    const heading = step.querySelector<HTMLElement>("h1, h2");
    if (heading) heading.tabIndex = -1;
    const notes = step.querySelector("aside.notes");
    if (notes) {
      const narration = document.createElement("div");
      narration.className = "narration";
      narration.append(...notes.childNodes);
      notes.replaceWith(narration);
    }
    // A viewer of a shared deck sends no code, so it gets no editor.
    if (shareToken() === undefined) addEditButtons(step, this.#editHost);
    const widget = step.querySelector<HTMLElement>("zmq-demo");
    for (const exercise of exercises.filter((candidate) => candidate.step === step.id)) {
      // A code exercise follows whichever widget of its demo the step's editor runs.
      const target = exercise.role ? step : widget?.getAttribute("demo") === exercise.demo ? widget : undefined;
      if (!target) continue;
      const block = exercise.role ? this.#listingOf(step, exercise.demo, exercise.role) : undefined;
      const startFrom = block ? (source: string) => void this.#startFrom(block, source) : undefined;
      const panel = new ExercisePanel(exercise, target, this.#progress, startFrom);
      panel.render();
      panel.setBridgeLive(this.#bridgeLive);
      step.append(panel.element);
      this.#panels.push(panel);
    }
  }

  /** The step's listing of `demo`'s `role`, the one its Edit opens. */
  #listingOf(step: HTMLElement, demo: string, role: string): HTMLElement | undefined {
    return [...step.querySelectorAll<HTMLElement>(".code-block[data-source]")].find((block) => {
      const editable = editableRole(block);
      return editable?.demo === demo && editable.role === role;
    });
  }

  /** Opens the listing's editor and puts an exercise's starting point in it (their edit kept only if they agree). */
  async #startFrom(block: HTMLElement, source: string): Promise<void> {
    const editor = await editorFor(block, this.#editHost);
    if (!editor) return;
    if (editor.edited && editor.source !== source && !confirm("Replace your code with the exercise's skeleton? (Undo brings it back.)"))
      return;
    editor.setSource(source);
    editor.focus();
  }

  #link(anchor: HTMLAnchorElement, step: HTMLElement | undefined, words: string): void {
    anchor.hidden = !step;
    if (!step) return;
    anchor.href = `#${step.id}`;
    anchor.textContent = `${words}${step.dataset.title ?? step.id}${words.startsWith("Next") ? " →" : ""}`;
  }

  #go(index: number): void {
    const step = this.#steps[index];
    if (step) location.hash = step.id;
  }

  #updateDone(): void {
    this.#done.textContent = `${exercises.filter((exercise) => this.#progress.isDone(exercise.id)).length} of ${exercises.length} exercises done`;
    this.#done.dataset.count = String(exercises.filter((exercise) => this.#progress.isDone(exercise.id)).length);
  }
}
