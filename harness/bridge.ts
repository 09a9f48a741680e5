/**
 * Starts the real bridge (the compiled server) on a free port, as `npm start` would, and
 * stops it again. Tests talk to it over real HTTP and WebSockets.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { once } from "node:events";

const MAIN = fileURLToPath(new URL("../server/main.js", import.meta.url));

export interface RunningBridge {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the bridge printed so far. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Bridges this process started and has not seen end: ended with it, however it ends. */
const running = new Set<ChildProcess>();
let handlersInstalled = false;

/**
 * A test process stopped by a signal (the runner killed, Ctrl-C) runs no `after` hook, and its
 * bridges, with their demo processes, would live on: each is ended before this process goes.
 */
function endBridgesWithThisProcess(): void {
  const endAll = () => {
    for (const child of running) child.kill("SIGTERM");
  };
  process.once("exit", endAll);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(signal, () => {
      endAll();
      process.exit(128 + (signal === "SIGTERM" ? 15 : signal === "SIGINT" ? 2 : 1));
    });
  }
}

/** Starts the bridge on `port` (a free one by default), `env` added to its environment (and so to its demo processes'). */
export async function startBridge(
  extraArgs: string[] = [],
  { port = 0, env = {} }: { port?: number; env?: Record<string, string> } = {},
): Promise<RunningBridge> {
  const child = spawn(process.execPath, [MAIN, "--port", String(port), ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  if (!handlersInstalled) {
    handlersInstalled = true;
    endBridgesWithThisProcess();
  }
  running.add(child);
  child.once("exit", () => running.delete(child));
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bridge did not start:\n${output}`)), 15_000);
    const check = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on("data", check);
    // "close", not "exit": by then everything it printed has been read.
    child.once("close", () => reject(new Error(`the bridge exited:\n${output}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    process: child,
    output: () => output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill(signal);
      await exited;
    },
  };
}
