/**
 * One exercise under its step: goal, hint, the command to type when there is one, and what the
 * learner's live run has done so far. It follows the step's `<zmq-demo>` through the events the
 * widget dispatches (zmq-demo-reset, zmq-demo-events): each live run starts a fresh record, and
 * the exercise's check decides from that record alone. Replayed (recorded) events never count.
 *
 * Lifecycle: render() builds the DOM, bind()/unbind() follow the widget, update() shows the
 * state of the bridge and of the check, destroy() removes it.
 */
import type { RunEvent } from "../../../protocol/messages.js";
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

  readonly #onReset = (event: Event) => {
    this.#run = { params: { ...(event as CustomEvent<{ params: Record<string, number> }>).detail.params }, events: [] };
    this.#verdict = undefined;
    this.update();
  };
  readonly #onEvents = (event: Event) => {
    const { events, live } = (event as CustomEvent<{ events: RunEvent[]; live: boolean }>).detail;
    if (!live || !this.#run) return;
    this.#run.events.push(...events);
    this.#verdict = this.#exercise.check(this.#run);
    if (this.#verdict.done) this.#progress.markDone(this.#exercise.id);
    this.update();
  };

  constructor(exercise: Exercise, widget: HTMLElement, progress: ProgressStore) {
    this.#exercise = exercise;
    this.#widget = widget;
    this.#progress = progress;
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
    const hint = document.createElement("details");
    hint.className = "exercise-hint";
    const summary = document.createElement("summary");
    summary.textContent = "Hint";
    const hintText = document.createElement("p");
    hintText.textContent = this.#exercise.hint;
    hint.append(summary, hintText);
    this.#status = document.createElement("p");
    this.#status.className = "exercise-status";
    this.#status.setAttribute("role", "status");
    this.#offline = document.createElement("p");
    this.#offline.className = "exercise-offline";
    this.#offline.innerHTML = "This exercise is checked against real processes: it needs the live server. In the project folder, run <code>npm start</code> and open this page from the address it prints.";
    this.element.replaceChildren(heading, goal, hint);
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
    this.#status.textContent = done ? `✓ Done! ${this.#verdict?.done ? progress : "Completed earlier; run again to see it once more."}` : progress || "Not done yet.";
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
}
