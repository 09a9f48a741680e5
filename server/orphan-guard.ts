/**
 * The bridge's side of orphan-reaper.ts: starts the reaper, and tells it each demo process
 * group as it starts and ends. Without a reaper started (a test that runs the bridge in its
 * own process), the calls do nothing.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";

const REAPER_SCRIPT = fileURLToPath(new URL("./orphan-reaper.js", import.meta.url));

let reaper: ChildProcess | undefined;

/** Starts the reaper, once. It needs nothing more from the bridge than to be told the groups. */
export function startOrphanReaper(): void {
  if (reaper) return;
  reaper = spawn(process.execPath, [REAPER_SCRIPT], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
  reaper.on("error", () => (reaper = undefined));
  reaper.stdin!.on("error", () => {});
  // Neither the reaper nor the pipe to it keeps the bridge from exiting.
  reaper.unref();
  (reaper.stdin as Socket).unref();
}

/** The reaper is to end this process group should the bridge go first. */
export function guardGroup(pgid: number): void {
  reaper?.stdin?.write(`+${pgid}\n`);
}

/** The group has ended: its number may be another's soon. */
export function releaseGroup(pgid: number): void {
  reaper?.stdin?.write(`-${pgid}\n`);
}
