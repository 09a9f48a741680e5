/**
 * Recorded runs (public/traces/<demo>.json): fetched once and kept by the page, so that a
 * bridge that crashes mid-talk — taking with it the server that would serve them — still
 * leaves every demo on the page a recording to play; and played into a widget at the pace they
 * were recorded, through the same listener a live run uses, so live and replay share one
 * renderer.
 */
import type { RunEvent } from "../../protocol/messages.js";
import { type RecordedTrace, tracePath } from "../../protocol/trace-format.js";
import type { RunListener } from "./bridge-client.js";

/** Every trace asked for so far, by path: the answer is kept, so each is fetched at most once. */
const traces = new Map<string, Promise<RecordedTrace | undefined>>();

/** A demo's recorded trace (the one for its slide's preset, if any); undefined when there is none. */
export function loadTrace(demo: string, preset = ""): Promise<RecordedTrace | undefined> {
  const path = tracePath(demo, preset);
  let trace = traces.get(path);
  if (!trace) {
    trace = fetchTrace(path);
    traces.set(path, trace);
  }
  return trace;
}

async function fetchTrace(path: string): Promise<RecordedTrace | undefined> {
  try {
    const response = await fetch(new URL(path, document.baseURI));
    if (response.ok) return (await response.json()) as RecordedTrace;
  } catch {
    // Unreachable now: a later call may try again.
  }
  traces.delete(path);
  return undefined;
}

/**
 * The events up to the moment `fraction` of the way through a trace's deliveries: a still frame
 * of the run while messages travel. By deliveries, not by time: a run recorded on a busy machine
 * may spend half its time starting, and a frame from then shows nothing happening.
 */
export function eventsUntil(trace: RecordedTrace, fraction: number): RunEvent[] {
  const start = trace.events[0]?.t ?? 0;
  const deliveries = trace.events
    .filter((event) => event.kind === "deliver")
    .map((event) => event.t)
    .sort((a, b) => a - b);
  const until =
    deliveries.length > 0
      ? deliveries[Math.min(deliveries.length - 1, Math.floor(deliveries.length * fraction))]!
      : start + trace.durationMs * fraction;
  return trace.events.filter((event) => event.t <= until);
}

export class TracePlayer {
  readonly #trace: RecordedTrace;
  readonly #listener: RunListener;
  #next = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #startedAt = 0;

  constructor(trace: RecordedTrace, listener: RunListener) {
    this.#trace = trace;
    this.#listener = listener;
  }

  /** Starts playing from the beginning. */
  start(): void {
    this.#startedAt = performance.now();
    this.#next = 0;
    this.#tick();
  }

  /** Stops playing; the listener hears onStopped("requested"). */
  stop(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#listener.onStopped("requested");
  }

  /** Emits every event now due as one batch, then waits for the next one. */
  #tick(): void {
    const { events } = this.#trace;
    const origin = events[0]?.t ?? 0;
    const elapsed = performance.now() - this.#startedAt;
    const batch: RunEvent[] = [];
    while (this.#next < events.length && events[this.#next]!.t - origin <= elapsed) batch.push(events[this.#next++]!);
    if (batch.length > 0) this.#listener.onEvents(batch);
    if (this.#next >= events.length) {
      this.#timer = undefined;
      this.#listener.onStopped("finished");
      return;
    }
    const wait = Math.max(0, events[this.#next]!.t - origin - elapsed);
    // At most ~60 batches a second, as the bridge sends them live.
    this.#timer = setTimeout(() => this.#tick(), Math.max(16, wait));
  }
}
