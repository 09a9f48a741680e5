/**
 * Plays a recorded run (public/traces/<demo>.json) into a widget at the pace it was recorded,
 * through the same listener a live run uses, so live and replay share one renderer.
 */
import type { RunEvent } from "../../server/protocol.js";
import { type RecordedTrace, tracePath } from "../../server/trace-format.js";
import type { RunListener } from "./bridge-client.js";

/** Fetches a demo's recorded trace (the one for its slide's preset, if any); undefined when there is none. */
export async function loadTrace(demo: string, preset = ""): Promise<RecordedTrace | undefined> {
  try {
    const response = await fetch(new URL(tracePath(demo, preset), document.baseURI));
    if (!response.ok) return undefined;
    return (await response.json()) as RecordedTrace;
  } catch {
    return undefined;
  }
}

/** The events of the first `fraction` of a trace's time: a still frame of the run. */
export function eventsUntil(trace: RecordedTrace, fraction: number): RunEvent[] {
  const start = trace.events[0]?.t ?? 0;
  const until = start + trace.durationMs * fraction;
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
