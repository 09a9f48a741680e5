/**
 * Runs a whole demo in the terminal, its processes' output interleaved, each line prefixed by
 * the node that printed it:
 *   npm run demo -- push-pull --workers 4 --rate 5
 *   npm run demo -- pub-sub --sync on --transport ipc
 *   npm run demo -- req-rep --server my-server.ts
 * The same runs as the deck's (server/run.ts), without a browser. Ctrl-C ends every process;
 * a demo whose work is done (the adder's sink has its total) ends by itself.
 * `--ROLE FILE` runs that role from FILE, which holds an edited version of the function its
 * slide shows, compiled and sandboxed as the deck's Edit does; errors name FILE's lines.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { manifests } from "../protocol/manifests.js";
import { type DemoManifest, type ParamValues, bodyFrameOf, defaultParams } from "../protocol/manifest.js";
import { helpLines, optionValue, paramDescription, readParam } from "../demos/lib/command-line.js";
import { Run } from "../server/run.js";
import type { RunEvent, StopReason } from "../protocol/messages.js";
import { CompileService } from "../server/role-code/compile-service.js";
import { type EditedRole, prepareEditedRole } from "../server/role-code/edited-role.js";
import { BUILD_ROOT, sandboxUnavailable } from "../server/role-code/sandbox.js";
import { REPO_ROOT } from "../server/http.js";
import { LOST_BECAUSE, UNKNOWN_BECAUSE } from "../slides/app/loss-words.js";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

/** Roles a file may replace the function of: those with code, by a name no parameter has. */
function editableRoles(manifest: DemoManifest): string[] {
  return Object.entries(manifest.roles)
    .filter(([role, spec]) => spec.code && !Object.hasOwn(manifest.params, role))
    .map(([role]) => role);
}

function usage(manifest: DemoManifest): string {
  const rows = Object.entries(manifest.params).map(([param, spec]): [string, string] => [
    `--${param} ${optionValue(spec)}`,
    paramDescription(spec),
  ]);
  const roles = editableRoles(manifest).map((role): [string, string] => {
    const spec = manifest.roles[role]!;
    return [`--${role} FILE`, `run the ${spec.label.toLowerCase()} from FILE: your version of ${spec.code!.symbol} (${spec.code!.file})`];
  });
  return [
    `${manifest.title}: npm run demo -- ${manifest.name} [option value …]`,
    ...helpLines([...rows, ...roles, ["--help", "this list"]]),
    "",
  ].join("\n");
}

const [name, ...rest] = process.argv.slice(2);
const manifest = manifests.get(name ?? "");
if (!manifest) fail(`usage: npm run demo -- <demo> [--param value …]\ndemos: ${[...manifests.keys()].join(", ")}`);

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    args: rest,
    options: {
      help: { type: "boolean" },
      ...Object.fromEntries(
        [...Object.keys(manifest.params), ...editableRoles(manifest)].map((name) => [name, { type: "string" as const }]),
      ),
    },
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
  if (param === "help" || !Object.hasOwn(manifest.params, param) || typeof given !== "string") continue;
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

/** The role given a file, compiled and ready to run sandboxed; problems in the file end the program here. */
async function editedRole(): Promise<EditedRole | undefined> {
  const given = editableRoles(manifest!).filter((role) => typeof values[role] === "string");
  if (given.length === 0) return undefined;
  if (given.length > 1) fail(`one role at a time may run from a file; given: ${given.map((role) => `--${role}`).join(", ")}`);
  const role = given[0]!;
  const file = values[role] as string;
  const unavailable = sandboxUnavailable();
  if (unavailable) fail(unavailable);
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  const shown = relative(process.cwd(), file) || file;
  const compiler = new CompileService(REPO_ROOT, BUILD_ROOT);
  try {
    const prepared = await prepareEditedRole(
      compiler,
      manifest!,
      role,
      source,
      (line, column) => `${shown}:${line}${column ? `:${column}` : ""}`,
    );
    if ("problems" in prepared) {
      for (const problem of prepared.problems)
        process.stderr.write(`${shown}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.message}\n`);
      fail(`${shown} has ${prepared.problems.length} problem(s); nothing was started`);
    }
    return prepared.edited;
  } finally {
    await compiler.close();
  }
}

const edited = await editedRole();
console.log(
  `${manifest.title}: starting its processes${edited ? `, the ${edited.role} from ${values[edited.role]}` : ""}. Ctrl-C stops them all.`,
);
/** A process whose ending by itself means the demo's work is done (RoleSpec.finishes): the run then ends. */
function finishesRun(event: RunEvent): boolean {
  if (event.kind !== "exit" || event.code !== 0 || event.signal !== null) return false;
  return manifest!.roles[event.node.slice(0, event.node.lastIndexOf("-"))]?.finishes === true;
}

const run = new Run(
  "terminal",
  manifest,
  params,
  {
    onEvent: (_, event) => {
      print(event);
      if (finishesRun(event)) void run.stop("finished");
    },
    onStopped: (_, reason) => {
      console.log(ENDINGS[reason]);
      process.exit(reason === "failed" ? 1 : 0);
    },
  },
  edited ? { edited } : {},
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void run.stop("requested"));
run.start().catch((error: unknown) => fail(String((error as Error).message)));
