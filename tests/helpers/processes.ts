/** Looking at processes from outside, as a person with `ps` would. */
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/** Whether a process with this pid exists (zombies count: they have not been reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The children of a process: pid and command line, as `ps` shows them. */
function listChildren(pid: number): { pid: number; args: string }[] {
  try {
    return execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(pid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ pid: Number(match[1]), args: match[2]! }));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** The pids of every child of a process, warm hosts included. */
export function childrenOf(pid: number): number[] {
  return listChildren(pid).map((child) => child.pid);
}

/**
 * The bridge's demo processes: its children, less the warm hosts still waiting for a role
 * (they run demos/lib/host.js until they are handed one and take its name).
 */
export function demoProcessesOf(bridgePid: number): number[] {
  return listChildren(bridgePid)
    .filter((child) => !child.args.includes("demos/lib/host.js") && !child.args.includes("<defunct>"))
    .map((child) => child.pid);
}

/** Waits until none of `pids` is alive; returns those still alive after `timeoutMs`. */
export async function waitForExit(pids: number[], timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(isAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}
