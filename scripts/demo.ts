/**
 * Runs a whole demo in the terminal, its processes' output interleaved, each line prefixed by
 * the node that printed it:
 *   npm run demo -- push-pull --workers 4 --rate 5
 *   npm run demo -- pub-sub --sync on --transport ipc
 * The same runs as the deck's (server/run.ts), without a browser. Ctrl-C ends every process;
 * a demo whose work is done (the adder's sink has its total) ends by itself.
 */
import { parseArgs } from "node:util";
import { manifests } from "../demos/manifests.js";
import { type DemoManifest, type ParamValues, bodyFrameOf, defaultParams } from "../demos/lib/manifest.js";
import { helpLines, optionValue, paramDescription, readParam } from "../demos/lib/command-line.js";
import { Run } from "../server/run.js";
import type { RunEvent, StopReason } from "../server/protocol.js";
import { LOST_BECAUSE, UNKNOWN_BECAUSE } from "../slides/app/loss-words.js";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function usage(manifest: DemoManifest): string {
  const rows = Object.entries(manifest.params).map(([param, spec]): [string, string] => [`--${param} ${optionValue(spec)}`, paramDescription(spec)]);
  return [`${manifest.title}: npm run demo -- ${manifest.name} [option value …]`, ...helpLines([...rows, ["--help", "this list"]]), ""].join("\n");
}

const [name, ...rest] = process.argv.slice(2);
const manifest = manifests.get(name ?? "");
if (!manifest) fail(`usage: npm run demo -- <demo> [--param value …]\ndemos: ${[...manifests.keys()].join(", ")}`);

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    args: rest,
    options: { help: { type: "boolean" }, ...Object.fromEntries(Object.keys(manifest.params).map((param) => [param, { type: "string" as const }])) },
    strict: true,
  }));
} catch (error) {
  fail(`${(error as Error).message}\nTry npm run demo -- ${manifest.name} --help`);
}
if (values.help) {
  process.stdout.write(usage(manifest));
  process.exit(0);
}
const params: ParamValues = defaultParams(manifest);
for (const [param, given] of Object.entries(values)) {
  if (param === "help" || typeof given !== "string") continue;
  const read = readParam(manifest.params[param]!, `--${param}`, given);
  if ("problem" in read) fail(read.problem);
  params[param] = read.value;
}

/** What each stop means, said once the last process has gone. */
const ENDINGS: Record<StopReason, string> = {
  requested: "Stopped: every process has ended.",
  finished: "Done: the demo's work is finished and every process has ended.",
  failed: "Failed to start.",
  "connection-closed": "Stopped.",
  "bridge-exit": "Stopped.",
  idle: "Stopped.",
};

const width = Math.max(...Object.keys(manifest.roles).map((role) => role.length)) + 3;
/** What happened, as a line a person reads; undefined for what the processes' own lines already say. */
function describe(event: RunEvent): string | undefined {
  switch (event.kind) {
    case "log":
      return event.text;
    case "spawn":
      return `started, pid ${event.pid}`;
    case "bound":
      return `bound ${event.endpoint}`;
    case "exit":
      return `exited (${event.signal ?? `code ${event.code}`})`;
    case "lost": {
      const body = event.frames.at(bodyFrameOf(manifest!, event.node, event.to ?? event.node))?.text ?? "";
      return `lost "${body}"${event.to ? ` for ${event.to}` : ""}: ${LOST_BECAUSE[event.reason] ?? event.reason}`;
    }
    case "lost-count":
      return `${event.count} ${event.count === 1 ? "message" : "messages"} ${event.as === "sender" ? "lost" : "missed"}${event.peer ? ` with ${event.peer}` : ""}, counted once quiet: ${LOST_BECAUSE[event.reason] ?? event.reason}`;
    case "unknown": {
      const body = event.frames ? ` "${event.frames.at(bodyFrameOf(manifest!, event.node, event.node))?.text ?? ""}"` : "";
      return `${event.count === 1 ? `a message${body}` : `${event.count} messages`} not known to be received: ${UNKNOWN_BECAUSE[event.reason] ?? event.reason}`;
    }
    case "external":
      return `${event.count} ${event.count === 1 ? "program" : "programs"} from outside the run connected to ${event.endpoint}`;
    default:
      return undefined;
  }
}

function print(event: RunEvent): void {
  const text = describe(event);
  if (text === undefined) return;
  const stream = event.kind === "log" && event.stream === "stderr" ? process.stderr : process.stdout;
  stream.write(`${`[${event.node}]`.padEnd(width + 2)} ${text}\n`);
}

console.log(`${manifest.title}: starting its processes. Ctrl-C stops them all.`);
/** A process whose ending by itself means the demo's work is done (RoleSpec.finishes): the run then ends. */
function finishesRun(event: RunEvent): boolean {
  if (event.kind !== "exit" || event.code !== 0 || event.signal !== null) return false;
  return manifest!.roles[event.node.slice(0, event.node.lastIndexOf("-"))]?.finishes === true;
}

const run = new Run("terminal", manifest, params, {
  onEvent: (_, event) => {
    print(event);
    if (finishesRun(event)) void run.stop("finished");
  },
  onStopped: (_, reason) => {
    console.log(ENDINGS[reason]);
    process.exit(reason === "failed" ? 1 : 0);
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void run.stop("requested"));
run.start().catch((error: unknown) => fail(String((error as Error).message)));
