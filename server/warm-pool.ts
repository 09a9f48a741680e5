/**
 * Demo processes started ahead of time. Each has loaded zeromq and waits to be handed a role
 * (demos/lib/host.ts), so pressing Run costs a few milliseconds instead of a cold Node start
 * per process. Taking one schedules replacements a little later, so refilling does not compete
 * for the CPU with the run that just started.
 */
import { type ChildProcess, fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { guardGroup, releaseGroup } from "./orphan-guard.js";

const HOST_SCRIPT = fileURLToPath(new URL("../demos/lib/host.js", import.meta.url));
/** Wait after a take before starting replacements: the run being started needs the CPU now. */
const REFILL_DELAY_MS = 250;

/**
 * Node's options for every demo process.
 *
 * --v8-pool-size=1: V8 starts four helper threads by default (concurrent marking and compiling,
 * parallel scavenges); one is plenty for a demo on a 2-core machine, and each thread left out
 * takes its stack and malloc arena with it: about 2.5 MB less RSS per process, measured on
 * req-rep at interval=1, with no loss of `fast`'s throughput.
 *
 * --max-semi-space-size=1: V8's young generation starts at 2 × 1 MB here and doubles whenever
 * enough has survived its scavenges since the last doubling — which, for a process sending
 * steadily, is only a matter of time: Push/Pull's ventilator at 1,000 tasks a second (3.5 KB
 * allocated per task, nearly all garbage within milliseconds; heapUsed back to 4.7 MB after a
 * full GC) went 4 → 8 → 16 MB of new space and 58 → 71 MB RSS in 100 s. Held at 1 MB, scavenges
 * come a few times a second and take under a millisecond, every process starts about 2 MB
 * smaller, and the steps are gone; `fast`'s throughput shows no change beyond the bench's noise.
 *
 * --expose-gc: so that a demo process can run a full collection when its old generation has
 * grown (demos/lib/heap-keeper.ts); V8 by itself let Push/Pull's ventilator grow ~0.4 MB every
 * 10 s for minutes. (--initial-old-space-size=8 with --optimize-for-size bounded it standalone
 * but not under the bridge: no full collection in 200 s.)
 */
export const DEMO_EXEC_ARGV = ["--v8-pool-size=1", "--max-semi-space-size=1", "--expose-gc"];

/**
 * How much lower than the bridge's a demo process's CPU priority is (nice values above its own).
 * When demos flood the machine, what the audience sees comes first: the bridge that turns their
 * reports into the diagram, and the browser that draws it. With every message of `fast`'s
 * flat-out stream reported, its sender and receiver took most of this 2-core machine and left
 * the bridge 39 % of a core, so the diagram fell seconds behind the processes; 5 above, the
 * bridge gets 69 % and delivers twice the events (115,000 → 233,000 a second to a client;
 * `node build/scripts/bench/cpu-share.js`). 10 above did as much for the bridge but cost every
 * hop of Request/Reply's first message a longer wait behind the browser: Run → first message
 * went from 50 to 58 ms; at 5 it stays at 50.
 */
export const DEMO_NICENESS = 5;

/**
 * The file descriptor of a demo process's report pipe (demos/lib/report.ts): a pipe of its own,
 * beside the IPC channel, which its reports are written into synchronously.
 */
export const REPORT_FD = 4;

/**
 * How a demo process is started: forked detached, so it leads its own process group (and
 * session), and told to the orphan reaper, which ends the group should the bridge die first.
 * `execArgv` is DEMO_EXEC_ARGV, or those and a sandbox's (role-code/sandbox.ts).
 */
export function forkDemoProcess(script: string, args: string[], execArgv: readonly string[] = DEMO_EXEC_ARGV): ChildProcess {
  const child = fork(script, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe", "ipc", "pipe"],
    env: { ...process.env, ZMQ_REPORT_FD: String(REPORT_FD) },
    execArgv: [...execArgv],
    serialization: "json",
  });
  const { pid } = child;
  if (pid !== undefined) {
    guardGroup(pid);
    child.once("exit", () => releaseGroup(pid));
    yieldToTheDiagram(pid);
  }
  return child;
}

/**
 * Lowers a just-started demo process's priority, where the system lets us. Linux schedules a
 * new session (a detached child's) as its own "autogroup", weighed against the others by the
 * autogroup's nice value, not its threads': the process's own nice then only orders it against
 * itself, so both are set. The threads the process starts later (libzmq's I/O thread among
 * them) inherit its nice. Raising a nice value needs no privilege; where either is refused or
 * missing (no autogroups, another OS), the demo simply runs at the bridge's priority.
 */
function yieldToTheDiagram(pid: number): void {
  const nice = Math.min(19, getPriority() + DEMO_NICENESS);
  try {
    setPriority(pid, nice);
  } catch {
    // Not permitted here: runs as before.
  }
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // No autogroups (not Linux, or a kernel without them).
  }
}

export class WarmPool {
  /** Node's options of every host of this pool. */
  readonly execArgv: readonly string[];
  readonly #size: number;
  readonly #ready: ChildProcess[] = [];
  readonly #starting = new Set<ChildProcess>();
  /** What each waiting host's exit does to the pool; taken off when the host is handed out. */
  readonly #onHostExit = new Map<ChildProcess, () => void>();
  #refillTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(size: number, execArgv: readonly string[] = DEMO_EXEC_ARGV) {
    this.execArgv = execArgv;
    this.#size = size;
    this.#refill();
  }

  /** How many hosts are waiting for a role now. */
  get ready(): number {
    return this.#ready.length;
  }

  /** A waiting host, now the caller's, or undefined when none is ready. */
  take(): ChildProcess | undefined {
    const host = this.#ready.shift();
    if (host) {
      host.off("exit", this.#onHostExit.get(host)!);
      this.#onHostExit.delete(host);
      this.#scheduleRefill();
    }
    return host;
  }

  /** Ends every waiting host; the pool starts no more. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#refillTimer);
    for (const host of [...this.#ready, ...this.#starting]) {
      try {
        process.kill(-host.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
    this.#ready.length = 0;
  }

  #scheduleRefill(): void {
    clearTimeout(this.#refillTimer);
    this.#refillTimer = setTimeout(() => this.#refill(), REFILL_DELAY_MS);
  }

  /** Starts as many hosts as the pool is short of. */
  #refill(): void {
    while (!this.#closed && this.#ready.length + this.#starting.size < this.#size) this.#startHost();
  }

  #startHost(): void {
    const host = forkDemoProcess(HOST_SCRIPT, [], this.execArgv);
    this.#starting.add(host);
    const onMessage = (message: unknown) => {
      if ((message as { hostReady?: boolean } | null)?.hostReady !== true) return;
      host.off("message", onMessage);
      this.#starting.delete(host);
      if (this.#closed) host.kill("SIGKILL");
      else this.#ready.push(host);
    };
    host.on("message", onMessage);
    // A host that dies while waiting (killed by hand, say), or never started (no file
    // descriptors left to start it with), is replaced a little later.
    const gone = () => {
      host.off("exit", gone);
      this.#onHostExit.delete(host);
      this.#starting.delete(host);
      const index = this.#ready.indexOf(host);
      if (index !== -1) this.#ready.splice(index, 1);
      this.#scheduleRefill();
    };
    this.#onHostExit.set(host, gone);
    host.once("exit", gone);
    host.on("error", () => {
      if (host.pid === undefined) gone();
    });
  }
}

let shared: WarmPool | undefined;
/** Hosts waiting in a sandbox, for learners' edited roles: started once a page sends code. */
let sandboxed: WarmPool | undefined;

/** Starts the bridge's pool of `size` waiting hosts. */
export function startWarmPool(size: number): void {
  shared ??= new WarmPool(size);
}

/**
 * Starts a pool of `size` hosts waiting under `execArgv` (a sandbox's), where the bridge keeps
 * hosts waiting at all: a command-line run (scripts/demo.ts) starts its processes cold.
 */
export function startSandboxedWarmPool(size: number, execArgv: readonly string[]): void {
  if (shared && !sandboxed) sandboxed = new WarmPool(size, execArgv);
}

/** Ends the waiting hosts; demo processes already handed out are their runs' business. */
export function stopWarmPool(): void {
  shared?.close();
  shared = undefined;
  sandboxed?.close();
  sandboxed = undefined;
}

/**
 * Starts `script` with `args` as a demo process: a warm host becomes it when one is waiting,
 * otherwise a fresh process is forked. With `execArgv` (a sandbox's), only a host started
 * with exactly those options may become it.
 */
export function startDemoProcess(script: string, args: string[], execArgv?: readonly string[]): ChildProcess {
  const pool = execArgv === undefined ? shared : sandboxed?.execArgv === execArgv ? sandboxed : undefined;
  const host = pool?.take();
  if (!host) return forkDemoProcess(script, args, execArgv);
  host.send({ assign: { script, args } });
  return host;
}
