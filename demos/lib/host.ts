/**
 * A warm demo process: started ahead of time by the bridge, it loads zeromq (the slow part of
 * a cold start) and waits. When a run needs a process, the bridge hands it a role program and
 * its arguments over IPC, and this process becomes that program, exactly as if it had been
 * started with `node <script> <args…>`. A cold start costs 130–200 ms; taking a warm one, a few.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// Loaded as demos/lib/zmq.ts loads it (require, not import: 5 MB less per process), so the
// role finds it loaded.
createRequire(import.meta.url)("zeromq");
// Every role imports these; compiled here, ahead of time, they cost the role nothing (15 ms less
// before its first socket). They only define things: a role's handlers start with runRole.
await import("./role.js");
await import("./zmq.js");
await import("../../protocol/manifests.js");

/** What the bridge sends a waiting host: the program to become. */
export interface HostAssignment {
  assign: { script: string; args: string[] };
}

/** What a host sends the bridge once zeromq is loaded and it can take a role. */
export interface HostReady {
  hostReady: true;
}

function isAssignment(message: unknown): message is HostAssignment {
  const assign = (message as HostAssignment | null)?.assign;
  return typeof assign?.script === "string" && Array.isArray(assign.args) && assign.args.every((arg) => typeof arg === "string");
}

// Waiting with nobody to wait for: the bridge is gone, so go too.
process.on("disconnect", () => process.exit(0));

process.on("message", function onAssignment(message: unknown) {
  if (!isAssignment(message)) return;
  process.off("message", onAssignment);
  const { script, args } = message.assign;
  // Become the program: its command line, its name in `ps`, then its code.
  process.argv = [process.argv[0]!, script, ...args];
  process.title = ["node", script, ...args].join(" ");
  import(pathToFileURL(script).href).catch((error: unknown) => {
    console.error(`cannot start ${script}: ${(error as Error).message}`);
    process.exit(1);
  });
});

process.send!({ hostReady: true } satisfies HostReady);
