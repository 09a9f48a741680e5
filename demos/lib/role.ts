/**
 * Runs one role of a demo as a program: reads its endpoint and parameters from the command
 * line (checked against the manifest), starts the demo's function, and ends the process
 * cleanly — sockets closed, totals printed and reported — on SIGTERM, SIGINT, or when the
 * bridge that started it goes away.
 */
import { parseArgs } from "node:util";
import { type DemoManifest, type ParamValues, paramProblem } from "./manifest.js";
import { closeAllSockets, messageTotals } from "./zmq.js";
import { flushNow, monotonicMs, report, underBridge } from "./report.js";

export interface RoleContext {
  /** The endpoint to bind or connect, from --bind/--connect or the manifest's standalone one. */
  endpoint: string;
  params: ParamValues;
}

let shuttingDown = false;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function readCommandLine(manifest: DemoManifest, roleName: string): RoleContext {
  const role = manifest.roles[roleName];
  if (!role) fail(`${manifest.name} has no role ${roleName}`);
  const use = "bind" in role.endpoint ? "bind" : "connect";
  const endpointName = "bind" in role.endpoint ? role.endpoint.bind : role.endpoint.connect;
  const options: Record<string, { type: "string" } | { type: "boolean" }> = { [use]: { type: "string" }, help: { type: "boolean" } };
  for (const name of role.params) options[name] = { type: "string" };

  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ options, strict: true, allowPositionals: false }));
  } catch (error) {
    fail(`${(error as Error).message}\nTry --help.`);
  }
  if (values.help) {
    const paramHelp = role.params.map((name) => {
      const spec = manifest.params[name]!;
      return `  --${name} N   ${spec.label} (${spec.min}–${spec.max}${spec.unit ?? ""}, default ${spec.default})`;
    });
    process.stdout.write(
      [`${manifest.title}: the ${role.label.toLowerCase()} (${role.socket})`, `  --${use} ENDPOINT   default ${manifest.endpoints[endpointName]!.standalone}`, ...paramHelp, ""].join("\n"),
    );
    process.exit(0);
  }

  const params: ParamValues = {};
  for (const name of role.params) {
    const spec = manifest.params[name]!;
    const given = values[name];
    const value = typeof given === "string" ? Number(given) : spec.default;
    const problem = paramProblem(spec, `--${name}`, value);
    if (problem) fail(problem);
    params[name] = value;
  }
  const given = values[use];
  return { endpoint: typeof given === "string" ? given : manifest.endpoints[endpointName]!.standalone, params };
}

/** Ends the process: report and print this process's totals, close every socket, exit. */
async function shutdown(exitCode: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    const { sent, received } = messageTotals();
    report({ kind: "tally", t: monotonicMs(), sent, received });
    console.log(`sent ${sent}, received ${received}`);
    closeAllSockets();
    await flushNow();
  }
  process.exit(exitCode);
}

/**
 * Runs `main` as this program's role. `main` is the function the slide shows; everything
 * a process needs around it lives here.
 */
export function runRole(manifest: DemoManifest, roleName: string, main: (context: RoleContext) => Promise<unknown>): void {
  const context = readCommandLine(manifest, roleName);
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGINT", () => void shutdown(0));
  // The bridge is gone (it exited or was killed): nobody is watching, so leave at once.
  if (underBridge) process.on("disconnect", () => process.exit(0));
  // It may have gone while this program was still loading, before anyone listened for it.
  if (underBridge && !process.connected) process.exit(0);
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
      console.error(`${roleName} failed: ${message ?? error}`);
      void shutdown(1);
    },
  );
}
