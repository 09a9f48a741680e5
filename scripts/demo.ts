/**
 * Runs a whole demo in the terminal, its processes' output interleaved, each line prefixed by
 * the node that printed it:
 *   npm run demo -- push-pull --workers 4 --rate 5
 *   npm run demo -- dist-adder --length 1000 --size 50 --wait 1
 *   npm run demo -- req-rep --server my-server.ts
 * The same runs as the deck's (server/run.ts), without a browser. Ctrl-C ends every process.
 * `--ROLE FILE` runs that role from FILE, which holds an edited version of the function its
 * slide shows, compiled and sandboxed as the deck's Edit does; errors name FILE's lines.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { manifests } from "../demos/manifests.js";
import { type ParamValues, defaultParams, paramProblem } from "../demos/lib/manifest.js";
import { Run } from "../server/run.js";
import type { RunEvent } from "../server/protocol.js";
import { CompileService } from "../server/role-code/compile-service.js";
import { type EditedRole, prepareEditedRole } from "../server/role-code/edited-role.js";
import { BUILD_ROOT, SOURCE_ROOT, sandboxUnavailable } from "../server/role-code/sandbox.js";

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

const [name, ...rest] = process.argv.slice(2);
const manifest = manifests.get(name ?? "");
if (!manifest) fail(`usage: npm run demo -- <demo> [--param value …]\ndemos: ${[...manifests.keys()].join(", ")}`);

/** Roles a file may replace the function of: those with code, by a name no parameter has. */
const editableRoles = Object.entries(manifest.roles)
  .filter(([role, spec]) => spec.code && !Object.hasOwn(manifest.params, role))
  .map(([role]) => role);

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    args: rest,
    options: {
      help: { type: "boolean" },
      ...Object.fromEntries([...Object.keys(manifest.params), ...editableRoles].map((name) => [name, { type: "string" as const }])),
    },
    strict: true,
  }));
} catch (error) {
  fail(`${(error as Error).message}\nTry: npm run demo -- ${manifest.name} --help`);
}
if (values.help) {
  const lines = Object.entries(manifest.params).map(
    ([param, spec]) => `  --${param} N   ${spec.label} (${spec.min}–${spec.max}${spec.unit ? ` ${spec.unit}` : ""}, default ${spec.default})`,
  );
  const roles = editableRoles.map((role) => `  --${role} FILE   run the ${manifest.roles[role]!.label.toLowerCase()} from FILE: your version of ${manifest.roles[role]!.code!.symbol} (${manifest.roles[role]!.code!.file})`);
  process.stdout.write(`${manifest.title}\n${[...lines, ...roles].join("\n")}\n`);
  process.exit(0);
}
const params: ParamValues = defaultParams(manifest);
for (const [param, given] of Object.entries(values)) {
  if (param === "help" || editableRoles.includes(param) || typeof given !== "string") continue;
  const problem = paramProblem(manifest.params[param]!, `--${param}`, Number(given));
  if (problem) fail(problem);
  params[param] = Number(given);
}

const width = Math.max(...Object.keys(manifest.roles).map((role) => role.length)) + 3;
function print(event: RunEvent): void {
  const prefix = `[${event.node}]`.padEnd(width + 2);
  switch (event.kind) {
    case "log":
      (event.stream === "stderr" ? process.stderr : process.stdout).write(`${prefix} ${event.text}\n`);
      break;
    case "spawn":
      console.log(`${prefix} started, pid ${event.pid}`);
      break;
    case "bound":
      console.log(`${prefix} bound ${event.endpoint}`);
      break;
    case "exit":
      console.log(`${prefix} exited (${event.signal ?? `code ${event.code}`})`);
      break;
    case "lost":
      console.log(`${prefix} lost: ${event.frames.at(-1)?.text ?? ""} (${event.reason}${event.to ? `, for ${event.to}` : ""})`);
      break;
    case "send-waiting":
      console.log(`${prefix} ${event.waiting ? "send waiting: no peer has taken the message yet" : "send went out"}`);
      break;
    case "external":
      console.log(`${prefix} ${event.count} peer(s) from outside the run on ${event.endpoint}`);
      break;
  }
}

/** The role given a file, compiled and ready to run sandboxed; problems in the file end the program here. */
async function editedRole(): Promise<EditedRole | undefined> {
  const given = editableRoles.filter((role) => typeof values[role] === "string");
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
  const compiler = new CompileService(SOURCE_ROOT, BUILD_ROOT);
  try {
    const prepared = await prepareEditedRole(compiler, manifest!, role, source, (line, column) => `${shown}:${line}:${column}`);
    if ("problems" in prepared) {
      for (const problem of prepared.problems) process.stderr.write(`${shown}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.message}\n`);
      fail(`${shown} has ${prepared.problems.length} problem(s); nothing was started`);
    }
    return prepared.edited;
  } finally {
    await compiler.close();
  }
}

const edited = await editedRole();
const run = new Run("terminal", manifest, params, {
  onEvent: (_, event) => print(event),
  onStopped: (_, reason) => {
    console.log(`(${reason})`);
    process.exit(reason === "failed" ? 1 : 0);
  },
}, edited ? { edited } : {});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void run.stop("requested"));
run.start().catch((error: unknown) => fail(String((error as Error).message)));
