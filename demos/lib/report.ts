import type { ChildReport } from "./report-types.js";

/**
 * Carries a demo process's reports to the bridge. Under the bridge (an IPC channel exists)
 * reports are batched and sent once per turn of the event loop, so a busy socket costs one
 * IPC message per turn rather than one per ZeroMQ message. Standalone, nothing is sent:
 * the program's own printing is its output.
 */

const pending: ChildReport[] = [];
let flushScheduled = false;

/** Whether a bridge is listening: true when this process was started with an IPC channel. */
export const underBridge = typeof process.send === "function";

/** The system's monotonic clock in ms, shared by every process on the machine. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Queues one report for the bridge. */
export function report(entry: ChildReport): void {
  if (!underBridge) return;
  pending.push(entry);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

function flush(): void {
  flushScheduled = false;
  if (pending.length === 0 || !process.connected) return;
  const reports = pending.splice(0, pending.length);
  process.send!({ reports });
}

/** Sends whatever is queued and resolves once the IPC channel has taken it. */
export function flushNow(): Promise<void> {
  flushScheduled = false;
  if (pending.length === 0 || !process.connected) return Promise.resolve();
  const reports = pending.splice(0, pending.length);
  return new Promise((resolve) => {
    process.send!({ reports }, undefined, {}, () => resolve());
  });
}
