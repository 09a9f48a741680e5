/** Peers from outside a run: Python (pyzmq) programs of tests/peers/, run as a person would. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Where the Python peers are: tests/peers/ in the repository, beside the compiled tests. */
export const PEERS_DIR = fileURLToPath(new URL("../../../tests/peers/", import.meta.url));

/** Debian's python3-zmq is importable only by the system's own Python. */
const PYTHON = "/usr/bin/python3";

/** Runs a Python (pyzmq) peer, not Node, and resolves with its exit code and what it printed. */
export function python(script: string, args: string[], timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [`${PEERS_DIR}${script}`, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
