/**
 * Where a demo widget stands, as an explicit table: from each state, what each event of its run
 * source leads to. An event a state does not list changes nothing (a Stop pressed twice, a
 * "stopped" for a run already over). Pure: the widget keeps the state, sources fire events.
 */

export type DemoState = "idle" | "starting" | "running" | "stopping" | "stopped" | "error" | "replaying" | "replayed";

/**
 * - `run`: Run pressed (or R); `started`: the bridge accepted the run, or a presenter's run
 *   began for a viewer; `stop`: Stop pressed; `stopped`: every process has gone; `failed`: the
 *   run could not start or broke; `replay`: a recorded run began playing; `replay-ended`: it
 *   played to its end, or Stop ended it.
 */
export type DemoEvent = "run" | "started" | "stop" | "stopped" | "failed" | "replay" | "replay-ended";

/** A state from which a new run or replay may begin. */
const AT_REST: Partial<Record<DemoEvent, DemoState>> = { run: "starting", started: "running", replay: "replaying", failed: "error" };

const TRANSITIONS: Record<DemoState, Partial<Record<DemoEvent, DemoState>>> = {
  idle: AT_REST,
  stopped: AT_REST,
  error: AT_REST,
  replayed: AT_REST,
  starting: { started: "running", stop: "stopping", stopped: "stopped", failed: "error", replay: "replaying" },
  running: { stop: "stopping", stopped: "stopped", failed: "error", started: "running" },
  // Stop pressed while the bridge was still accepting the run: the run is stopped once accepted.
  stopping: { stopped: "stopped", failed: "error" },
  replaying: { "replay-ended": "replayed", stop: "replayed", replay: "replaying" },
};

/** The state `event` leads to from `state`; undefined when the table has no such move. */
export function nextState(state: DemoState, event: DemoEvent): DemoState | undefined {
  return TRANSITIONS[state][event];
}

/** True while processes run (or a recording plays) for the widget: Run reads Stop. */
export function isActive(state: DemoState): boolean {
  return state === "starting" || state === "running" || state === "stopping" || state === "replaying";
}

/**
 * The state as the widget's `data-state` shows it, part of its interface for tests and styles:
 * idle|starting|running|stopped|error|replay. A run being stopped is still running until its
 * processes are gone; a recording is "replay" while it plays and once it has.
 */
export function shownState(state: DemoState): string {
  if (state === "stopping") return "running";
  if (state === "replaying" || state === "replayed") return "replay";
  return state;
}
