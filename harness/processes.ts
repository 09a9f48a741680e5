/** Looking at processes from outside, as a person with `ps` would. */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "../server/http.js";

/** Whether a process with this pid exists (zombies count: they have not been reaped). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A thread's state letter from its /proc stat file ("R", "S", "Z", …); undefined when it has gone. */
function threadState(statPath: string): string | undefined {
  try {
    const stat = readFileSync(statPath, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2);
  } catch {
    return undefined;
  }
}

/**
 * Whether a process with this pid is still running: some thread of it is not a zombie. An
 * orphan that has exited stays a zombie until init reaps it, which in some containers takes a
 * second or two; it holds no sockets and runs no code by then. Every thread counts: the main
 * thread shows as a zombie while libzmq's threads are still closing its sockets.
 */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return threads.some((thread) => {
    const state = threadState(`/proc/${pid}/task/${thread}/stat`);
    return state !== undefined && state !== "Z" && state !== "X";
  });
}

/** Waits until none of `pids` is running (zombies are done); returns those still running after `timeoutMs`. */
export async function waitUntilNotRunning(pids: number[], timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = pids.filter(isRunning);
    if (running.length === 0 || Date.now() > deadline) return running;
    await sleep(20);
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
  return (
    listChildren(bridgePid)
      // A child runs a demo once its command line names one: right after fork, before exec, it
      // still shows the bridge's own command line, and a warm host shows demos/lib/host.js.
      .filter(
        (child) => child.args.includes("/build/demos/") && !child.args.includes("demos/lib/host.js") && !child.args.includes("<defunct>"),
      )
      .map((child) => child.pid)
  );
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

/**
 * Whether `pid` is still the demo process it was. The bridge refills its warm pool as runs
 * end, and pids wrap around, so a fresh warm host (waiting in demos/lib/host.js), or any other
 * program, may already carry the pid of a demo process that has gone.
 */
function stillTheDemo(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const command = commandLine(pid);
  // Another program (another checkout's tests, say) may have the pid by now: only our demos count.
  return command.includes(`${REPO_ROOT}build/demos/`) && !command.includes("demos/lib/host.js");
}

/**
 * Waits until none of `pids` is alive; returns those still alive after `timeoutMs`. Pass
 * `{ warmHostsToo: true }` when the pids are warm hosts themselves (the bridge's every child).
 */
export async function waitForExit(pids: number[], timeoutMs = 5000, { warmHostsToo = false } = {}): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = pids.filter(warmHostsToo ? isAlive : stillTheDemo);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(50);
  }
}

/** Which of `ports` something on this machine listens on (TCP, IPv4 and IPv6), from /proc/net. */
export function listeningPorts(ports: number[]): number[] {
  const wanted = new Set(ports);
  const listening = new Set<number>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || !local) continue; // 0A: LISTEN
      const port = parseInt(local.split(":").at(-1)!, 16);
      if (wanted.has(port)) listening.add(port);
    }
  }
  return [...listening];
}

/** The parent pid of a live process, from /proc; undefined when it has gone. */
export function parentOf(pid: number): number | undefined {
  try {
    // The command name, in parentheses, may hold spaces; the fields after it do not.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * kill -9 of `pid`, only while it is still a child of `parentPid`: a pid that has ended may
 * already belong to someone else's process on this shared machine. Returns whether it was sent.
 */
export function killChild(parentPid: number, pid: number): boolean {
  if (parentOf(pid) !== parentPid) return false;
  try {
    process.kill(pid, "SIGKILL");
    return true;
  } catch {
    return false;
  }
}

/** A process's resident memory in MB (VmRSS, as `ps` shows it); NaN when it has gone. */
export function rssMb(pid: number): number {
  try {
    const kb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return Number.NaN;
  }
}

/** The ipc folders of a bridge's runs still in the temporary directory (see server/ipc-dirs.ts). */
export function ipcDirsOf(bridgePid: number): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith(`zmq-run-${bridgePid}-`));
}
