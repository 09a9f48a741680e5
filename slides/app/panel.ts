/**
 * One part of a demo widget — the diagram, the inspector, the output, the action bar, the
 * speed controls, the spoken summary, the dock's live view — with one small lifecycle, as
 * reveal.js's controllers have: render() builds its DOM, update() follows the run, reset()
 * starts afresh for a new run, destroy() lets go of every timer, observer and listener.
 */
import type { DeliverEvent, LostEvent, RunEvent } from "../../protocol/messages.js";
import type { DemoState } from "./demo-state.js";
import type { RunModel } from "./run-model.js";

/** What every panel is shown at each render of its widget. */
export interface RunFrame {
  model: RunModel;
  /** Messages delivered or lost since the last render, the latest few: to draw travelling. */
  arrived: (DeliverEvent | LostEvent)[];
  /** Every event since the last render, in order: the output's lines are among them. */
  events: RunEvent[];
  state: DemoState;
  /** Whether this page may act on the run's nodes now (the presenter's live run). */
  canAct: boolean;
}

export interface Panel {
  readonly element: Element;
  /** Builds its DOM. */
  render(): void;
  /** Follows the run. */
  update(frame: RunFrame): void;
  /** A new run begins, or the run is taken up as it stands: shows `model` afresh. */
  reset(model: RunModel): void;
  /** Stops its timers, observers and listeners. */
  destroy(): void;
}
