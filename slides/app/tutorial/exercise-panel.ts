/**
 * One exercise under its step: goal, hints one at a time, the command to type when there is
 * one, and what the learner's live run has done so far. It follows the step's `<zmq-demo>` of
 * its demo through the events the widget dispatches (zmq-demo-reset, zmq-demo-events, which
 * bubble: a code exercise listens on its step, whose widget comes with the editor): each live run
 * starts a fresh record, and the exercise's check decides from that record alone. Replayed
 * (recorded) events never count. An exercise that drives the run (a restart mid-run) asks the
 * widget for that action, once.
 *
 * Lifecycle: render() builds the DOM, bind()/unbind() follow the widget, update() shows the
 * state of the bridge and of the check, destroy() removes it.
 */
import type { RunEvent } from "../../../protocol/messages.js";
import type { ZmqDemo } from "../demo-widget.js";
import type { Exercise, RunRecord, Verdict } from "./exercises.js";
import type { ProgressStore } from "./progress.js";

export class ExercisePanel {
  readonly element: HTMLElement;
  readonly #exercise: Exercise;
  readonly #widget: HTMLElement;
  readonly #progress: ProgressStore;
  #run: RunRecord | undefined;
  #verdict: Verdict | undefined;
  #bridgeLive = false;
  #status!: HTMLElement;
  #offline!: HTMLElement;
  #command: HTMLElement | undefined;
  #hints!: HTMLOListElement;
  #moreHints!: HTMLButtonElement;
  /** The actions this run's exercise has asked for already. */
  #asked = new Set<string>();
  /** For a code exercise: puts a starting point into the step's editor (opening it). */
  readonly #startFrom: ((source: string) => void) | undefined;

  readonly #ofDemo = (event: Event) => (event.target as Element).getAttribute("demo") === this.#exercise.demo;
  readonly #onReset = (event: Event) => {
    if (!this.#ofDemo(event)) return;
    this.#run = { params: { ...(event as CustomEvent<{ params: Record<string, number> }>).detail.params }, events: [] };
    this.#verdict = undefined;
    this.#asked.clear();
    this.update();
  };
  readonly #onEvents = (event: Event) => {
    const { events, live } = (event as CustomEvent<{ events: RunEvent[]; live: boolean }>).detail;
    if (!live || !this.#run || !this.#ofDemo(event)) return;
    this.#run.events.push(...events);
    this.#verdict = this.#exercise.check(this.#run);
    if (this.#verdict.done) this.#progress.markDone(this.#exercise.id);
    this.#drive(event.target as ZmqDemo);
    this.update();
  };

  /** `widget` is the step's widget, or for a code exercise the step (its widget comes with the editor). */
  constructor(exercise: Exercise, widget: HTMLElement, progress: ProgressStore, startFrom?: (source: string) => void) {
    this.#exercise = exercise;
    this.#widget = widget;
    this.#progress = progress;
    this.#startFrom = startFrom;
    this.element = document.createElement("section");
    this.element.className = "exercise";
    this.element.dataset.exercise = exercise.id;
  }

  /** Builds the exercise's card. */
  render(): void {
    const heading = document.createElement("h3");
    heading.id = `exercise-${this.#exercise.id}`;
    heading.textContent = `Exercise: ${this.#exercise.title}`;
    this.element.setAttribute("aria-labelledby", heading.id);
    const goal = document.createElement("p");
    goal.className = "exercise-goal";
    goal.textContent = this.#exercise.goal;
    // Hints one at a time: each a little more of the way, so the learner takes only what they need.
    this.#hints = document.createElement("ol");
    this.#hints.className = "exercise-hints";
    this.#hints.setAttribute("aria-live", "polite");
    this.#moreHints = document.createElement("button");
    this.#moreHints.type = "button";
    this.#moreHints.className = "exercise-hint-button";
    this.#moreHints.addEventListener("click", () => this.#showHint());
    this.#labelHintButton();
    const hint = document.createElement("div");
    hint.className = "exercise-hint";
    hint.append(this.#hints, this.#moreHints);
    this.#status = document.createElement("p");
    this.#status.className = "exercise-status";
    this.#status.setAttribute("role", "status");
    this.#offline = document.createElement("p");
    this.#offline.className = "exercise-offline";
    this.#offline.innerHTML =
      "This exercise is checked against real processes: it needs the live server. In the project folder, run <code>npm start</code> and open this page from the address it prints.";
    this.element.replaceChildren(heading, goal, hint);
    const starter = this.#exercise.starter;
    if (starter && this.#startFrom) {
      const start = document.createElement("button");
      start.type = "button";
      start.className = "exercise-start";
      start.textContent = "Start from a skeleton";
      start.title = "Put a version with the part to write left out into the editor";
      start.addEventListener("click", () => this.#startFrom?.(starter));
      this.element.append(start);
    }
    if (this.#exercise.command) {
      this.#command = document.createElement("pre");
      this.#command.className = "exercise-command";
      this.element.append(this.#command);
    }
    this.element.append(this.#offline, this.#status);
    this.update();
  }

  /** Follows the step's widget. */
  bind(): void {
    this.#widget.addEventListener("zmq-demo-reset", this.#onReset);
    this.#widget.addEventListener("zmq-demo-events", this.#onEvents);
  }

  unbind(): void {
    this.#widget.removeEventListener("zmq-demo-reset", this.#onReset);
    this.#widget.removeEventListener("zmq-demo-events", this.#onEvents);
  }

  /** Whether a bridge answers: without one, the exercise says what to start. */
  setBridgeLive(live: boolean): void {
    this.#bridgeLive = live;
    this.update();
  }

  /** Shows done or not, the current run's progress, the command with this run's endpoint. */
  update(): void {
    if (!this.#status) return;
    const done = this.#progress.isDone(this.#exercise.id);
    this.element.dataset.done = String(done);
    this.#offline.hidden = this.#bridgeLive;
    const progress = this.#verdict ? `This run: ${this.#verdict.progress}.` : "";
    this.#status.textContent = done
      ? `✓ Done! ${this.#verdict?.done ? progress : "Completed earlier; run again to see it once more."}`
      : progress || "Not done yet.";
    if (this.#command) {
      const bound = this.#run?.events.find((event) => event.kind === "bound" && event.endpoint.startsWith("tcp://"));
      const endpoint = bound?.kind === "bound" ? bound.endpoint : "tcp://127.0.0.1:PORT";
      this.#command.textContent = this.#exercise.command!.replace("{endpoint}", endpoint);
    }
  }

  destroy(): void {
    this.unbind();
    this.element.remove();
  }

  #showHint(): void {
    const shown = this.#hints.children.length;
    const next = this.#exercise.hints[shown];
    if (next === undefined) return;
    const item = document.createElement("li");
    item.textContent = next;
    this.#hints.append(item);
    this.#labelHintButton();
  }

  #labelHintButton(): void {
    const shown = this.#hints.children.length;
    const total = this.#exercise.hints.length;
    this.#moreHints.hidden = shown >= total;
    this.#moreHints.textContent = shown === 0 ? (total > 1 ? `Hint (1 of ${total})` : "Hint") : `Another hint (${shown + 1} of ${total})`;
  }

  /** Asks the widget, once a run, for the action the exercise wants now (a restart mid-run). */
  #drive(widget: ZmqDemo): void {
    const choice = this.#run && this.#exercise.drive?.(this.#run);
    if (!choice) return;
    const key = JSON.stringify(choice);
    if (this.#asked.has(key)) return;
    this.#asked.add(key);
    void widget.act(choice);
  }
}
