/**
 * Keeps a demo process's heap near what it really holds. A process that sends steadily (Push/Pull's
 * ventilator at 1,000 tasks a second) promotes a few dozen bytes a message of short-lived objects
 * into V8's old generation, and V8 runs a full collection only when that reaches a limit far above
 * a demo's few live MB: its RSS climbed ~0.4 MB every 10 s for minutes under the bridge, with no
 * full collection in 200 s, and never came back down. So, under the bridge (started with
 * --expose-gc, see server/warm-pool.ts), the old generation is looked at every few seconds and
 * collected once it has grown by GROWTH_BYTES since the last look that collected: a few ms of
 * work at most every CHECK_MS, usually every half minute or less.
 */
import v8 from "node:v8";

const CHECK_MS = 5000;
const GROWTH_BYTES = 1024 * 1024;

function oldSpaceUsed(): number {
  return v8.getHeapSpaceStatistics().find((space) => space.space_name === "old_space")?.space_used_size ?? 0;
}

/** Starts the watch when this process may collect its heap itself; a no-op otherwise. */
export function keepHeapSmall(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (typeof collect !== "function") return;
  let baseline = oldSpaceUsed();
  setInterval(() => {
    if (oldSpaceUsed() < baseline + GROWTH_BYTES) return;
    collect();
    baseline = oldSpaceUsed();
  }, CHECK_MS).unref();
}
