/**
 * A recorded run: the event stream of a real run of a demo, saved by `npm run record`, with
 * where and when it was made. The browser replays it through the same renderer as a live run
 * when no bridge is reachable, and says "replay". Types only: browser code imports this.
 */
import type { RunEvent } from "./messages.js";

export const TRACE_FORMAT = 1;

export interface RecordedTrace {
  format: typeof TRACE_FORMAT;
  demo: string;
  /** The demo's manifest version when recorded; a newer manifest makes the trace stale. */
  manifestVersion: number;
  /** ISO date and time of the recording. */
  recordedAt: string;
  /** What it ran on. */
  node: string;
  libzmq: string;
  platform: string;
  params: Record<string, number>;
  /** The real pids of the recorded processes, by node. */
  pids: Record<string, number>;
  /** From the first event to the last, in ms. */
  durationMs: number;
  /** Every event the bridge sent for the run, in order, timestamps as recorded. */
  events: RunEvent[];
}

/**
 * Where the deck finds a demo's trace, relative to the page. A slide that presets the demo's
 * parameters (its widget's `params` attribute, "work=150 hwm=1") tells a different story, so
 * it has a trace of its own: `traces/pub-sub--work-150_hwm-1.json`.
 */
/** A preset's values by name: "work=150 hwm=1" → { work: 150, hwm: 1 }. */
export function presetValues(preset: string): Record<string, number> {
  return Object.fromEntries(
    preset
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => {
        const [name = "", value = ""] = pair.split("=", 2);
        return [name, Number(value)];
      }),
  );
}

export function tracePath(demo: string, preset = ""): string {
  const pairs = preset.trim().split(/\s+/).filter(Boolean);
  return `traces/${demo}${pairs.length > 0 ? `--${pairs.join("_").replace(/=/g, "-")}` : ""}.json`;
}
