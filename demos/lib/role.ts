/**
 * Runs one role of a demo as a program: reads its endpoints and parameters from the command
 * line (checked against the manifest), starts the demo's function, carries out the commands
 * the bridge passes on (a new filter, a second request), and ends the process cleanly —
 * sockets closed, totals printed and reported — on SIGTERM, SIGINT, or when the bridge that
 * started it goes away.
 */
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { type DemoManifest, type ParamValues, type RoleParams, endpointName, endpointOption } from "../../protocol/manifest.js";
import { helpLines, optionValue, paramDescription, readParam } from "./command-line.js";
import { isRoleCommand } from "../../protocol/commands.js";
import { closeAllSockets, messageTotals, replaceFilters, sendSecondRequest } from "./zmq.js";
import { monotonicMs } from "../../protocol/clock.js";
import { flushNow, report, underBridge } from "./report.js";

export interface RoleContext<P extends ParamValues = ParamValues> {
  /** The role's first endpoint, from --bind/--connect or the manifest's standalone one. */
  endpoint: string;
  /** Every endpoint of the role, by the manifest's endpoint name. */
  endpoints: Record<string, string>;
  /** The parameters the role takes, by name, each a number: given on the command line or the default. */
  params: P;
  /** This process's number among its role's processes, from 1 (`--index`, default 1). */
  index: number;
  /** This process's one name, `ROLE-N`: its node id on the diagram, its output prefix, what it prints. */
  name: string;
}

let shuttingDown = false;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function usage(manifest: DemoManifest, roleName: string): string {
  const role = manifest.roles[roleName]!;
  const rows: [string, string][] = [
    ...role.endpoints.map((use): [string, string] => {
      const { name } = endpointName(use);
      return [`--${endpointOption(role, use)} ENDPOINT`, `${name}; default ${manifest.endpoints[name]!.standalone}`];
    }),
    ...role.params.map((name): [string, string] => {
      const spec = manifest.params[name]!;
      return [`--${name} ${optionValue(spec)}`, paramDescription(spec)];
    }),
    ["--index N", `this process's number among its role's, from 1: it is named ${roleName}-N (default 1)`],
  ];
  return [`${manifest.title}: the ${role.label.toLowerCase()} (${role.socket}). Ctrl-C stops it.`, ...helpLines(rows), ""].join("\n");
}

function readCommandLine(manifest: DemoManifest, roleName: string): RoleContext {
  const role = manifest.roles[roleName];
  if (!role) fail(`${manifest.name} has no role ${roleName}`);
  const options: Record<string, { type: "string" } | { type: "boolean" }> = { help: { type: "boolean" }, index: { type: "string" } };
  for (const use of role.endpoints) options[endpointOption(role, use)] = { type: "string" };
  for (const name of role.params) options[name] = { type: "string" };

  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ options, strict: true, allowPositionals: false }));
  } catch (error) {
    fail(`${(error as Error).message}\nTry --help.`);
  }
  if (values.help) {
    process.stdout.write(usage(manifest, roleName));
    process.exit(0);
  }

  const params: ParamValues = {};
  for (const name of role.params) {
    const spec = manifest.params[name]!;
    const given = values[name];
    if (typeof given !== "string") {
      params[name] = spec.default;
      continue;
    }
    const read = readParam(spec, `--${name}`, given);
    if ("problem" in read) fail(read.problem);
    params[name] = read.value;
  }
  const endpoints: Record<string, string> = {};
  for (const use of role.endpoints) {
    const { name } = endpointName(use);
    const given = values[endpointOption(role, use)];
    endpoints[name] = typeof given === "string" ? given : manifest.endpoints[name]!.standalone;
  }
  const index = typeof values.index === "string" ? Number(values.index) : 1;
  if (!Number.isInteger(index) || index < 1) fail("--index must be a whole number from 1");
  const first = role.endpoints[0];
  return { endpoint: first ? endpoints[endpointName(first).name]! : "", endpoints, params, index, name: `${roleName}-${index}` };
}

/** Ends the process: close every socket, report and print this process's totals, exit. */
function shutdown(exitCode: number): Promise<never> {
  // Once begun, it runs to its end: the role's main may finish meanwhile (its sockets closed),
  // and must not exit before the totals are out.
  ending ??= endProcess(exitCode);
  return ending;
}
let ending: Promise<never> | undefined;

async function endProcess(exitCode: number): Promise<never> {
  shuttingDown = true;
  // Closed first, then a turn of the event loop: a message libzmq handed over just before is
  // reported and counted before the totals are taken, and none can come after them.
  closeAllSockets();
  await new Promise((resolve) => setImmediate(resolve));
  const { sent, received } = messageTotals();
  report({ kind: "tally", t: monotonicMs(), sent, received });
  console.log(`sent ${sent}, received ${received}`);
  flushNow();
  // The bridge reads stdout and stderr from sockets, which Node writes asynchronously: lines
  // still queued (a sink's last thousands, its total among them) would die with exit.
  await Promise.race([Promise.all([drained(process.stdout), drained(process.stderr)]), sleep(OUTPUT_DRAIN_MS)]);
  process.exit(exitCode);
}

/** How long an ending process waits for its queued output to be taken: the bridge may be gone. */
const OUTPUT_DRAIN_MS = 2000;

/** Resolves once everything written to `stream` so far has been handed to the system. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.write("", () => resolve());
  });
}

/**
 * The frames of a failure's stack that point into the demo's code (or a learner's edit of it):
 * where it happened, which the one-line message does not say. Node's own frames are left out.
 */
function whereItFailed(error: unknown): string[] {
  const stack = (error as { stack?: unknown } | null)?.stack;
  if (typeof stack !== "string") return [];
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line) && !line.includes("(node:") && !/at node:/.test(line))
    .slice(0, 6);
}

/** Carries out what the bridge asks of this process; anything unknown is ignored. */
function onBridgeMessage(message: unknown): void {
  if (!isRoleCommand(message)) return;
  if (message.command === "filter") replaceFilters(message.filter);
  else void sendSecondRequest();
}

/**
 * Runs `main` as this program's role. `main` is the function the slide shows; everything
 * a process needs around it lives here.
 */
export function runRole<M extends DemoManifest, R extends keyof M["roles"] & string>(
  manifest: M,
  roleName: R,
  main: (context: RoleContext<RoleParams<M, R>>) => Promise<unknown>,
): void {
  // Every parameter the role lists is read, or takes its default.
  const context = readCommandLine(manifest, roleName) as RoleContext<RoleParams<M, R>>;
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGINT", () => void shutdown(0));
  if (underBridge) {
    // The bridge is gone (it exited or was killed): nobody is watching, so leave at once.
    process.on("disconnect", () => process.exit(0));
    process.on("message", onBridgeMessage);
    // It may have gone while this program was still loading, before anyone listened for it.
    if (!process.connected) process.exit(0);
  }
  process.on("unhandledRejection", (error) => {
    if (shuttingDown) return;
    throw error;
  });
  main(context).then(
    () => shutdown(0),
    (error: unknown) => {
      if (shuttingDown) return;
      const { code, message } = error as { code?: string; message?: string };
      report({ kind: "error", t: monotonicMs(), code: code ?? "ERROR", message: String(message ?? error) });
      console.error(`${roleName} failed: ${code ? `${code}: ` : ""}${message ?? error}`);
      for (const frame of whereItFailed(error)) console.error(frame);
      void shutdown(1);
    },
  );
}

/**
 * Keeps a finished sender alive until it is stopped: a process that exits right after its last
 * send can take messages still queued in its pipes with it.
 */
export function untilStopped(): Promise<never> {
  return new Promise(() => setInterval(() => {}, 60_000));
}
