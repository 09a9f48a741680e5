/**
 * The sandbox a learner's edited role runs in: Node's permission model, with reading allowed
 * only where the role's program comes from (the compiled demos, node_modules for zeromq, the
 * folder of edited modules) and no file writes, child processes or worker threads; a capped
 * JavaScript heap. Everything else about the process is every demo process's (warm-pool.ts):
 * its process group, the orphan reaper, the lower priority, the report pipe.
 *
 * The edited modules live under one folder per bridge (`zmq-code-<pid>-XXXXXX` in the system's
 * temporary directory, so the start-up clean-up of ipc-dirs.ts removes it when its bridge is
 * gone), one sub-folder per run. A sandboxed process may read the whole folder, so a warm one
 * can be started before the run that takes it exists.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../http.js";
import { DEMO_EXEC_ARGV } from "../warm-pool.js";

/** The compiled project (build/), whose demos/ the sandboxed role imports. */
export const BUILD_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The JavaScript heap a sandboxed role may grow to, in MB: a demo's needs a few. */
export const SANDBOX_HEAP_MB = 128;

/** The oldest Node whose permission model the sandbox relies on. */
export const MIN_SANDBOX_NODE = "20.12";

/**
 * The flag that turns Node's permission model on, for this Node; undefined when it has none
 * to rely on. It was `--experimental-permission` from 20.0 and became `--permission` in 22.13
 * and 23.5; 20.12 is the oldest that also has every other flag used here.
 */
export function permissionFlag(version = process.versions.node): string | undefined {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  if (major >= 24 || (major === 22 && minor >= 13) || (major === 23 && minor >= 5)) return "--permission";
  if (major > 20 || (major === 20 && minor >= 12)) return "--experimental-permission";
  return undefined;
}

/** Why edited code cannot run on this Node, or undefined when it can. */
export function sandboxUnavailable(version = process.versions.node): string | undefined {
  if (permissionFlag(version)) return undefined;
  return `edited code runs under Node's permission model, which needs Node ${MIN_SANDBOX_NODE} or later; this bridge runs on Node ${version}`;
}

/** Node's options for a process running edited code whose modules are under `codeRoot`. */
export function sandboxExecArgv(codeRoot: string): string[] {
  const flag = permissionFlag();
  if (!flag) throw new Error(sandboxUnavailable());
  const readable = [
    BUILD_ROOT,
    join(REPO_ROOT, "node_modules/"),
    `${codeRoot}/`,
    // zeromq's loader asks whether this is Alpine (musl) to pick its prebuilt addon.
    "/etc/alpine-release",
  ];
  return [
    ...DEMO_EXEC_ARGV,
    flag,
    ...readable.map((path) => `--allow-fs-read=${path}`),
    // zeromq is a native addon: without this it cannot load. Native code is outside the model.
    "--allow-addons",
    `--max-old-space-size=${SANDBOX_HEAP_MB}`,
    // A stack trace names lines of the learner's TypeScript (the edited module carries its map).
    "--enable-source-maps",
    // Said once per process, on the learner's output panel, about the sandbox itself, not their code.
    "--disable-warning=ExperimentalWarning",
    "--disable-warning=SecurityWarning",
  ];
}

/** Where a bridge's edited modules live, and the Node options every process running them gets. */
export interface Sandbox {
  codeRoot: string;
  /** One array for the bridge's life: the warm pool knows its hosts by it. */
  execArgv: readonly string[];
}

let shared: Sandbox | undefined;

/**
 * This bridge's sandbox, its folder made on first need (its modules are ES modules) and
 * removed when the bridge exits. Throws when this Node cannot sandbox (see sandboxUnavailable).
 */
export function sandbox(): Sandbox {
  if (shared) return shared;
  const codeRoot = mkdtempSync(join(tmpdir(), `zmq-code-${process.pid}-`));
  writeFileSync(join(codeRoot, "package.json"), '{ "type": "module" }\n');
  process.once("exit", () => rmSync(codeRoot, { recursive: true, force: true }));
  shared = { codeRoot, execArgv: sandboxExecArgv(codeRoot) };
  return shared;
}

/** A new folder for one run's edited modules, holding `modules` (file name to JavaScript). */
export function writeRunModules(modules: Iterable<[string, string]>): string {
  const folder = mkdtempSync(join(sandbox().codeRoot, "run-"));
  for (const [name, code] of modules) writeFileSync(join(folder, name), code);
  return folder;
}
